// The last hour of traffic in memory, minute by minute and route by route, for the dashboard's Overview:
// requests, server errors, policy blocks and a latency histogram per minute (p50/p99 are estimated from
// it as Prometheus' histogram_quantile does). Bounded: 60 minutes × at most MAX_ROUTES routes.
import type { Clock } from '../lib/clock.ts';
import type { FinishedRequest } from '../observe/gateway-records.ts';
import { DURATION_BUCKETS, UNMATCHED_ROUTE } from '../observe/metrics.ts';

/** Minutes kept. */
export const TRAFFIC_MINUTES = 60;
/** Routes counted apart; the others are counted under OTHER_ROUTES. */
export const MAX_ROUTES = 256;
/** The route label of requests beyond MAX_ROUTES distinct routes. */
export const OTHER_ROUTES = '(other routes)';

const MINUTE = 60_000;
const BUCKETS_MS = DURATION_BUCKETS.map((seconds) => seconds * 1000);

interface Counts {
  requests: number;
  /** Answers 5xx (the gateway's or the upstream's). */
  errors: number;
  /** Refusals a policy gave (a 4xx deny: 401, 403, 413, 429, …). */
  blocked: number;
  /** Requests per latency bucket; the last slot is above the largest bucket. */
  readonly latency: number[];
}

interface Slot {
  minute: number;
  readonly routes: Map<string, Counts>;
}

/** Figures of a window (a minute, or the whole hour). */
export interface TrafficFigures {
  readonly requests: number;
  readonly errors: number;
  readonly blocked: number;
  /** errors / requests (0 without requests). */
  readonly errorRate: number;
  readonly blockRate: number;
  /** Milliseconds, estimated from the histogram; null without requests. */
  readonly p50: number | null;
  readonly p99: number | null;
}

/** What GET /traffic answers. */
export interface TrafficView {
  readonly now: number;
  readonly minutes: number;
  readonly route: string | null;
  /** The whole window. */
  readonly totals: TrafficFigures;
  /** One point per minute, oldest first; `time` is the minute's start. */
  readonly series: readonly (TrafficFigures & { readonly time: number })[];
  /** Per route over the window, busiest first. */
  readonly routes: readonly (TrafficFigures & { readonly route: string })[];
}

/** The in-memory series. */
export interface TrafficSeries {
  record(request: FinishedRequest): void;
  view(options?: { readonly minutes?: number | undefined; readonly route?: string | undefined }): TrafficView;
}

const emptyCounts = (): Counts => ({
  requests: 0,
  errors: 0,
  blocked: 0,
  latency: new Array(BUCKETS_MS.length + 1).fill(0),
});

function add(into: Counts, from: Counts): void {
  into.requests += from.requests;
  into.errors += from.errors;
  into.blocked += from.blocked;
  for (let i = 0; i < from.latency.length; i++) into.latency[i]! += from.latency[i]!;
}

// Linear interpolation inside the bucket that holds the rank; above the last bound, the last bound.
function quantile(latency: readonly number[], total: number, q: number): number | null {
  if (total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < latency.length; i++) {
    const count = latency[i]!;
    if (seen + count >= rank && count > 0) {
      if (i >= BUCKETS_MS.length) return BUCKETS_MS[BUCKETS_MS.length - 1]!;
      const lower = i === 0 ? 0 : BUCKETS_MS[i - 1]!;
      const upper = BUCKETS_MS[i]!;
      return Math.round((lower + ((upper - lower) * (rank - seen)) / count) * 1000) / 1000;
    }
    seen += count;
  }
  return BUCKETS_MS[BUCKETS_MS.length - 1]!;
}

function figures(counts: Counts): TrafficFigures {
  const { requests, errors, blocked } = counts;
  return {
    requests,
    errors,
    blocked,
    errorRate: requests === 0 ? 0 : errors / requests,
    blockRate: requests === 0 ? 0 : blocked / requests,
    p50: quantile(counts.latency, requests, 0.5),
    p99: quantile(counts.latency, requests, 0.99),
  };
}

/** Creates the series; time comes from `clock` (the finished records' own times are not trusted). */
export function createTrafficSeries(clock: Clock = { now: () => Date.now() }): TrafficSeries {
  const slots: Slot[] = Array.from({ length: TRAFFIC_MINUTES }, () => ({ minute: -1, routes: new Map() }));
  const known = new Set<string>();

  // Minutes before the epoch's 60th are negative in the window's arithmetic: a true modulo.
  const at = (minute: number): Slot =>
    slots[((minute % TRAFFIC_MINUTES) + TRAFFIC_MINUTES) % TRAFFIC_MINUTES]!;
  const slotOf = (minute: number): Slot => {
    const slot = at(minute);
    if (slot.minute !== minute) {
      slot.minute = minute;
      slot.routes.clear();
    }
    return slot;
  };

  return {
    record(request) {
      const minute = Math.floor(clock.now() / MINUTE);
      let route = request.route ?? UNMATCHED_ROUTE;
      if (!known.has(route)) {
        if (known.size >= MAX_ROUTES) route = OTHER_ROUTES;
        else known.add(route);
      }
      const slot = slotOf(minute);
      let counts = slot.routes.get(route);
      if (counts === undefined) {
        counts = emptyCounts();
        slot.routes.set(route, counts);
      }
      counts.requests++;
      if (request.status >= 500) counts.errors++;
      // A policy's refusal: its code on a 4xx (not a CORS preflight's 204, not error-sanitize's 5xx).
      if (
        request.code !== undefined &&
        request.policy !== undefined &&
        request.status >= 400 &&
        request.status < 500
      )
        counts.blocked++;
      let bucket = 0;
      while (bucket < BUCKETS_MS.length && request.durationMs > BUCKETS_MS[bucket]!) bucket++;
      counts.latency[bucket]!++;
    },
    view(options = {}) {
      const now = clock.now();
      const minutes = Math.min(Math.max(Math.trunc(options.minutes ?? TRAFFIC_MINUTES), 1), TRAFFIC_MINUTES);
      const current = Math.floor(now / MINUTE);
      const only = options.route;
      const totals = emptyCounts();
      const perRoute = new Map<string, Counts>();
      const series: (TrafficFigures & { time: number })[] = [];
      for (let minute = current - minutes + 1; minute <= current; minute++) {
        const slot = at(minute);
        const point = emptyCounts();
        if (slot.minute === minute) {
          for (const [route, counts] of slot.routes) {
            if (only !== undefined && route !== only) continue;
            add(point, counts);
            let sum = perRoute.get(route);
            if (sum === undefined) {
              sum = emptyCounts();
              perRoute.set(route, sum);
            }
            add(sum, counts);
          }
        }
        add(totals, point);
        series.push({ time: minute * MINUTE, ...figures(point) });
      }
      const routes = [...perRoute]
        .map(([route, counts]) => ({ route, ...figures(counts) }))
        .sort((a, b) => b.requests - a.requests || a.route.localeCompare(b.route));
      return { now, minutes, route: only ?? null, totals: figures(totals), series, routes };
    },
  };
}
