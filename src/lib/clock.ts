// Injected time: what "now" is and how to wait, so expiry, windows, lockouts, throttling and queues
// are testable with a fake clock (test/helpers/context.ts) instead of real timers.

/** A source of time. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /**
   * Resolves once `ms` milliseconds of this clock's time have passed. Optional so a clock that only
   * tells the time stays a clock; `sleepOn` falls back to a real timer then.
   */
  sleep?(ms: number): Promise<void>;
}

/** Real time: `Date.now()` and `setTimeout`. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};

/** Waits `ms` milliseconds on `clock` (its `sleep`, or a real timer when it has none). */
export function sleepOn(clock: Clock, ms: number): Promise<void> {
  return clock.sleep === undefined ? systemClock.sleep!(ms) : clock.sleep(ms);
}
