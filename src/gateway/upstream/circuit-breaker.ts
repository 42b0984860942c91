// A per-upstream circuit breaker: closed → open when errors or timeouts reach a rate (or a run of
// consecutive failures) → half-open after a cool-down, where a few probes decide: success closes,
// failure opens again. Time is passed in, so the state machine is tested with a fake clock.
import type { BreakerState } from '../../observe/gateway-records.ts';

/** Breaker settings (upstreams[].circuitBreaker in the config, durations already in ms). */
export interface CircuitBreakerOptions {
  /** Open when failures / requests in the window reach this (0–1) … */
  readonly failureRate: number;
  /** … and the window holds at least this many requests. */
  readonly minRequests: number;
  /** Open after this many failures in a row, whatever the rate. */
  readonly consecutiveFailures: number;
  /** The counting window. */
  readonly windowMs: number;
  /** How long the breaker stays open before it lets probes through. */
  readonly openMs: number;
  /** Probes let through while half-open. */
  readonly halfOpenRequests: number;
}

export type { BreakerState };

/** The breaker of one upstream. */
export interface CircuitBreaker {
  readonly state: BreakerState;
  /** Whether a request may go to the upstream now (a half-open probe counts as let through). */
  allow(now: number): boolean;
  /** Milliseconds until the breaker lets a probe through (for Retry-After); 0 when not open. */
  retryAfterMs(now: number): number;
  success(now: number): void;
  failure(now: number): void;
  /** Called when the state changes (for logs and metrics). */
  onChange?: (state: BreakerState) => void;
}

/** Creates a closed breaker. */
export function createCircuitBreaker(options: CircuitBreakerOptions): CircuitBreaker {
  let state: BreakerState = 'closed';
  let windowStart = 0;
  let requests = 0;
  let failures = 0;
  let streak = 0;
  let openedAt = 0;
  let probes = 0;
  let probeAt = 0;

  const breaker: CircuitBreaker = {
    get state() {
      return state;
    },
    allow(now) {
      if (state === 'closed') return true;
      if (state === 'open') {
        if (now - openedAt < options.openMs) return false;
        move('half-open');
        probes = 0;
      }
      // A probe whose outcome never came (the client went away) must not wedge the breaker half-open.
      if (probes >= options.halfOpenRequests && now - probeAt < options.openMs) return false;
      if (probes >= options.halfOpenRequests) probes = 0;
      probes++;
      probeAt = now;
      return true;
    },
    retryAfterMs(now) {
      return state === 'open' ? Math.max(0, options.openMs - (now - openedAt)) : 0;
    },
    success(now) {
      streak = 0;
      if (state === 'half-open') {
        reset(now);
        streak = 0;
        move('closed');
        return;
      }
      count(now, false);
    },
    failure(now) {
      if (state === 'half-open') {
        open(now);
        return;
      }
      if (state === 'open') return;
      streak++;
      count(now, true);
      const rateReached = requests >= options.minRequests && failures / requests >= options.failureRate;
      if (streak >= options.consecutiveFailures || rateReached) open(now);
    },
  };

  function move(next: BreakerState): void {
    if (next === state) return;
    state = next;
    breaker.onChange?.(next);
  }
  function reset(now: number): void {
    windowStart = now;
    requests = 0;
    failures = 0;
  }
  function count(now: number, failed: boolean): void {
    if (now - windowStart >= options.windowMs) reset(now);
    requests++;
    if (failed) failures++;
  }
  function open(now: number): void {
    openedAt = now;
    streak = 0;
    reset(now);
    move('open');
  }
  return breaker;
}
