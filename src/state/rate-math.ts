// The rate algorithms as pure functions over a stored record, shared by the memory backend and
// mirrored line for line by the Redis Lua scripts (redis-scripts.ts), so both decide identically.
import type { ConsumeResult, RateSpec } from './state.ts';

/** Token bucket record: tokens left at time `at` (ms). */
export interface BucketRecord {
  tokens: number;
  at: number;
}

/** Sliding-window-counter record: the count of the current fixed window `start` and of the one before. */
export interface WindowRecord {
  start: number;
  current: number;
  previous: number;
}

/**
 * Token bucket: capacity `burst ?? limit`, refilled at `limit / windowMs` per ms. Mutates `record`
 * when the cost is taken. Returns the result and the TTL after which the bucket is full again.
 */
export function takeFromBucket(
  record: BucketRecord,
  spec: RateSpec,
  cost: number,
  now: number,
): { result: ConsumeResult; ttlMs: number } {
  const capacity = spec.burst ?? spec.limit;
  const rate = spec.limit / spec.windowMs;
  const elapsed = Math.max(0, now - record.at);
  let tokens = Math.min(capacity, record.tokens + elapsed * rate);
  const allowed = tokens >= cost;
  if (allowed) tokens -= cost;
  record.tokens = tokens;
  record.at = now;
  const resetMs = Math.ceil((capacity - tokens) / rate);
  const retryAfterMs = allowed ? 0 : cost > capacity ? spec.windowMs : Math.ceil((cost - tokens) / rate);
  return {
    result: { allowed, limit: capacity, remaining: Math.floor(tokens), resetMs, retryAfterMs },
    ttlMs: Math.max(1, resetMs),
  };
}

/**
 * Sliding window counter (the weighted previous fixed window plus the current one): O(1) state, at
 * most `limit` admitted in any window-aligned span and a smooth estimate in between.
 */
export function takeFromWindow(
  record: WindowRecord,
  spec: RateSpec,
  cost: number,
  now: number,
): { result: ConsumeResult; ttlMs: number } {
  const w = spec.windowMs;
  const start = now - (now % w);
  if (start !== record.start) {
    record.previous = start - record.start === w ? record.current : 0;
    record.current = 0;
    record.start = start;
  }
  const intoWindow = now - start;
  const weight = (w - intoWindow) / w;
  const estimate = record.previous * weight + record.current;
  const allowed = estimate + cost <= spec.limit;
  if (allowed) record.current += cost;
  const used = allowed ? estimate + cost : estimate;
  const untilEnd = w - intoWindow;
  const resetMs = record.current > 0 ? untilEnd + w : record.previous > 0 ? untilEnd : 0;
  let retryAfterMs = 0;
  if (!allowed) retryAfterMs = windowRetry(record, spec.limit, cost, intoWindow, w);
  return {
    result: {
      allowed,
      limit: spec.limit,
      remaining: Math.max(0, Math.floor(spec.limit - used)),
      resetMs,
      retryAfterMs,
    },
    ttlMs: 2 * w,
  };
}

// The earliest time the weighted estimate leaves room for `cost`: later in this window as the previous
// window's weight decays, or in the next one as the current window's weight decays.
function windowRetry(record: WindowRecord, limit: number, cost: number, into: number, w: number): number {
  if (cost > limit) return w;
  const room = limit - record.current - cost;
  if (room >= 0 && record.previous > 0) {
    const fraction = 1 - room / record.previous;
    return Math.max(1, Math.ceil(fraction * w - into));
  }
  const untilEnd = w - into;
  if (record.current === 0) return untilEnd;
  const fraction = Math.max(0, 1 - (limit - cost) / record.current);
  return Math.max(1, Math.ceil(untilEnd + fraction * w));
}
