// Route matching by host, method and normalized path (find-my-way), with 405 + Allow when only the
// method is wrong, and TRACE/TRACK/CONNECT refused unless a route lists them.
import { METHODS } from 'node:http';
import createRouter, { type HTTPMethod } from 'find-my-way';

/** Methods a route gets when it names none: all HTTP methods but the diagnostic/tunnel ones. */
export const REFUSED_BY_DEFAULT = ['TRACE', 'TRACK', 'CONNECT'] as const;
const DEFAULT_METHODS = METHODS.filter(
  (method) => !(REFUSED_BY_DEFAULT as readonly string[]).includes(method),
);

/** What the router needs to know about a route. */
export interface RouteEntry<T> {
  readonly path: string;
  readonly host: string | undefined;
  readonly methods: readonly string[] | undefined;
  readonly allowMethods: readonly string[] | undefined;
  readonly value: T;
}

export type RouteMatch<T> =
  | { readonly kind: 'found'; readonly value: T; readonly params: Record<string, string | undefined> }
  | { readonly kind: 'method-not-allowed'; readonly allow: readonly string[] }
  | { readonly kind: 'not-found' };

/** A compiled router for one config version. */
export interface Router<T> {
  match(method: string, host: string | undefined, path: string): RouteMatch<T>;
}

const NOT_FOUND = { kind: 'not-found' } as const;

function hostConstraint(host: string): string | RegExp {
  if (!host.startsWith('*.')) return host.toLowerCase();
  const suffix = host.slice(2).toLowerCase().replaceAll('.', '\\.');
  // One label, then a fixed suffix: linear, nothing to backtrack into.
  return new RegExp(`^[a-z0-9-]{1,63}\\.${suffix}$`);
}

/** Lower-cases the Host header and drops its port. */
export function hostOf(header: string | undefined): string | undefined {
  if (header === undefined || header === '') return undefined;
  const lower = header.toLowerCase();
  if (lower.startsWith('[')) {
    const end = lower.indexOf(']');
    return end === -1 ? lower : lower.slice(0, end + 1);
  }
  const colon = lower.indexOf(':');
  return colon === -1 ? lower : lower.slice(0, colon);
}

/**
 * Compiles routes into a router. Registering the same method and path twice (for the same host) is a
 * config error, thrown with the route's index so the loader can name its line.
 */
export function compileRouter<T>(
  entries: readonly RouteEntry<T>[],
  options: { caseSensitive: boolean },
): Router<T> {
  const router = createRouter({
    caseSensitive: options.caseSensitive,
    ignoreTrailingSlash: false,
    ignoreDuplicateSlashes: false,
    maxParamLength: 500,
  });
  const knownMethods = new Set<string>();
  entries.forEach((entry, index) => {
    const methods = [...(entry.methods ?? DEFAULT_METHODS), ...(entry.allowMethods ?? [])].filter((method) =>
      METHODS.includes(method),
    );
    for (const method of methods) knownMethods.add(method);
    const routeOptions =
      entry.host === undefined ? {} : { constraints: { host: hostConstraint(entry.host) } };
    try {
      router.on(methods as HTTPMethod[], entry.path, routeOptions, () => undefined, entry.value);
    } catch (error) {
      throw new RouteConflictError(index, (error as Error).message);
    }
  });
  const methodList = [...knownMethods];

  return {
    match(method, host, path) {
      const constraints = host === undefined ? undefined : { host };
      const found = knownMethods.has(method) ? router.find(method as HTTPMethod, path, constraints) : null;
      if (found !== null) return { kind: 'found', value: found.store as T, params: found.params };
      // Only on the miss path: which methods would have matched, for 405 + Allow (RFC 9110 §15.5.6).
      const allow = methodList.filter(
        (other) => router.find(other as HTTPMethod, path, constraints) !== null,
      );
      return allow.length === 0 ? NOT_FOUND : { kind: 'method-not-allowed', allow };
    },
  };
}

/** Two routes claim the same method, path and host. */
export class RouteConflictError extends Error {
  readonly routeIndex: number;
  constructor(routeIndex: number, message: string) {
    super(message);
    this.name = 'RouteConflictError';
    this.routeIndex = routeIndex;
  }
}
