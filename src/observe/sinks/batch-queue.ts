// The queue in front of every sink: `offer` is O(1) and never waits (the request path calls it); a
// flusher off the request path takes batches, encodes them once and sends them one at a time, retrying
// a failed batch with capped exponential backoff and full jitter. What cannot be kept is dropped and
// counted: records offered to a full queue, batches whose retries ran out, records the receiver refused.
import type { DropReason, SinkMetrics } from './sink-metrics.ts';

/** A send that failed in a way retrying cannot fix (a 4xx answer, a record too large to send). */
export class PermanentSendError extends Error {
  readonly reason: DropReason;
  readonly count: number | undefined;
  constructor(message: string, reason: DropReason = 'rejected', count?: number) {
    super(message);
    this.name = 'PermanentSendError';
    this.reason = reason;
    this.count = count;
  }
}

/** What a send reports back when only part of a batch was refused (Elastic bulk item errors). */
export interface SendResult {
  readonly rejected?: number;
  /** Why they were refused (default `rejected`). */
  readonly reason?: DropReason;
}

/** Queue, batch and retry settings. */
export interface QueueSettings {
  readonly maxQueue: number;
  readonly maxBatch: number;
  readonly flushIntervalMs: number;
  readonly retries: number;
  readonly backoffMs: number;
  readonly maxBackoffMs: number;
}

export const DEFAULT_QUEUE_SETTINGS: QueueSettings = {
  maxQueue: 10_000,
  maxBatch: 500,
  flushIntervalMs: 500,
  retries: 5,
  backoffMs: 200,
  maxBackoffMs: 30_000,
};

/** Options of a batch queue. */
export interface BatchQueueOptions<T, B> {
  readonly name: string;
  readonly settings: QueueSettings;
  readonly metrics: SinkMetrics;
  /** Turns a batch into what `send` takes; runs once per batch, off the request path. */
  encode(items: readonly T[]): B;
  /** Delivers a batch; rejects to have it retried (PermanentSendError: dropped at once). */
  send(batch: B, count: number): Promise<SendResult | undefined>;
  /** Told when something is dropped, for logs (at most once per flush). */
  onDrop?(reason: DropReason, count: number, error: unknown): void;
  /** A random number in [0, 1) for jitter (tests pass a constant). */
  random?(): number;
}

/** A bounded queue with a batching, retrying flusher. */
export class BatchQueue<T, B> {
  readonly #options: BatchQueueOptions<T, B>;
  #items: T[] = [];
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #closed = false;
  #wake: (() => void) | undefined;

  constructor(options: BatchQueueOptions<T, B>) {
    this.#options = options;
  }

  /** Queued records (not yet taken by the flusher). */
  get length(): number {
    return this.#items.length;
  }

  /** Queues one record; false (and counted) when the queue is full or closed. Never waits. */
  offer(item: T): boolean {
    const { name, metrics, settings } = this.#options;
    if (this.#closed) {
      metrics.dropped(name, 'closed', 1);
      return false;
    }
    if (this.#items.length >= settings.maxQueue) {
      metrics.dropped(name, 'queue_full', 1);
      return false;
    }
    this.#items.push(item);
    if (this.#items.length >= settings.maxBatch) this.#schedule(0);
    else this.#schedule(settings.flushIntervalMs);
    return true;
  }

  /** Sends everything queued now; resolves when it was delivered or dropped. */
  flush(): Promise<void> {
    this.#clearTimer();
    this.#running ??= this.#drain().finally(() => {
      this.#running = undefined;
      if (this.#items.length > 0 && !this.#closed) this.#schedule(this.#options.settings.flushIntervalMs);
    });
    return this.#running;
  }

  /** Stops taking records and sends what is queued; retries are cut short after `graceMs`. */
  async close(graceMs = 2000): Promise<void> {
    if (this.#closed) return this.#running;
    const flushed = this.flush();
    this.#closed = true;
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
      timer.unref();
    });
    await Promise.race([flushed, grace]);
    clearTimeout(timer);
    this.#wake?.();
    await flushed;
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(delayMs: number): void {
    if (this.#running !== undefined) return; // the running drain takes what comes next
    if (this.#timer !== undefined && delayMs > 0) return;
    this.#clearTimer();
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.flush();
    }, delayMs);
    this.#timer.unref();
  }

  async #drain(): Promise<void> {
    const { settings } = this.#options;
    while (this.#items.length > 0) {
      const taken = this.#items.splice(0, settings.maxBatch);
      this.#options.metrics.queued(this.#options.name, this.#items.length);
      await this.#deliver(taken);
    }
    this.#options.metrics.queued(this.#options.name, 0);
  }

  async #deliver(items: readonly T[]): Promise<void> {
    const { name, metrics, settings } = this.#options;
    let batch: B;
    try {
      batch = this.#options.encode(items);
    } catch (error) {
      this.#drop('rejected', items.length, error);
      return;
    }
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await this.#options.send(batch, items.length);
        const rejected = Math.min(result?.rejected ?? 0, items.length);
        if (rejected > 0) this.#drop(result?.reason ?? 'rejected', rejected, undefined);
        metrics.sent(name, items.length - rejected);
        return;
      } catch (error) {
        if (error instanceof PermanentSendError) {
          this.#drop(error.reason, error.count ?? items.length, error);
          return;
        }
        if (attempt >= settings.retries || this.#closed) {
          this.#drop('send_failed', items.length, error);
          return;
        }
        metrics.retried(name);
        await this.#pause(this.#backoff(attempt));
      }
    }
  }

  #drop(reason: DropReason, count: number, error: unknown): void {
    this.#options.metrics.dropped(this.#options.name, reason, count);
    this.#options.onDrop?.(reason, count, error);
  }

  // Full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"): uniform in [0, cap].
  #backoff(attempt: number): number {
    const { backoffMs, maxBackoffMs } = this.#options.settings;
    const cap = Math.min(maxBackoffMs, backoffMs * 2 ** attempt);
    return Math.round(cap * (this.#options.random ?? Math.random)());
  }

  #pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#wake = undefined;
        resolve();
      }, ms);
      timer.unref();
      // close() cuts a pause short so shutdown does not wait out a long backoff.
      this.#wake = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
    });
  }
}
