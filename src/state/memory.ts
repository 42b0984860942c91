// The `memory` state backend: one process's counters in a bounded Map with lazy expiry and a periodic
// sweep. Synchronous (no promise on the hot path); exact within one process, per worker under a cluster.
import { type Clock, systemClock } from '../lib/clock.ts';
import { type BucketRecord, takeFromBucket, takeFromWindow, type WindowRecord } from './rate-math.ts';
import type {
  ConsumeAllResult,
  ConsumeItem,
  ConsumeResult,
  IncrementResult,
  MessageHandler,
  RateSpec,
  StateStore,
} from './state.ts';

/** Options of `createMemoryState`. */
export interface MemoryStateOptions {
  /** Defaults to the system clock. */
  readonly clock?: Clock;
  /** The most keys kept; past it expired keys are swept, then the oldest dropped. Default 1,000,000. */
  readonly maxKeys?: number;
  /** How often expired keys are swept; default 30 s. 0 disables the timer (tests). */
  readonly sweepMs?: number;
}

interface Entry {
  value: number | string | BucketRecord | WindowRecord;
  expiresAt: number;
}

/** The memory store answers synchronously. */
export interface MemoryStateStore extends StateStore {
  consume(key: string, spec: RateSpec, cost?: number): ConsumeResult;
  consumeAll(items: readonly ConsumeItem[]): ConsumeAllResult;
  increment(key: string, ttlMs: number, by?: number): number;
  tryIncrement(key: string, ttlMs: number, by: number, max: number): IncrementResult;
  count(key: string): number;
  get(key: string): string | undefined;
}

type RateRecord = BucketRecord | WindowRecord;

// A copy of the stored record (or a fresh one), so a refused all-or-nothing call leaves it untouched.
function recordFor(stored: Entry['value'] | undefined, spec: RateSpec, now: number): RateRecord {
  if (spec.algorithm === 'token-bucket') {
    const bucket = stored as BucketRecord | undefined;
    return bucket === undefined ? { tokens: spec.burst ?? spec.limit, at: now } : { ...bucket };
  }
  const window = stored as WindowRecord | undefined;
  return window === undefined
    ? { start: now - (now % spec.windowMs), current: 0, previous: 0 }
    : { ...window };
}

function take(record: RateRecord, spec: RateSpec, cost: number, now: number) {
  return spec.algorithm === 'token-bucket'
    ? takeFromBucket(record as BucketRecord, spec, cost, now)
    : takeFromWindow(record as WindowRecord, spec, cost, now);
}

/** Creates an in-process state store. */
export function createMemoryState(options: MemoryStateOptions = {}): MemoryStateStore {
  const clock = options.clock ?? systemClock;
  const maxKeys = options.maxKeys ?? 1_000_000;
  const entries = new Map<string, Entry>();
  const channels = new Map<string, Set<MessageHandler>>();
  let closed = false;

  const sweep = (): void => {
    const now = clock.now();
    for (const [key, entry] of entries) if (entry.expiresAt <= now) entries.delete(key);
  };
  const sweepMs = options.sweepMs ?? 30_000;
  const timer = sweepMs > 0 ? setInterval(sweep, sweepMs) : undefined;
  timer?.unref();

  const live = (key: string, now: number): Entry | undefined => {
    const entry = entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt > now) return entry;
    entries.delete(key);
    return undefined;
  };
  const put = (key: string, entry: Entry): void => {
    if (!entries.has(key) && entries.size >= maxKeys) {
      sweep();
      // Still full: drop the oldest insertion so memory stays bounded under a key-spraying attack.
      if (entries.size >= maxKeys) {
        const oldest = entries.keys().next();
        if (oldest.done !== true) entries.delete(oldest.value);
      }
    }
    entries.set(key, entry);
  };
  const numberAt = (key: string, now: number): number => {
    const value = live(key, now)?.value;
    return typeof value === 'number' ? value : 0;
  };

  return {
    backend: 'memory',
    consume(key: string, spec: RateSpec, cost = 1): ConsumeResult {
      const now = clock.now();
      const record = recordFor(live(key, now)?.value, spec, now);
      const { result, ttlMs } = take(record, spec, cost, now);
      put(key, { value: record, expiresAt: now + ttlMs });
      return result;
    },
    consumeAll(items: readonly ConsumeItem[]): ConsumeAllResult {
      const now = clock.now();
      // Check every item on copies (later items of a shared key see earlier ones), then commit all or none.
      const tentative = new Map<string, { record: RateRecord; ttlMs: number }>();
      const results: ConsumeResult[] = [];
      let allowed = true;
      for (const item of items) {
        const record =
          tentative.get(item.key)?.record ?? recordFor(live(item.key, now)?.value, item.spec, now);
        const taken = take(record, item.spec, item.cost ?? 1, now);
        tentative.set(item.key, { record, ttlMs: taken.ttlMs });
        results.push(taken.result);
        if (!taken.result.allowed) allowed = false;
      }
      if (allowed) {
        for (const [key, { record, ttlMs }] of tentative) put(key, { value: record, expiresAt: now + ttlMs });
        return { allowed, results };
      }
      return {
        allowed,
        results: results.map((result, i) => {
          if (!result.allowed) return result;
          const item = items[i]!;
          // Had room but nothing was taken: report the rule as it stands.
          const peek = take(recordFor(live(item.key, now)?.value, item.spec, now), item.spec, 0, now).result;
          return { ...peek, allowed: true, retryAfterMs: 0 };
        }),
      };
    },
    increment(key: string, ttlMs: number, by = 1): number {
      const now = clock.now();
      const entry = live(key, now);
      if (entry !== undefined && typeof entry.value === 'number') {
        entry.value += by;
        return entry.value;
      }
      put(key, { value: by, expiresAt: now + ttlMs });
      return by;
    },
    tryIncrement(key: string, ttlMs: number, by: number, max: number): IncrementResult {
      const now = clock.now();
      const current = numberAt(key, now);
      const next = Math.max(0, current + by);
      if (by > 0 && next > max) return { applied: false, value: current };
      put(key, { value: next, expiresAt: now + ttlMs });
      return { applied: true, value: next };
    },
    count: (key) => numberAt(key, clock.now()),
    set(key, value, ttlMs) {
      put(key, { value, expiresAt: clock.now() + ttlMs });
    },
    get(key) {
      const value = live(key, clock.now())?.value;
      return typeof value === 'string' ? value : undefined;
    },
    delete(key) {
      entries.delete(key);
    },
    publish(channel, message) {
      const handlers = channels.get(channel);
      if (handlers === undefined || closed) return;
      // Delivered on a later tick, like Redis, so a publisher never re-enters its own subscriber.
      for (const handler of handlers) queueMicrotask(() => handler(message, channel));
    },
    subscribe(channel, handler) {
      let handlers = channels.get(channel);
      if (handlers === undefined) {
        handlers = new Set();
        channels.set(channel, handlers);
      }
      handlers.add(handler);
      return () => {
        handlers.delete(handler);
        if (handlers.size === 0) channels.delete(channel);
      };
    },
    async close() {
      closed = true;
      if (timer !== undefined) clearInterval(timer);
      entries.clear();
      channels.clear();
    },
  };
}
