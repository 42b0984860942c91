// Named upstreams: one undici Pool each (keep-alive, connection cap, connect/header/body timeouts),
// shared across config versions while their settings do not change.
import { Pool } from 'undici';
import type { UpstreamConfig } from '../../config/schema.ts';
import { parseDuration } from '../../lib/durations.ts';
import type { UpstreamChange, UpstreamFailure } from '../../observe/gateway-records.ts';
import { type CircuitBreaker, createCircuitBreaker } from './circuit-breaker.ts';
import { type HealthChecker, healthCheckerOf } from './health-check.ts';
import { type RetryPolicy, retryPolicyOf } from './retry.ts';

/** A ready upstream. */
export interface Upstream {
  readonly name: string;
  readonly pool: Pool;
  /** The upstream URL's path prefix without a trailing slash ('' for none). */
  readonly basePath: string;
  /** The Host header the upstream expects. */
  readonly host: string;
  readonly preserveHost: boolean;
  /** A fingerprint of the settings, so an unchanged upstream keeps its pool across reloads. */
  readonly key: string;
  /** Present when `circuitBreaker` is configured; kept across reloads with the pool. */
  readonly breaker: CircuitBreaker | undefined;
  /** Present when `healthCheck` is configured; probes run between `start()` and `close()`. */
  readonly health: HealthChecker | undefined;
  /** Present when `retries` is configured; its budget is kept across reloads with the pool. */
  readonly retry: RetryPolicy | undefined;
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

/** Creates the pool (and breaker, health checker, retry budget) for an upstream. */
export function createUpstream(
  name: string,
  config: UpstreamConfig,
  report: UpstreamReporter = () => {},
): Upstream {
  const url = new URL(config.url);
  const duration = (value: number | string | undefined, fallback: number) =>
    value === undefined ? fallback : parseDuration(value);
  const pool = new Pool(url.origin, {
    connections: config.connections,
    pipelining: 1,
    connect: { timeout: duration(config.connectTimeout, DEFAULTS.connectTimeout) },
    headersTimeout: duration(config.headersTimeout, DEFAULTS.headersTimeout),
    bodyTimeout: duration(config.bodyTimeout, DEFAULTS.bodyTimeout),
    keepAliveTimeout: duration(config.keepAliveTimeout, DEFAULTS.keepAliveTimeout),
  });
  const breaker = breakerOf(config.circuitBreaker);
  const health = healthCheckerOf(config.healthCheck, url);
  const retry = retryPolicyOf(config.retries);
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
    basePath: url.pathname.replace(/\/+$/, ''),
    host: url.host,
    preserveHost: config.preserveHost,
    key: upstreamKey(config),
    breaker,
    health,
    retry,
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

function codeOf(error: unknown): string | undefined {
  const direct = (error as { code?: unknown } | undefined)?.code;
  if (typeof direct === 'string') return direct;
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  return typeof cause === 'string' ? cause : undefined;
}

/** Classifies an undici or socket error. */
export function classifyUpstreamError(error: unknown): UpstreamFailure {
  switch (codeOf(error)) {
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
    case 'ETIMEDOUT':
      return 'timeout';
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'refused';
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return 'reset';
    default:
      return 'other';
  }
}
