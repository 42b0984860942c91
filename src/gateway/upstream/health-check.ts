// Active health checks of one upstream: a GET probe every interval on a connection of its own (so a busy
// pool never starves the probe), thresholds of consecutive results flip the state, and the request path
// reads `healthy` to answer 503 without dispatching while the upstream is down.
import { Client } from 'undici';
import type { UpstreamConfig } from '../../config/schema.ts';
import { parseDuration } from '../../lib/durations.ts';

/** Health-check settings (upstreams.<name>.healthCheck, durations in ms). */
export interface HealthCheckOptions {
  readonly intervalMs: number;
  /** Consecutive passed probes that make an unhealthy upstream healthy again. */
  readonly healthyThreshold: number;
  /** Consecutive failed probes that make a healthy upstream unhealthy. */
  readonly unhealthyThreshold: number;
}

/** One probe: resolves true when the upstream passed, false when it failed; never rejects. */
export type Probe = (signal: AbortSignal) => Promise<boolean>;

/** The health of one upstream. */
export interface HealthChecker {
  /** Starts healthy, so a new upstream serves at once; probes change that. */
  readonly healthy: boolean;
  /** The least time until an unhealthy upstream can be healthy again (for Retry-After); 0 when healthy. */
  readonly retryAfterMs: number;
  /** Feeds one probe result into the thresholds (the timer loop calls it; tests may too). */
  record(passed: boolean): void;
  /** Starts probing (idempotent). */
  start(): void;
  /** Stops probing, aborts a probe in flight and releases the probe connection. */
  stop(): Promise<void>;
  /** Called when the state flips (for logs and metrics). */
  onChange?: (healthy: boolean) => void;
}

/** Returns a matcher for expected statuses given as codes (`204`) or classes (`"2xx"`). */
export function statusMatcher(expected: readonly (number | string)[]): (status: number) => boolean {
  const codes = new Set<number>();
  const classes = new Set<number>();
  for (const entry of expected) {
    if (typeof entry === 'number') codes.add(entry);
    else classes.add(Number(entry[0]));
  }
  return (status) => codes.has(status) || classes.has(Math.floor(status / 100));
}

/**
 * Creates a checker that runs `probe` every interval (the next probe is scheduled when the previous one
 * ended, so probes never overlap) and `closeProbe` on stop.
 */
export function createHealthChecker(
  options: HealthCheckOptions,
  probe: Probe,
  closeProbe: () => Promise<void> = async () => {},
): HealthChecker {
  let healthy = true;
  let passes = 0;
  let failures = 0;
  let running = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const abort = new AbortController();

  const checker: HealthChecker = {
    get healthy() {
      return healthy;
    },
    get retryAfterMs() {
      return healthy ? 0 : options.intervalMs * Math.max(1, options.healthyThreshold - passes);
    },
    record(passed) {
      if (passed) {
        failures = 0;
        passes++;
        if (!healthy && passes >= options.healthyThreshold) flip(true);
      } else {
        passes = 0;
        failures++;
        if (healthy && failures >= options.unhealthyThreshold) flip(false);
      }
    },
    start() {
      if (running || stopped) return;
      running = true;
      schedule(0);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      running = false;
      clearTimeout(timer);
      abort.abort(new Error('health check stopped'));
      await closeProbe();
    },
  };

  function flip(next: boolean): void {
    healthy = next;
    passes = 0;
    failures = 0;
    checker.onChange?.(next);
  }
  function schedule(delay: number): void {
    timer = setTimeout(tick, delay);
    // Probes alone never keep the process alive.
    timer.unref();
  }
  async function tick(): Promise<void> {
    const passed = await probe(abort.signal);
    if (!running) return;
    checker.record(passed);
    schedule(options.intervalMs);
  }
  return checker;
}

/** Probe settings of an HTTP probe. */
export interface HttpProbeOptions {
  /** The upstream origin, e.g. `http://10.0.0.5:8080`. */
  readonly origin: string;
  /** The path probed on that origin, e.g. `/health`. */
  readonly path: string;
  /** The Host header to send. */
  readonly host: string;
  readonly timeoutMs: number;
  readonly expected: (status: number) => boolean;
}

// A health endpoint answers briefly; a larger body is dropped and the probe still counts.
const PROBE_BODY_LIMIT = 64 * 1024;

/** An HTTP GET probe on a one-connection undici client, with a fresh connection per probe. */
export function createHttpProbe(options: HttpProbeOptions): { probe: Probe; close(): Promise<void> } {
  const client = new Client(options.origin, {
    connect: { timeout: options.timeoutMs },
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    pipelining: 1,
  });
  return {
    async probe(stop) {
      try {
        const response = await client.request({
          method: 'GET',
          path: options.path,
          headers: { host: options.host, 'user-agent': 'rampart-health-check' },
          // A new connection each time proves the upstream still accepts them, not just an old socket.
          reset: true,
          signal: AbortSignal.any([stop, AbortSignal.timeout(options.timeoutMs)]),
        });
        await response.body.dump({ limit: PROBE_BODY_LIMIT });
        return options.expected(response.statusCode);
      } catch {
        return false;
      }
    },
    close: () => client.destroy(),
  };
}

// A zero interval would probe in a tight loop, a zero timeout would fail every probe.
const MIN_PROBE_MS = 10;

/** Builds the checker an upstream's config asks for (not started), or undefined without `healthCheck`. */
export function healthCheckerOf(
  settings: UpstreamConfig['healthCheck'],
  url: URL,
): HealthChecker | undefined {
  if (settings === undefined) return undefined;
  const http = createHttpProbe({
    origin: url.origin,
    path: settings.path,
    host: url.host,
    timeoutMs: Math.max(MIN_PROBE_MS, parseDuration(settings.timeout)),
    expected: statusMatcher(settings.expectedStatuses),
  });
  return createHealthChecker(
    {
      intervalMs: Math.max(MIN_PROBE_MS, parseDuration(settings.interval)),
      healthyThreshold: settings.healthyThreshold,
      unhealthyThreshold: settings.unhealthyThreshold,
    },
    http.probe,
    http.close,
  );
}
