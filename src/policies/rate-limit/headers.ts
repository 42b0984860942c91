// RateLimit and RateLimit-Policy response fields (draft-ietf-httpapi-ratelimit-headers-09): structured
// field lists with one item per rule, `"name";q=quota;w=window` and `"name";r=remaining;t=reset`.
import type { ConsumeResult } from '../../state/state.ts';

/** One rule's outcome for the headers. */
export interface RuleOutcome {
  readonly name: string;
  readonly windowMs: number;
  readonly result: ConsumeResult;
}

const seconds = (ms: number): number => Math.max(0, Math.ceil(ms / 1000));

/** `RateLimit-Policy`: what each rule allows. */
export function policyHeader(outcomes: readonly RuleOutcome[]): string {
  return outcomes.map((o) => `"${o.name}";q=${o.result.limit};w=${seconds(o.windowMs)}`).join(', ');
}

/** `RateLimit`: what is left of each rule and when it is fully back. */
export function rateLimitHeader(outcomes: readonly RuleOutcome[]): string {
  return outcomes.map((o) => `"${o.name}";r=${o.result.remaining};t=${seconds(o.result.resetMs)}`).join(', ');
}

/** `Retry-After` (RFC 9110 §10.2.3) in delay-seconds, at least 1 so clients do not retry at once. */
export function retryAfter(ms: number): Record<string, string> {
  return { 'retry-after': String(Math.max(1, seconds(ms))) };
}

/** The headers of an answer; `Retry-After` (RFC 9110 §10.2.3, delay-seconds) when refused. */
export function limitHeaders(
  outcomes: readonly RuleOutcome[],
  retryAfterMs?: number,
): Record<string, string> {
  const headers: Record<string, string> = {
    'ratelimit-policy': policyHeader(outcomes),
    ratelimit: rateLimitHeader(outcomes),
  };
  return retryAfterMs === undefined ? headers : { ...headers, ...retryAfter(retryAfterMs) };
}
