// Sliding windows for alert rules: a ring of slots (one tenth of the window each), so a window's value
// costs the same whatever the traffic and old slots are reused, not collected. Each slot counts hits
// and totals, keeps distinct values (capped) and a latency histogram when the rule needs them.

/** Slots per window: the window slides in tenths. */
export const SLOTS = 10;

/** Latency histogram: bucket i holds durations up to 2^(i/4) ms (±19%), up to 2^21 ms (35 min). */
const BUCKETS_PER_DOUBLING = 4;
const BUCKETS = 21 * BUCKETS_PER_DOUBLING + 1;

function bucketOf(ms: number): number {
  if (!(ms > 1)) return 0;
  return Math.min(BUCKETS - 1, Math.ceil(Math.log2(ms) * BUCKETS_PER_DOUBLING));
}

function bucketBound(bucket: number): number {
  return 2 ** (bucket / BUCKETS_PER_DOUBLING);
}

interface Slot {
  epoch: number;
  hits: number;
  total: number;
  distinct: Set<string> | undefined;
  histogram: Uint32Array | undefined;
}

/** What a window tracks besides counts. */
export interface WindowNeeds {
  /** Distinct values, at most this many per slot (enough to reach the threshold). */
  readonly distinct?: number;
  readonly latency?: boolean;
}

/** One group's window. */
export class SlidingWindow {
  readonly #slotMs: number;
  readonly #slots: Slot[];
  readonly #needs: WindowNeeds;

  constructor(windowMs: number, needs: WindowNeeds = {}) {
    this.#slotMs = Math.max(1, Math.ceil(windowMs / SLOTS));
    this.#needs = needs;
    this.#slots = Array.from({ length: SLOTS }, () => ({
      epoch: -1,
      hits: 0,
      total: 0,
      distinct: needs.distinct === undefined ? undefined : new Set<string>(),
      histogram: needs.latency === true ? new Uint32Array(BUCKETS) : undefined,
    }));
  }

  #slot(now: number): Slot {
    const epoch = Math.floor(now / this.#slotMs);
    const slot = this.#slots[epoch % SLOTS]!;
    if (slot.epoch !== epoch) {
      slot.epoch = epoch;
      slot.hits = 0;
      slot.total = 0;
      slot.distinct?.clear();
      slot.histogram?.fill(0);
    }
    return slot;
  }

  #live(now: number): Slot[] {
    const epoch = Math.floor(now / this.#slotMs);
    return this.#slots.filter((slot) => slot.epoch > epoch - SLOTS && slot.epoch <= epoch);
  }

  /** Counts one observation: a hit or not, a distinct value, a latency. */
  add(now: number, hit: boolean, value?: string, latencyMs?: number): void {
    const slot = this.#slot(now);
    slot.total += 1;
    if (hit) slot.hits += 1;
    if (
      value !== undefined &&
      slot.distinct !== undefined &&
      slot.distinct.size < (this.#needs.distinct ?? 0)
    ) {
      slot.distinct.add(value);
    }
    if (latencyMs !== undefined && slot.histogram !== undefined) slot.histogram[bucketOf(latencyMs)]! += 1;
  }

  /** Hits and observations in the window ending at `now`. */
  counts(now: number): { hits: number; total: number } {
    let hits = 0;
    let total = 0;
    for (const slot of this.#live(now)) {
      hits += slot.hits;
      total += slot.total;
    }
    return { hits, total };
  }

  /** Distinct values in the window (capped). */
  distinct(now: number): number {
    const union = new Set<string>();
    for (const slot of this.#live(now)) for (const value of slot.distinct ?? []) union.add(value);
    return union.size;
  }

  /** The `q` quantile (0-1) of the latencies in the window, in ms (a bucket's upper bound); 0 when none. */
  quantile(now: number, q: number): number {
    const merged = new Uint32Array(BUCKETS);
    let total = 0;
    for (const slot of this.#live(now)) {
      if (slot.histogram === undefined) continue;
      for (let i = 0; i < BUCKETS; i++) merged[i]! += slot.histogram[i]!;
    }
    for (let i = 0; i < BUCKETS; i++) total += merged[i]!;
    if (total === 0) return 0;
    const rank = Math.ceil(q * total);
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += merged[i]!;
      if (seen >= rank) return bucketBound(i);
    }
    return bucketBound(BUCKETS - 1);
  }

  /** Whether nothing was observed in the window ending at `now`. */
  idle(now: number): boolean {
    return this.#live(now).every((slot) => slot.total === 0);
  }
}
