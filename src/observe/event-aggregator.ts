// Aggregation of repeated identical security events for the log: per key (policy, code, rule, route,
// outcome) the first `perWindow` events of a window are logged one by one, the rest counted and logged
// as one summary when the window ends (RFC 5424-style "last message repeated N times", per key).
import type { Clock } from '../lib/clock.ts';

/** How many identical events a window logs one by one. */
export interface EventAggregation {
  readonly perWindow: number;
  readonly windowMs: number;
}

/** The line written for the events a window held back. */
export interface EventSummary {
  readonly policy: string;
  readonly code: string | undefined;
  readonly rule: string | undefined;
  readonly route: string;
  readonly outcome: string;
  /** Events not logged one by one in this window. */
  readonly suppressed: number;
  readonly windowStart: number;
  readonly windowMs: number;
}

/** The fields that make two events identical. */
export interface AggregatedEvent {
  readonly policy: string;
  readonly code?: string | undefined;
  readonly rule?: string | undefined;
  readonly route: string;
  readonly outcome: string;
}

export const DEFAULT_EVENT_AGGREGATION: EventAggregation = { perWindow: 20, windowMs: 10_000 };

// Keys are bounded by config (policies, codes, rules and routes are finite), but cap them anyway.
const MAX_KEYS = 10_000;

interface Window {
  readonly event: AggregatedEvent;
  start: number;
  count: number;
}

/** Decides which events are logged and emits summaries. */
export class EventAggregator {
  readonly #settings: EventAggregation;
  readonly #clock: Clock;
  readonly #summarize: (summary: EventSummary) => void;
  readonly #windows = new Map<string, Window>();
  #timer: NodeJS.Timeout | undefined;

  constructor(
    settings: EventAggregation | undefined,
    clock: Clock,
    summarize: (summary: EventSummary) => void,
  ) {
    this.#settings = settings ?? DEFAULT_EVENT_AGGREGATION;
    this.#clock = clock;
    this.#summarize = summarize;
  }

  /** Whether this event is logged on its own; otherwise it is counted for its window's summary. */
  admit(event: AggregatedEvent): boolean {
    const now = this.#clock.now();
    const key = `${event.policy}\u0000${event.code ?? ''}\u0000${event.rule ?? ''}\u0000${event.route}\u0000${event.outcome}`;
    let window = this.#windows.get(key);
    if (window !== undefined && now - window.start >= this.#settings.windowMs) {
      this.#close(key, window);
      window = undefined;
    }
    if (window === undefined) {
      if (this.#windows.size >= MAX_KEYS) this.flush(now);
      if (this.#windows.size >= MAX_KEYS) return true;
      window = { event, start: now, count: 0 };
      this.#windows.set(key, window);
    }
    window.count++;
    if (window.count <= this.#settings.perWindow) return true;
    this.#schedule();
    return false;
  }

  /** Summarizes and forgets every window that ended by `now` (all of them when `now` is omitted). */
  flush(now = Number.POSITIVE_INFINITY): void {
    for (const [key, window] of this.#windows)
      if (now - window.start >= this.#settings.windowMs) this.#close(key, window);
  }

  #close(key: string, window: Window): void {
    this.#windows.delete(key);
    const suppressed = window.count - this.#settings.perWindow;
    if (suppressed <= 0) return;
    const { policy, code, rule, route, outcome } = window.event;
    this.#summarize({
      policy,
      code,
      rule,
      route,
      outcome,
      suppressed,
      windowStart: window.start,
      windowMs: this.#settings.windowMs,
    });
  }

  // A summary is due even if no identical event follows: one unref'd timer per window length.
  #schedule(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.flush(this.#clock.now());
      if ([...this.#windows.values()].some((window) => window.count > this.#settings.perWindow))
        this.#schedule();
    }, this.#settings.windowMs);
    this.#timer.unref();
  }
}
