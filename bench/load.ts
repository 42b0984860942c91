// Load generation: one autocannon run per target and scenario, after a check and a warm-up.
import autocannon, { type Options } from 'autocannon';
import { processCpuMs } from './cpu.ts';
import type { Scenario } from './scenarios.ts';

/** How hard and how long to load. */
export interface LoadSettings {
  readonly durationSeconds: number;
  readonly warmupSeconds: number;
  readonly connections: number;
}

/** The numbers of one measured run. */
export interface Measurement {
  readonly requestsPerSecond: number;
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
  /** CPU time the target's process spent per request, in microseconds (Linux only). */
  readonly cpuMicrosPerRequest: number | undefined;
  readonly requests: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
}

/**
 * Sends one request and throws unless it answers 2xx: a target that refuses the scenario (a 404
 * route, a 413 limit) would otherwise be measured answering errors very fast.
 */
export async function checkScenario(url: string, scenario: Scenario): Promise<void> {
  const init: RequestInit = { method: scenario.method, headers: { ...scenario.headers } };
  const body = scenario.body ?? scenario.bodies?.[0];
  if (body !== undefined) init.body = body;
  const res = await fetch(`${url}${scenario.path}`, { ...init, signal: AbortSignal.timeout(5000) });
  const text = await res.text();
  if (res.status < 200 || res.status > 299) {
    throw new Error(`${scenario.method} ${scenario.path} answered ${res.status}: ${text.slice(0, 300)}`);
  }
}

/** Warms the target up, then measures it under `settings.connections` concurrent connections. */
export async function measure(
  url: string,
  pid: number | undefined,
  scenario: Scenario,
  settings: LoadSettings,
): Promise<Measurement> {
  const options: Options = {
    url: `${url}${scenario.path}`,
    method: scenario.method,
    headers: { ...scenario.headers },
    connections: settings.connections,
    pipelining: 1,
    timeout: 10,
  };
  if (scenario.body !== undefined) options.body = scenario.body;
  if (scenario.bodies !== undefined) options.requests = scenario.bodies.map((body) => ({ body }));
  if (settings.warmupSeconds > 0) await run({ ...options, duration: settings.warmupSeconds });
  // autocannon's own latency histogram has whole-millisecond resolution, too coarse for a proxy on
  // loopback; its per-response event carries the float duration, recorded here.
  const latencies = new LatencyRecorder();
  const cpuBefore = processCpuMs(pid);
  const instance = run({ ...options, duration: settings.durationSeconds });
  instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) =>
    latencies.record(ms),
  );
  const result = await instance;
  const cpuAfter = processCpuMs(pid);
  const cpuMicrosPerRequest =
    cpuBefore === undefined || cpuAfter === undefined || result.requests.total === 0
      ? undefined
      : Math.round(((cpuAfter - cpuBefore) * 1000) / result.requests.total);
  return {
    requestsPerSecond: Math.round(result.requests.average),
    latencyP50Ms: latencies.percentile(50),
    latencyP99Ms: latencies.percentile(99),
    cpuMicrosPerRequest,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

/** Response times in milliseconds, kept whole so percentiles are exact. */
class LatencyRecorder {
  #samples = new Float64Array(1 << 16);
  #count = 0;

  record(ms: number): void {
    if (this.#count === this.#samples.length) {
      const grown = new Float64Array(this.#samples.length * 2);
      grown.set(this.#samples);
      this.#samples = grown;
    }
    this.#samples[this.#count++] = ms;
  }

  /** The nearest-rank percentile, rounded to microseconds; 0 without samples. */
  percentile(p: number): number {
    if (this.#count === 0) return 0;
    const sorted = this.#samples.subarray(0, this.#count).sort();
    const rank = Math.min(this.#count - 1, Math.max(0, Math.ceil((p / 100) * this.#count) - 1));
    return Math.round(sorted[rank]! * 1000) / 1000;
  }
}

let current: ReturnType<typeof autocannon> | undefined;

function run(options: Options): ReturnType<typeof autocannon> {
  current = autocannon(options);
  return current;
}

/** Stops the load run in progress, if any (on SIGINT). */
export function stopLoad(): void {
  current?.stop();
}
