// The inventory's hold on the request path: `offer` copies a few fields of a finished request onto a
// bounded ring and returns; the learning runs later, in slices between other work (setImmediate),
// never inside a request. Under load the ring fills and the tap samples (1 in 2, 4, 8 as it fills,
// each kept exchange weighted by what it stands for); a full ring drops, and both are counted.
import type { FinishedExchange } from '../observe/gateway-records.ts';
import type { Exchange } from './exchange.ts';

/** Options of a tap. */
export interface TapOptions {
  /** Exchanges waiting at most (default 4096). */
  readonly capacity?: number;
  /** Exchanges learned per slice before yielding the event loop (default 128). */
  readonly slice?: number;
  /** Learns one exchange; a throw is counted, never propagated. */
  readonly learn: (exchange: Exchange) => void;
  readonly now?: () => number;
  /** Called with the first failure of `learn` (once). */
  readonly onError?: (error: unknown) => void;
}

/** What the tap counted. */
export interface TapCounts {
  /** Offered exchanges. */
  offered: number;
  /** Left out by sampling under load (their weight went to the kept ones). */
  sampledOut: number;
  /** Dropped on a full ring. */
  dropped: number;
  learned: number;
  failed: number;
}

/** The tap. */
export interface TrafficTap {
  /** Takes a finished request (on the request path: a few field copies, no parsing). */
  offer(exchange: FinishedExchange): void;
  /** Queues an exchange from another source (HAR, logs) the same way. */
  push(exchange: Exchange): void;
  /** Resolves once everything queued before the call is learned (later arrivals are not waited for). */
  drained(): Promise<void>;
  readonly counts: Readonly<TapCounts>;
  readonly waiting: number;
  close(): void;
}

/** Creates a tap. */
export function createTrafficTap(options: TapOptions): TrafficTap {
  const capacity = options.capacity ?? 4096;
  const slice = options.slice ?? 128;
  const now = options.now ?? Date.now;
  const ring: Array<Exchange | undefined> = new Array(capacity);
  let head = 0;
  let size = 0;
  let scheduled: NodeJS.Immediate | undefined;
  let closed = false;
  let skip = 0;
  /** Exchanges ever queued, and ever taken off the ring (learned or failed). */
  let enqueued = 0;
  let processed = 0;
  let waiters: Array<{ readonly until: number; readonly resolve: () => void }> = [];
  const counts: TapCounts = { offered: 0, sampledOut: 0, dropped: 0, learned: 0, failed: 0 };

  // Keep 1 in `rate` as the ring fills: everything below half, then 2, 4 and 8.
  const rateFor = (fill: number): number => (fill < 0.5 ? 1 : fill < 0.75 ? 2 : fill < 0.9 ? 4 : 8);

  const run = (): void => {
    scheduled = undefined;
    for (let n = 0; n < slice && size > 0; n++) {
      const exchange = ring[head]!;
      ring[head] = undefined;
      head = (head + 1) % capacity;
      size--;
      processed++;
      try {
        options.learn(exchange);
        counts.learned++;
      } catch (error) {
        if (counts.failed++ === 0) options.onError?.(error);
      }
    }
    if (size > 0 && !closed) scheduled = setImmediate(run);
    if (waiters.length > 0) {
      const done = waiters.filter((waiter) => waiter.until <= processed);
      waiters = waiters.filter((waiter) => waiter.until > processed);
      for (const waiter of done) waiter.resolve();
    }
  };

  /** Whether an exchange offered now is kept, and the weight it carries. */
  const admit = (): number => {
    counts.offered++;
    if (closed || size >= capacity) {
      counts.dropped++;
      return 0;
    }
    const rate = rateFor(size / capacity);
    if (rate > 1 && ++skip % rate !== 0) {
      counts.sampledOut++;
      return 0;
    }
    return rate;
  };

  const enqueue = (exchange: Exchange): void => {
    ring[(head + size) % capacity] = exchange;
    size++;
    enqueued++;
    scheduled ??= setImmediate(run);
  };

  return {
    offer(x) {
      const weight = admit();
      if (weight === 0) return;
      const response = x.response;
      enqueue({
        time: now(),
        method: x.method,
        path: x.path,
        rawQuery: x.rawQuery,
        status: x.status,
        durationMs: x.durationMs,
        requestHeaders: x.headers,
        requestBody: x.body,
        responseHeaders: response?.headers,
        responseBody: response?.body,
        consumerId: x.identity?.consumerId,
        authnMethod: x.identity?.method,
        route: x.route.name === '' ? undefined : x.route.name,
        requestId: x.requestId,
        clientIp: x.clientIp,
        local: x.code !== undefined,
        weight,
      });
    },
    push(exchange) {
      const weight = admit();
      if (weight === 0) return;
      enqueue(weight === 1 ? exchange : { ...exchange, weight });
    },
    drained() {
      if (processed >= enqueued) return Promise.resolve();
      const until = enqueued;
      return new Promise((resolve) => waiters.push({ until, resolve }));
    },
    get counts() {
      return counts;
    },
    get waiting() {
      return size;
    },
    close() {
      closed = true;
      if (scheduled !== undefined) clearImmediate(scheduled);
      scheduled = undefined;
      // Whatever waits is learned now, so a closing gateway's last requests are not lost.
      while (size > 0) run();
      const done = waiters;
      waiters = [];
      for (const waiter of done) waiter.resolve();
    },
  };
}
