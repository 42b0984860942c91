// A config version: everything a request needs, compiled once (router, chains, upstream pools,
// trusted proxies), swapped atomically on reload; requests finish on the version they started with.
import type { RampartConfig, RouteConfig } from '../config/schema.ts';
import type { ForwardAuthConfig } from '../forward-auth/config.ts';
import { parseBytes } from '../lib/bytes.ts';
import type { PolicyDefinition, PolicyDeps } from '../policies/policy.ts';
import { type Chain, closeChain, compileChain, PolicyBuildError } from './chain.ts';
import { compileRouter, RouteConflictError, type Router } from './router.ts';
import { type ClientHeaderRules, compileClientHeaderRules } from './spoofable-headers.ts';
import { compileTrustedProxies, type TrustedProxies } from './trusted-proxies.ts';
import {
  createUpstream,
  type Upstream,
  type UpstreamReporter,
  upstreamKey,
  upstreamUrl,
} from './upstream/upstream.ts';

/** A route ready to serve. */
export interface CompiledRoute {
  readonly name: string;
  readonly pattern: string;
  readonly config: RouteConfig;
  readonly chain: Chain;
  readonly upstream: Upstream;
}

/** Per-version settings the request path reads. */
export interface VersionSettings {
  readonly requestIdHeader: string;
  readonly maxBufferedBodyBytes: number;
  readonly maxResponseBufferBytes: number;
  /** Which client headers are removed before the request goes upstream. */
  readonly clientHeaders: ClientHeaderRules;
  /** Where authorization requests (nginx auth_request, Traefik, Envoy) are answered, when configured. */
  readonly forwardAuth: ForwardAuthConfig | undefined;
}

/** One immutable config version plus its in-flight count. */
export interface ConfigVersion {
  readonly id: number;
  readonly config: RampartConfig;
  readonly router: Router<CompiledRoute>;
  readonly routes: readonly CompiledRoute[];
  readonly trustedProxies: TrustedProxies;
  readonly upstreams: ReadonlyMap<string, Upstream>;
  readonly settings: VersionSettings;
  inFlight: number;
}

/** A version could not be built; `path` locates the cause in the config. */
export class VersionBuildError extends Error {
  readonly path: string;
  constructor(path: string, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'VersionBuildError';
    this.path = path;
  }
}

let nextVersionId = 1;

type PolicyBlocks = Record<string, Record<string, unknown> | undefined>;

function blocksOf(policies: object | undefined): PolicyBlocks | undefined {
  return policies as PolicyBlocks | undefined;
}

/**
 * Builds a version completely (so a bad one never serves). Upstreams whose settings did not change
 * reuse the previous version's pool, breaker, health checker and retry budget, keeping their warm
 * connections. Health checks start only with `startVersion`, so a build that is only checked never probes.
 */
export function buildVersion(
  config: RampartConfig,
  definitions: readonly PolicyDefinition[],
  deps: PolicyDeps,
  previous: ConfigVersion | undefined,
  report?: UpstreamReporter,
): ConfigVersion {
  const byName = new Map(definitions.map((definition) => [definition.name, definition]));
  const built = new Map<string, unknown>();
  const versionDeps: PolicyDeps = {
    ...deps,
    upstreams: Object.fromEntries(
      Object.entries(config.upstreams).map(([name, upstream]) => [name, upstreamUrl(upstream)]),
    ),
    versionCache: {
      once<T>(key: string, build: () => T): T {
        if (!built.has(key)) built.set(key, build());
        return built.get(key) as T;
      },
    },
  };
  let trustedProxies: TrustedProxies;
  try {
    trustedProxies = compileTrustedProxies(config.server?.trustedProxies ?? []);
  } catch (error) {
    throw new VersionBuildError('server.trustedProxies', (error as Error).message, error);
  }

  const upstreams = new Map<string, Upstream>();
  const created: Upstream[] = [];
  const routes: CompiledRoute[] = [];
  try {
    for (const [name, upstreamConfig] of Object.entries(config.upstreams)) {
      const reused = previous?.upstreams.get(name);
      if (reused !== undefined && reused.key === upstreamKey(upstreamConfig)) {
        upstreams.set(name, reused);
      } else {
        const upstream = createUpstream(name, upstreamConfig, report, { clock: deps.clock, log: deps.log });
        created.push(upstream);
        upstreams.set(name, upstream);
      }
    }
    config.routes.forEach((route, index) => {
      const upstream = upstreams.get(route.upstream);
      if (upstream === undefined)
        throw new VersionBuildError(`routes[${index}].upstream`, 'unknown upstream');
      try {
        const chain = compileChain(
          byName,
          {
            defaults: blocksOf(config.defaults?.policies),
            route: blocksOf(route.policies),
            routePath: `routes[${index}]`,
          },
          versionDeps,
        );
        routes.push({ name: route.name, pattern: route.match.path, config: route, chain, upstream });
      } catch (error) {
        if (error instanceof PolicyBuildError) throw new VersionBuildError(error.path, error.message, error);
        throw error;
      }
    });
    let router: Router<CompiledRoute>;
    try {
      router = compileRouter(
        routes.map((route) => ({
          path: route.config.match.path,
          host: route.config.match.host,
          methods: route.config.match.methods,
          allowMethods: route.config.allowMethods,
          value: route,
        })),
        { caseSensitive: config.server?.caseSensitive ?? true },
      );
    } catch (error) {
      if (error instanceof RouteConflictError) {
        throw new VersionBuildError(`routes[${error.routeIndex}].match`, error.message, error);
      }
      throw error;
    }
    const server = config.server;
    return {
      id: nextVersionId++,
      config,
      router,
      routes,
      trustedProxies,
      upstreams,
      settings: {
        requestIdHeader: (server?.requestIdHeader ?? 'x-request-id').toLowerCase(),
        maxBufferedBodyBytes: parseBytes(server?.maxBufferedBodyBytes ?? '1mb'),
        maxResponseBufferBytes: parseBytes(server?.maxBufferedBodyBytes ?? '1mb'),
        clientHeaders: compileClientHeaderRules(server?.clientHeaders),
        forwardAuth: server?.forwardAuth,
      },
      inFlight: 0,
    };
  } catch (error) {
    for (const upstream of created) {
      void upstream.health?.stop();
      void upstream.pool.destroy();
    }
    for (const route of routes) void closeChain(route.chain);
    throw error;
  }
}

/** Starts what a version runs in the background (health checks of upstreams it did not inherit). */
export function startVersion(version: ConfigVersion): void {
  for (const upstream of version.upstreams.values()) upstream.start();
}

/** Releases what a retired version holds and the next one does not share. */
export async function retireVersion(old: ConfigVersion, current: ConfigVersion | undefined): Promise<void> {
  const kept = new Set(current === undefined ? [] : [...current.upstreams.values()]);
  await Promise.allSettled([
    ...old.routes.map((route) => closeChain(route.chain)),
    ...[...old.upstreams.values()]
      .filter((upstream) => !kept.has(upstream))
      .map((upstream) => upstream.close()),
  ]);
}
