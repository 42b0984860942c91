// Matching of admin requests to routes: literal segments and `:name` parameters, one pass per route.
import type { ErrorCode } from '../errors/codes.ts';
import type { HeaderMap } from '../lib/headers.ts';

/** What an admin route handler sees: no Node objects, so handlers are testable in memory. */
export interface AdminRequest {
  readonly requestId: string;
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: Readonly<HeaderMap>;
  readonly params: Readonly<Record<string, string>>;
  /** The request body (bounded), for methods other than GET and HEAD. */
  readonly body: Buffer | undefined;
}

/** What a write handler says it changed, for the audit trail: names and ids, never a key or secret. */
export type AdminAuditDetails = Readonly<
  Record<string, string | number | boolean | readonly string[] | undefined>
>;

/**
 * A handler's answer: a JSON value (`json`), a raw body with its content type, or a problem (`code`,
 * rendered as RFC 9457 problem+json with the request id and the code's status).
 */
export type AdminReply =
  | {
      readonly status: number;
      readonly json: unknown;
      readonly headers?: Readonly<Record<string, string>>;
      readonly audit?: AdminAuditDetails;
    }
  | {
      readonly problem: ErrorCode;
      readonly detail?: string;
      readonly headers?: Readonly<Record<string, string>>;
    }
  | {
      readonly status: number;
      readonly body: string | Buffer;
      readonly contentType: string;
      readonly headers?: Readonly<Record<string, string>>;
    };

/** A route mounted on the admin listener; `path` segments starting with `:` are parameters. */
export interface AdminRoute {
  readonly method: string;
  readonly path: string;
  handle(request: AdminRequest): AdminReply | Promise<AdminReply>;
}

/** The outcome of matching a method and path against the admin routes. */
export type AdminMatch =
  | { readonly kind: 'found'; readonly route: AdminRoute; readonly params: Record<string, string> }
  | { readonly kind: 'method-not-allowed'; readonly allow: readonly string[] }
  | { readonly kind: 'not-found' };

const MAX_SEGMENTS = 32;

function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/');
  const have = path.split('/', MAX_SEGMENTS + 1);
  if (want.length !== have.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const segment = want[i]!;
    const actual = have[i]!;
    if (segment.startsWith(':')) {
      if (actual.length === 0) return undefined;
      try {
        params[segment.slice(1)] = decodeURIComponent(actual);
      } catch {
        return undefined;
      }
    } else if (segment !== actual) {
      return undefined;
    }
  }
  return params;
}

/** Finds the route for `method` and `path`; `allow` lists the methods of a path matched otherwise. */
export function matchAdminRoute(routes: readonly AdminRoute[], method: string, path: string): AdminMatch {
  const allow: string[] = [];
  for (const route of routes) {
    const params = matchPath(route.path, path);
    if (params === undefined) continue;
    if (route.method === method) return { kind: 'found', route, params };
    if (!allow.includes(route.method)) allow.push(route.method);
  }
  if (allow.length === 0) return { kind: 'not-found' };
  // HEAD is answered wherever GET is (RFC 9110 §9.3.2).
  if (allow.includes('GET') && !allow.includes('HEAD')) allow.push('HEAD');
  return { kind: 'method-not-allowed', allow };
}
