// Prometheus metrics on a registry of their own (not prom-client's global one), so tests and hot
// reloads stay isolated. Label children are cached, so recording a request is a Map lookup and an add.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { clusterMetricsRenderer } from './cluster-metrics.ts';

/** Methods kept as their own label value; anything else is counted as `OTHER` (bounded labels). */
export const KNOWN_METHODS: ReadonlySet<string> = new Set([
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'PATCH',
  'OPTIONS',
  'TRACE',
  'CONNECT',
]);

/** The route label of requests no route matched. */
export const UNMATCHED_ROUTE = 'unmatched';

/** Request duration buckets in seconds: from 0.5 ms (a local deny) to 10 s (a slow upstream). */
export const DURATION_BUCKETS: readonly number[] = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

export type UpstreamErrorKind = 'refused' | 'reset' | 'timeout' | 'other';
export type ReloadResult = 'success' | 'failure';
export type EventOutcome = 'denied' | 'would-deny' | 'flagged';
export type CircuitState = 'closed' | 'open' | 'half-open';
export type RetryOutcome = 'retried' | 'budget-exhausted';

const CIRCUIT_STATES: readonly CircuitState[] = ['closed', 'open', 'half-open'];

/** The gateway's metrics: typed recorders over one isolated registry. */
export interface Metrics {
  readonly registry: Registry;
  /** The content type of `render()` (Prometheus text exposition format). */
  readonly contentType: string;
  /** A request entered the gateway (in-flight gauge up). */
  requestStarted(): void;
  /**
   * A request finished: in-flight down, counted by route/method/status, duration observed; by consumer
   * too (the first `consumerLabels` consumers by name, `other` beyond, `anonymous` without one).
   */
  requestFinished(route: string, method: string, status: number, seconds: number, consumer?: string): void;
  /** The upstream's response head arrived `seconds` after the request was sent. */
  upstreamResponded(upstream: string, seconds: number): void;
  policyRejection(route: string, policy: string, code: string): void;
  upstreamError(upstream: string, kind: UpstreamErrorKind): void;
  securityEvent(policy: string, code: string, outcome: EventOutcome): void;
  /** An upstream's circuit is now in `state`; `transition` counts it as a change (not the initial state). */
  upstreamCircuit(upstream: string, state: CircuitState, transition: boolean): void;
  /** An upstream's health-check state (1 healthy, 0 unhealthy). */
  upstreamHealth(upstream: string, healthy: boolean): void;
  /** A retryable upstream failure was retried, or not for lack of budget. */
  upstreamRetry(upstream: string, outcome: RetryOutcome): void;
  /** A config reload ended; on success `version` becomes the current config version. */
  configReload(result: ReloadResult, version?: string, atMs?: number): void;
  /** The Prometheus text of every metric. */
  render(): Promise<string>;
}

/** Options of `createMetrics`. */
export interface MetricsOptions {
  /** Node process metrics under their standard names (`process_*`, `nodejs_*`); on by default. */
  readonly defaultMetrics?: boolean;
  /** Consumers with a label of their own in the per-consumer metrics (default 100). */
  readonly consumerLabels?: number;
  /** In a `--workers` worker: render the whole cluster's metrics (asked of the primary). */
  readonly cluster?: boolean;
}

/** The consumer label of requests without an identity, and of consumers beyond the label budget. */
export const ANONYMOUS_CONSUMER = 'anonymous';
export const OTHER_CONSUMER = 'other';

function statusClass(status: number): string {
  return status >= 100 && status <= 599 ? `${Math.floor(status / 100)}xx` : 'other';
}

// A child cache never grows without bound: past this size it is dropped (prom-client keeps the series).
const CACHE_LIMIT = 10_000;

function cached<T>(cache: Map<string, T>, key: string, make: () => T): T {
  let child = cache.get(key);
  if (child === undefined) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    child = make();
    cache.set(key, child);
  }
  return child;
}

/** Normalizes a method to a bounded label value. */
export function methodLabel(method: string): string {
  return KNOWN_METHODS.has(method) ? method : 'OTHER';
}

/** Creates the metrics on a new registry. */
export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  // The standard names (process_cpu_seconds_total, nodejs_eventloop_lag_seconds, …) that dashboards expect.
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const requests = new Counter({
    name: 'rampart_http_requests_total',
    help: 'Requests answered, by route, method and status.',
    labelNames: ['route', 'method', 'status'] as const,
    registers,
  });
  const duration = new Histogram({
    name: 'rampart_http_request_duration_seconds',
    help: 'Time from request start to the end of the response, by route.',
    labelNames: ['route'] as const,
    buckets: [...DURATION_BUCKETS],
    registers,
  });
  const consumerRequests = new Counter({
    name: 'rampart_consumer_requests_total',
    help: 'Requests answered, by consumer (bounded: the first ones by name, then "other") and status class.',
    labelNames: ['consumer', 'status_class'] as const,
    registers,
  });
  const consumerDuration = new Histogram({
    name: 'rampart_consumer_request_duration_seconds',
    help: 'Time from request start to the end of the response, by consumer (bounded as above).',
    labelNames: ['consumer'] as const,
    buckets: [...DURATION_BUCKETS],
    registers,
  });
  const upstreamDuration = new Histogram({
    name: 'rampart_upstream_request_duration_seconds',
    help: 'Time from sending a request to the upstream to its response head, by upstream.',
    labelNames: ['upstream'] as const,
    buckets: [...DURATION_BUCKETS],
    registers,
  });
  const inFlight = new Gauge({
    name: 'rampart_http_requests_in_flight',
    help: 'Requests being handled now.',
    registers,
  });
  const rejections = new Counter({
    name: 'rampart_policy_rejections_total',
    help: 'Requests denied by a policy, by route, policy and code.',
    labelNames: ['route', 'policy', 'code'] as const,
    registers,
  });
  const upstreamErrors = new Counter({
    name: 'rampart_upstream_errors_total',
    help: 'Failed upstream exchanges, by upstream and kind.',
    labelNames: ['upstream', 'kind'] as const,
    registers,
  });
  const circuitState = new Gauge({
    name: 'rampart_upstream_circuit_state',
    help: 'Circuit breaker state per upstream: 1 for the current state, 0 for the others (summed over workers).',
    labelNames: ['upstream', 'state'] as const,
    registers,
  });
  const circuitTransitions = new Counter({
    name: 'rampart_upstream_circuit_transitions_total',
    help: 'Circuit breaker state changes, by upstream and the state entered.',
    labelNames: ['upstream', 'state'] as const,
    registers,
  });
  const upstreamHealthy = new Gauge({
    name: 'rampart_upstream_healthy',
    help: 'Whether the upstream passes its health checks (1) or not (0); 1 without health checks.',
    labelNames: ['upstream'] as const,
    // Across workers: unhealthy when any worker finds it so.
    aggregator: 'min',
    registers,
  });
  const upstreamRetries = new Counter({
    name: 'rampart_upstream_retries_total',
    help: 'Retryable upstream failures, by upstream and outcome (retried or budget-exhausted).',
    labelNames: ['upstream', 'outcome'] as const,
    registers,
  });
  const events = new Counter({
    name: 'rampart_security_events_total',
    help: 'Security events, by policy, code and outcome.',
    labelNames: ['policy', 'code', 'outcome'] as const,
    registers,
  });
  const reloads = new Counter({
    name: 'rampart_config_reloads_total',
    help: 'Config reloads, by result.',
    labelNames: ['result'] as const,
    registers,
  });
  const versionInfo = new Gauge({
    name: 'rampart_config_version_info',
    help: 'The config version in use (value 1).',
    labelNames: ['version'] as const,
    aggregator: 'max',
    registers,
  });
  const lastReload = new Gauge({
    name: 'rampart_config_last_reload_timestamp_seconds',
    help: 'When the config was last reloaded successfully, in seconds since the epoch.',
    aggregator: 'max',
    registers,
  });

  const requestChildren = new Map<string, Counter.Internal>();
  const durationChildren = new Map<string, Histogram.Internal<'route'>>();
  const rejectionChildren = new Map<string, Counter.Internal>();
  const consumerChildren = new Map<string, Counter.Internal>();
  const consumerDurationChildren = new Map<string, Histogram.Internal<'consumer'>>();
  const upstreamDurationChildren = new Map<string, Histogram.Internal<'upstream'>>();
  const consumerLabels = options.consumerLabels ?? 100;
  const labelled = new Set<string>();
  const consumerLabel = (consumer: string | undefined): string => {
    if (consumer === undefined) return ANONYMOUS_CONSUMER;
    if (labelled.has(consumer)) return consumer;
    if (labelled.size >= consumerLabels) return OTHER_CONSUMER;
    labelled.add(consumer);
    return consumer;
  };

  return {
    registry,
    contentType: registry.contentType,
    requestStarted() {
      inFlight.inc();
    },
    requestFinished(route, method, status, seconds, consumer) {
      inFlight.dec();
      const m = methodLabel(method);
      const s = status >= 100 && status <= 599 ? String(status) : 'other';
      cached(requestChildren, `${route}\n${m}\n${s}`, () =>
        requests.labels({ route, method: m, status: s }),
      ).inc();
      cached(durationChildren, route, () => duration.labels({ route })).observe(seconds);
      const c = consumerLabel(consumer);
      const sc = statusClass(status);
      cached(consumerChildren, `${c}\n${sc}`, () =>
        consumerRequests.labels({ consumer: c, status_class: sc }),
      ).inc();
      cached(consumerDurationChildren, c, () => consumerDuration.labels({ consumer: c })).observe(seconds);
    },
    upstreamResponded(upstream, seconds) {
      cached(upstreamDurationChildren, upstream, () => upstreamDuration.labels({ upstream })).observe(
        seconds,
      );
    },
    policyRejection(route, policy, code) {
      cached(rejectionChildren, `${route}\n${policy}\n${code}`, () =>
        rejections.labels({ route, policy, code }),
      ).inc();
    },
    upstreamError(upstream, kind) {
      upstreamErrors.inc({ upstream, kind });
    },
    securityEvent(policy, code, outcome) {
      events.inc({ policy, code, outcome });
    },
    upstreamCircuit(upstream, state, transition) {
      for (const each of CIRCUIT_STATES) circuitState.set({ upstream, state: each }, each === state ? 1 : 0);
      if (transition) circuitTransitions.inc({ upstream, state });
    },
    upstreamHealth(upstream, healthy) {
      upstreamHealthy.set({ upstream }, healthy ? 1 : 0);
    },
    upstreamRetry(upstream, outcome) {
      upstreamRetries.inc({ upstream, outcome });
    },
    configReload(result, version, atMs = Date.now()) {
      reloads.inc({ result });
      if (result !== 'success') return;
      lastReload.set(atMs / 1000);
      if (version !== undefined) {
        versionInfo.reset();
        versionInfo.set({ version }, 1);
      }
    },
    render: options.cluster === true ? clusterMetricsRenderer(registry) : () => registry.metrics(),
  };
}
