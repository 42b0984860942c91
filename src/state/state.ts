// The state interface (ARCHITECTURE §4): hot counters shared between gateway instances — rate-limit
// buckets and windows, quotas, concurrency slots, lockouts — and pub/sub notices (revocations).
// `memory` serves one process; `redis` many. Every operation on one key is atomic in both backends.

/** A value that may or may not be a promise: memory answers synchronously, Redis asynchronously. */
export type MaybePromise<T> = T | Promise<T>;

/** Which backend a store is. */
export type StateBackend = 'memory' | 'redis';

/** Rate algorithms `consume` implements. */
export type RateAlgorithm = 'token-bucket' | 'sliding-window';

/** One rate rule: `limit` units per `windowMs`. */
export interface RateSpec {
  readonly algorithm: RateAlgorithm;
  /** Units admitted per window (sliding window) or refilled per window (token bucket). */
  readonly limit: number;
  readonly windowMs: number;
  /** Token bucket only: the bucket's capacity (the largest burst); defaults to `limit`. */
  readonly burst?: number;
}

/** The outcome of `consume`. */
export interface ConsumeResult {
  /** Whether the cost was taken; when not, nothing was taken. */
  readonly allowed: boolean;
  /** The rule's capacity (limit, or burst for a token bucket). */
  readonly limit: number;
  /** Units left after this call (never negative, rounded down). */
  readonly remaining: number;
  /** Milliseconds until the key is back at full capacity. */
  readonly resetMs: number;
  /** When refused: milliseconds until `cost` units will be available (0 when allowed). */
  readonly retryAfterMs: number;
}

/** One rule of a `consumeAll` call. */
export interface ConsumeItem {
  readonly key: string;
  readonly spec: RateSpec;
  /** Units to take; default 1. */
  readonly cost?: number;
}

/** The outcome of `consumeAll`. */
export interface ConsumeAllResult {
  /** Whether every item had room; only then was anything taken (from all of them). */
  readonly allowed: boolean;
  /**
   * One result per item, in order. When `allowed` is false nothing was taken: an item with room
   * reports `allowed: true` and its remaining units untouched, a refused one its `retryAfterMs`.
   */
  readonly results: readonly ConsumeResult[];
}

/** The outcome of `tryIncrement`. */
export interface IncrementResult {
  /** Whether the increment was applied (the counter stayed within `max`). */
  readonly applied: boolean;
  /** The counter's value after the call. */
  readonly value: number;
}

/** A subscriber's callback; it must not throw. */
export type MessageHandler = (message: string, channel: string) => void;

/** Thrown (as a rejection) when the backend is unreachable or slower than its timeout. */
export class StateUnavailableError extends Error {
  override readonly name = 'StateUnavailableError';
  readonly code = 'RAMPART_STATE_UNAVAILABLE';
}

/** What a store reports about its backend's health (for metrics and events). */
export interface StateObserver {
  /** An operation failed or timed out (`op` is a bounded name: consume, increment, get, …). */
  error?(op: string, kind: 'timeout' | 'unavailable' | 'error'): void;
  /** The backend became unreachable (`up: false`) or reachable again (`up: true`). */
  availability?(up: boolean): void;
}

/**
 * Shared hot state. Keys are opaque strings chosen by the caller (prefix them by purpose:
 * `rl:`, `quota:`, `lock:`); the store adds its own configured prefix. TTLs are milliseconds.
 * Operations may reject with StateUnavailableError; callers decide to fail open or closed.
 */
export interface StateStore {
  readonly backend: StateBackend;
  /**
   * Resolves true once the backend answers (at once for memory), false when `timeoutMs` passed first:
   * a gateway waits on it before listening, so its limits do not fail open while it connects.
   */
  whenReady?(timeoutMs: number): Promise<boolean>;
  /** Atomically takes `cost` units from the rate rule at `key` if they are available. */
  consume(key: string, spec: RateSpec, cost?: number): MaybePromise<ConsumeResult>;
  /**
   * All or nothing over several rate rules, atomically: takes each item's cost only if every item has
   * room, otherwise takes nothing. Items sharing a key see each other's cost.
   */
  consumeAll(items: readonly ConsumeItem[]): MaybePromise<ConsumeAllResult>;
  /** Fixed-window counter: adds `by` (default 1), sets the TTL when the key is created, returns the value. */
  increment(key: string, ttlMs: number, by?: number): MaybePromise<number>;
  /**
   * Adds `by` only if the result stays ≤ `max` (quotas, concurrency slots); a negative `by` releases
   * and never goes below 0. The TTL is (re)set on every applied change so abandoned keys expire.
   */
  tryIncrement(key: string, ttlMs: number, by: number, max: number): MaybePromise<IncrementResult>;
  /** The counter at `key` (0 when absent). */
  count(key: string): MaybePromise<number>;
  /** A string value with a TTL (lockouts, markers). */
  set(key: string, value: string, ttlMs: number): MaybePromise<void>;
  get(key: string): MaybePromise<string | undefined>;
  delete(key: string): MaybePromise<void>;
  /** Delivers `message` to every subscriber of `channel` in every instance (this one included). */
  publish(channel: string, message: string): MaybePromise<void>;
  /** Subscribes; returns the function that unsubscribes. */
  subscribe(channel: string, handler: MessageHandler): () => void;
  /** Releases timers and connections; the store is unusable afterwards. */
  close(): Promise<void>;
}
