// Named upstreams: one undici Pool each (keep-alive, connection cap, connect/header/body timeouts), or,
// with `targets`, one Pool per target behind a balancing dispatcher (targets.ts); shared across config
// versions while their settings do not change.
import { Pool } from 'undici';
import type { UpstreamConfig } from '../../config/schema.ts';
import { type Clock, systemClock } from '../../lib/clock.ts';
import { parseDuration } from '../../lib/durations.ts';
import type { StructuredLogger } from '../../lib/logger.ts';
import type { UpstreamChange, UpstreamFailure } from '../../observe/gateway-records.ts';
import { pickerOf } from './balance.ts';
import { type CircuitBreaker, createCircuitBreaker } from './circuit-breaker.ts';
import { type HealthChecker, healthCheckerOf } from './health-check.ts';
import { newOutlierState } from './outlier.ts';
import { type RetryPolicy, retryPolicyOf } from './retry.ts';
import { aggregateHealth } from './target-health.ts';
import { createTargetDispatcher, type Target, type TargetView, type UpstreamDispatcher } from './targets.ts';

export { classifyUpstreamError } from './upstream-errors.ts';

/** A ready upstream. */
export interface Upstream {
  readonly name: string;
  /** The Pool of a single-target upstream, or the balancing dispatcher over several. */
  readonly pool: UpstreamDispatcher;
  /** The upstream URL's path prefix without a trailing slash ('' for none). */
  readonly basePath: string;
  /** The Host header the upstream expects (with several targets, each target sets its own). */
  readonly host: string;
  readonly preserveHost: boolean;
  /** A fingerprint of the settings, so an unchanged upstream keeps its pool across reloads. */
  readonly key: string;
  /** Present when `circuitBreaker` is configured; kept across reloads with the pool. */
  readonly breaker: CircuitBreaker | undefined;
  /** Present when `healthCheck` is configured (healthy while any target is); probes run between `start()` and `close()`. */
  readonly health: HealthChecker | undefined;
  /** Present when `retries` is configured; its budget is kept across reloads with the pool. */
  readonly retry: RetryPolicy | undefined;
  /** Each target's weight, load, health and ejection. */
  targets(): TargetView[];
  /** Starts the health checks and reports the initial states (once; later calls do nothing). */
  start(): void;
  /** Stops the health checks and closes the pool gracefully. */
  close(): Promise<void>;
}

export type { UpstreamChange, UpstreamFailure };

/** Where upstreams report their changes. */
export type UpstreamReporter = (change: UpstreamChange) => void;

const DEFAULTS = {
  connectTimeout: 5_000,
  headersTimeout: 30_000,
  bodyTimeout: 30_000,
  keepAliveTimeout: 4_000,
};

/** The settings fingerprint of an upstream config. */
export function upstreamKey(config: UpstreamConfig): string {
  return JSON.stringify(config);
}

/** The upstream's URLs with their weights: `url`, or every target. */
export function upstreamTargets(config: UpstreamConfig): Array<{ url: string; weight: number }> {
  return config.targets ?? (config.url === undefined ? [] : [{ url: config.url, weight: 1 }]);
}

/** The URL an upstream is known by (its `url`, or its first target's). */
export function upstreamUrl(config: UpstreamConfig): string {
  return upstreamTargets(config)[0]?.url ?? '';
}

/** What an upstream uses besides its config: time (outlier ejection) and where target events are logged. */
export interface UpstreamContext {
  readonly clock?: Clock;
  /** Told when a target is ejected, comes back, or its health checks flip (several targets only). */
  readonly log?: StructuredLogger;
}

/** Creates the pool (and breaker, health checker, retry budget) for an upstream. */
export function createUpstream(
  name: string,
  config: UpstreamConfig,
  report: UpstreamReporter = () => {},
  context: UpstreamContext = {},
): Upstream {
  const clock = context.clock ?? systemClock;
  const log = context.log;
  const urls = upstreamTargets(config).map((target) => ({ url: new URL(target.url), weight: target.weight }));
  const first = urls[0];
  if (first === undefined) throw new Error(`upstream ${name} has neither url nor targets`);
  const basePath = first.url.pathname.replace(/\/+$/, '');
  if (urls.some((target) => target.url.pathname.replace(/\/+$/, '') !== basePath)) {
    throw new Error(`upstream ${name}: every target must have the same base path`);
  }
  const duration = (value: number | string | undefined, fallback: number) =>
    value === undefined ? fallback : parseDuration(value);
  const poolOf = (url: URL) =>
    new Pool(url.origin, {
      connections: config.connections,
      pipelining: 1,
      connect: { timeout: duration(config.connectTimeout, DEFAULTS.connectTimeout) },
      headersTimeout: duration(config.headersTimeout, DEFAULTS.headersTimeout),
      bodyTimeout: duration(config.bodyTimeout, DEFAULTS.bodyTimeout),
      keepAliveTimeout: duration(config.keepAliveTimeout, DEFAULTS.keepAliveTimeout),
    });
  const breaker = breakerOf(config.circuitBreaker);
  const retry = retryPolicyOf(config.retries);
  let pool: UpstreamDispatcher;
  let health: HealthChecker | undefined;
  let targets: () => TargetView[];
  if (urls.length === 1) {
    // One target: the Pool itself, as cheap as an upstream has always been.
    const single = poolOf(first.url);
    pool = single;
    health = healthCheckerOf(config.healthCheck, first.url);
    targets = () => [
      { origin: first.url.origin, weight: 1, inFlight: 0, healthy: health?.healthy ?? true, ejected: false },
    ];
  } else {
    const members: Target[] = urls.map(({ url, weight }) => ({
      origin: url.origin,
      host: url.host,
      weight,
      pool: poolOf(url),
      health: healthCheckerOf(config.healthCheck, url),
      inFlight: 0,
      credit: 0,
      ...newOutlierState(),
    }));
    const outlier = config.outlierDetection;
    const dispatcher = createTargetDispatcher(members, {
      pick: pickerOf(config.balance),
      outlier:
        outlier === undefined
          ? undefined
          : {
              consecutiveFailures: outlier.consecutiveFailures,
              ejectionMs: parseDuration(outlier.ejectionTime),
              maxEjectionPercent: outlier.maxEjectionPercent,
            },
      preserveHost: config.preserveHost,
      defaultHost: first.url.host,
      clock,
      onOutlier: (target, event) =>
        log?.warn(
          { event: `upstream.target-${event}`, upstream: name, target },
          event === 'ejected' ? 'upstream target ejected after consecutive failures' : 'upstream target back',
        ),
    });
    pool = dispatcher;
    health = aggregateHealth(
      members.flatMap((member) =>
        member.health === undefined ? [] : [{ origin: member.origin, health: member.health }],
      ),
      (target, healthy) =>
        log?.warn(
          {
            event: healthy ? 'upstream.target-healthy' : 'upstream.target-unhealthy',
            upstream: name,
            target,
          },
          healthy
            ? 'upstream target passes its health checks again'
            : 'upstream target fails its health checks',
        ),
    );
    targets = dispatcher.view;
  }
  if (breaker !== undefined)
    breaker.onChange = (state) => report({ kind: 'circuit', upstream: name, state, initial: false });
  if (health !== undefined)
    health.onChange = (healthy) => report({ kind: 'health', upstream: name, healthy, initial: false });
  if (retry !== undefined)
    retry.onDecision = (decision) => report({ kind: 'retry', upstream: name, decision });
  let started = false;
  return {
    name,
    pool,
    basePath,
    host: first.url.host,
    preserveHost: config.preserveHost,
    key: upstreamKey(config),
    breaker,
    health,
    retry,
    targets,
    start() {
      if (started) return;
      started = true;
      report({ kind: 'circuit', upstream: name, state: breaker?.state ?? 'closed', initial: true });
      report({ kind: 'health', upstream: name, healthy: health?.healthy ?? true, initial: true });
      health?.start();
    },
    async close() {
      await Promise.allSettled([health?.stop(), pool.close()]);
    },
  };
}

function breakerOf(settings: UpstreamConfig['circuitBreaker']): CircuitBreaker | undefined {
  if (settings === undefined) return undefined;
  return createCircuitBreaker({
    failureRate: settings.failureRate,
    minRequests: settings.minRequests,
    consecutiveFailures: settings.consecutiveFailures,
    windowMs: parseDuration(settings.window),
    openMs: parseDuration(settings.openFor),
    halfOpenRequests: settings.halfOpenRequests,
  });
}
