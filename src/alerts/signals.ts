// What each alert signal watches: which observations (security events or finished requests) it takes,
// how it measures them (a count, distinct credentials, a share, a latency quantile) and its natural
// grouping. One table, read by the engine and by docs/alerts.md.
import type { SecurityEventRecord } from '../observe/events.ts';
import type { FinishedRequest } from '../observe/gateway-records.ts';
import type { AlertGroupBy, AlertRuleConfig, AlertSignal } from './config.ts';

/** What the engine is fed. */
export type Observation =
  | { readonly kind: 'event'; readonly event: SecurityEventRecord }
  | { readonly kind: 'request'; readonly request: FinishedRequest };

/** How a signal's window becomes a value. */
export type Measure = 'count' | 'distinct' | 'share' | 'p99';

/** What one observation adds to a rule's window. */
export interface Sample {
  readonly hit: boolean;
  readonly value?: string | undefined;
  readonly latencyMs?: number;
}

interface SignalSpec {
  readonly source: Observation['kind'];
  readonly measure: Measure;
  readonly groupBy: AlertGroupBy;
  /** What is counted, for messages: "12 authentication failures". */
  readonly noun: string;
  sample(observation: Observation): Sample | undefined;
}

const AUTH_FAILURE_CODES: ReadonlySet<string> = new Set([
  'RAMPART_AUTHN_UNAUTHORIZED',
  'RAMPART_AUTHN_LOGIN_FAILED',
]);
const RATE_LIMIT_CODES: ReadonlySet<string> = new Set([
  'RAMPART_TRAFFIC_RATE_LIMITED',
  'RAMPART_TRAFFIC_QUOTA_EXCEEDED',
]);

const deniedEvent = (o: Observation): SecurityEventRecord | undefined =>
  o.kind === 'event' && o.event.outcome === 'denied' ? o.event : undefined;

const isAuthFailure = (event: SecurityEventRecord | undefined): boolean =>
  event !== undefined && event.code !== undefined && AUTH_FAILURE_CODES.has(event.code);

/** The signals. */
export const SIGNALS: Readonly<Record<AlertSignal, SignalSpec>> = {
  'auth-failures': {
    source: 'event',
    measure: 'count',
    groupBy: 'clientIp',
    noun: 'authentication failures',
    sample: (o) => (isAuthFailure(deniedEvent(o)) ? { hit: true } : undefined),
  },
  'credential-stuffing': {
    source: 'event',
    measure: 'distinct',
    groupBy: 'clientIp',
    noun: 'distinct credentials refused',
    sample(o) {
      const event = deniedEvent(o);
      if (!isAuthFailure(event) || event?.credential === undefined) return undefined;
      return { hit: true, value: event.credential };
    },
  },
  'blocked-attacks': {
    source: 'event',
    measure: 'count',
    groupBy: 'route',
    noun: 'blocked attacks',
    sample(o) {
      const event = deniedEvent(o);
      if (event === undefined) return undefined;
      return event.policy === 'detect' || event.code?.startsWith('RAMPART_THREAT_') === true
        ? { hit: true }
        : undefined;
    },
  },
  'security-events': {
    source: 'event',
    measure: 'count',
    groupBy: 'none',
    noun: 'security events',
    sample: (o) => (o.kind === 'event' ? { hit: true } : undefined),
  },
  'server-errors': {
    source: 'request',
    measure: 'share',
    groupBy: 'route',
    noun: 'answers with a 5xx status',
    sample: (o) => (o.kind === 'request' ? { hit: o.request.status >= 500 } : undefined),
  },
  'rate-limited': {
    source: 'request',
    measure: 'share',
    groupBy: 'route',
    noun: 'requests refused by rate limits or quotas',
    sample: (o) =>
      o.kind === 'request'
        ? { hit: o.request.code !== undefined && RATE_LIMIT_CODES.has(o.request.code) }
        : undefined,
  },
  'latency-p99': {
    source: 'request',
    measure: 'p99',
    groupBy: 'route',
    noun: 'p99 latency',
    sample: (o) => (o.kind === 'request' ? { hit: false, latencyMs: o.request.durationMs } : undefined),
  },
};

/** The group an observation falls in for `groupBy`; undefined when it has none (no credential). */
export function groupOf(observation: Observation, groupBy: AlertGroupBy): string | undefined {
  const subject = observation.kind === 'event' ? observation.event : observation.request;
  switch (groupBy) {
    case 'clientIp':
      return subject.clientIp;
    case 'credential':
      return observation.kind === 'event' ? observation.event.credential : undefined;
    case 'route':
      return subject.route ?? 'unmatched';
    case 'consumer':
      return subject.consumerId;
    case 'none':
      return '*';
  }
}

/** Whether `observation` passes a rule's `match` narrowing. */
export function matches(observation: Observation, match: AlertRuleConfig['match']): boolean {
  if (match === undefined) return true;
  const route =
    (observation.kind === 'event' ? observation.event.route : observation.request.route) ?? 'unmatched';
  if (match.routes !== undefined && !match.routes.includes(route)) return false;
  // Share and latency rules need every request of their routes: only `routes` narrows requests.
  if (observation.kind === 'request') return true;
  const { event } = observation;
  if (match.policies !== undefined && !match.policies.includes(event.policy)) return false;
  if (match.codes !== undefined && (event.code === undefined || !match.codes.includes(event.code)))
    return false;
  if (match.rules !== undefined && (event.rule === undefined || !match.rules.includes(event.rule)))
    return false;
  return true;
}
