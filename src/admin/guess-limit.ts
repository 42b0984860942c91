// Wrong admin tokens per address: after `maxFailures` in `windowMs` an address is refused for
// `lockMs`, whatever it presents next, so a token cannot be guessed at the listener's speed. Bounded:
// at most `maxAddresses` are tracked (the oldest forgotten first).
import type { Clock } from '../lib/clock.ts';

/** Options of `createGuessLimit`. */
export interface GuessLimitOptions {
  readonly clock?: Clock;
  /** Wrong tokens an address may present in a window (default 10). */
  readonly maxFailures?: number;
  /** The window failures are counted in (default 60 s). */
  readonly windowMs?: number;
  /** How long a locked address is refused (default 5 minutes). */
  readonly lockMs?: number;
  /** Addresses tracked at most (default 10 000). */
  readonly maxAddresses?: number;
}

/** The failure counts of one admin listener. */
export interface GuessLimit {
  /** Milliseconds `address` is still locked out for, or 0. */
  lockedFor(address: string): number;
  /** Counts a wrong token from `address`. */
  failed(address: string): void;
}

interface Entry {
  windowStart: number;
  failures: number;
  lockedUntil: number;
}

/** Creates the limiter. */
export function createGuessLimit(options: GuessLimitOptions = {}): GuessLimit {
  const clock = options.clock ?? { now: () => Date.now() };
  const maxFailures = options.maxFailures ?? 10;
  const windowMs = options.windowMs ?? 60_000;
  const lockMs = options.lockMs ?? 5 * 60_000;
  const maxAddresses = options.maxAddresses ?? 10_000;
  const entries = new Map<string, Entry>();
  return {
    lockedFor(address) {
      const entry = entries.get(address);
      if (entry === undefined) return 0;
      return Math.max(0, entry.lockedUntil - clock.now());
    },
    failed(address) {
      const now = clock.now();
      let entry = entries.get(address);
      if (entry === undefined || now - entry.windowStart >= windowMs) {
        if (entry === undefined && entries.size >= maxAddresses) {
          entries.delete(entries.keys().next().value as string);
        }
        entry = { windowStart: now, failures: 0, lockedUntil: entry?.lockedUntil ?? 0 };
        entries.delete(address);
        entries.set(address, entry);
      }
      entry.failures++;
      if (entry.failures >= maxFailures) entry.lockedUntil = now + lockMs;
    },
  };
}
