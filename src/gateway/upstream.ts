// Named upstreams: one undici Pool each (keep-alive, connection cap, connect/header/body timeouts),
// shared across config versions while their settings do not change.
import { Pool } from 'undici';
import type { UpstreamConfig } from '../config/schema.ts';
import { parseDuration } from '../lib/durations.ts';
import { type CircuitBreaker, createCircuitBreaker } from './circuit-breaker.ts';

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
}

/** Why an upstream exchange failed, for status, metrics and logs. */
export type UpstreamFailure = 'refused' | 'reset' | 'timeout' | 'other';

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

/** Creates the pool for an upstream. */
export function createUpstream(name: string, config: UpstreamConfig): Upstream {
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
  return {
    name,
    pool,
    basePath: url.pathname.replace(/\/+$/, ''),
    host: url.host,
    preserveHost: config.preserveHost,
    key: upstreamKey(config),
    breaker: breakerOf(config.circuitBreaker),
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
