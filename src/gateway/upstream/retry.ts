// Retries of one upstream: only idempotent methods (RFC 9110 §9.2.2), only when the connection was
// refused or reset before any response byte, never with a streamed body, at most `attempts` tries per
// request, and under a budget (a share of the requests over a sliding window) so retries cannot multiply
// the load on an upstream that is already failing (a retry storm).
import type { UpstreamConfig } from '../../config/schema.ts';
import { parseDuration } from '../../lib/durations.ts';
import type { RetryDecision, UpstreamFailure } from '../../observe/gateway-records.ts';

/** Retry settings (upstreams.<name>.retries, window in ms). */
export interface RetryOptions {
  /** Tries per request, the first one included. */
  readonly attempts: number;
  /** Retries may be at most this share of the requests counted in the window… */
  readonly budget: number;
  /** … plus this many, so a quiet upstream can still retry. */
  readonly minRetries: number;
  readonly windowMs: number;
}

/** What was decided about a failed attempt that was otherwise retryable. */
export type { RetryDecision };

/** Facts about a failed attempt. */
export interface FailedAttempt {
  readonly method: string;
  /** The request body streams from the client: it cannot be sent twice. */
  readonly streamedBody: boolean;
  readonly failure: UpstreamFailure;
  /** Tries made so far, the failed one included. */
  readonly attempt: number;
  readonly now: number;
}

/** The retry policy and budget of one upstream. */
export interface RetryPolicy {
  /** Counts a request sent to the upstream (its first try), which earns budget. */
  request(now: number): void;
  /** Whether to try again; a yes spends budget. */
  shouldRetry(failed: FailedAttempt): boolean;
  /** Called for every retryable failure: retried, or refused for lack of budget (for metrics). */
  onDecision?: (decision: RetryDecision) => void;
}

/** Methods safe to send twice (RFC 9110 §9.2.2); POST and PATCH never are. */
export const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

// Failures where the upstream cannot have acted on the request, or where an idempotent method makes a
// second delivery harmless. Timeouts are not retried: the upstream may still be working on it.
const RETRYABLE_FAILURES: ReadonlySet<UpstreamFailure> = new Set(['refused', 'reset']);

// The window is counted in this many buckets, so the budget slides without keeping every timestamp.
const BUCKETS = 10;

/** Creates a retry policy with an empty window. */
export function createRetryPolicy(options: RetryOptions): RetryPolicy {
  const bucketMs = Math.max(1, Math.ceil(options.windowMs / BUCKETS));
  const requests = new Array<number>(BUCKETS).fill(0);
  const retries = new Array<number>(BUCKETS).fill(0);
  let current = 0;

  function advance(now: number): number {
    const bucket = Math.floor(now / bucketMs);
    if (bucket - current >= BUCKETS) {
      requests.fill(0);
      retries.fill(0);
    } else {
      for (let b = current + 1; b <= bucket; b++) {
        requests[b % BUCKETS] = 0;
        retries[b % BUCKETS] = 0;
      }
    }
    if (bucket > current) current = bucket;
    return current % BUCKETS;
  }
  function sum(counts: readonly number[]): number {
    let total = 0;
    for (const count of counts) total += count;
    return total;
  }

  const policy: RetryPolicy = {
    request(now) {
      const slot = advance(now);
      requests[slot] = (requests[slot] ?? 0) + 1;
    },
    shouldRetry(failed) {
      if (!RETRYABLE_FAILURES.has(failed.failure)) return false;
      if (failed.streamedBody || !IDEMPOTENT_METHODS.has(failed.method)) return false;
      if (failed.attempt >= options.attempts) return false;
      const slot = advance(failed.now);
      const allowed = options.minRetries + options.budget * sum(requests);
      if (sum(retries) + 1 > allowed) {
        policy.onDecision?.('budget-exhausted');
        return false;
      }
      retries[slot] = (retries[slot] ?? 0) + 1;
      policy.onDecision?.('retried');
      return true;
    },
  };
  return policy;
}

/** Builds the policy an upstream's config asks for, or undefined without `retries`. */
export function retryPolicyOf(settings: UpstreamConfig['retries']): RetryPolicy | undefined {
  if (settings === undefined) return undefined;
  return createRetryPolicy({
    attempts: settings.attempts,
    budget: settings.budget,
    minRetries: settings.minRetries,
    windowMs: parseDuration(settings.window),
  });
}
