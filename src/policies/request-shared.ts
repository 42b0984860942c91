// What the policies of one request share, as the context carries it: the authentication outcome
// (Kong's `kong.ctx.shared`, typed) and the operation matched once per request. Built by whoever
// builds the context (the gateway, or a unit test's contextFor).
import type { AuthnAttempt, AuthnOutcome, OperationMatcher } from './policy.ts';

/** The authentication outcome of one request, filled in chain order by the authn policies. */
export class AuthnRecord implements AuthnOutcome {
  readonly attempts: AuthnAttempt[] = [];
  readonly challenges: string[] = [];
  failure: AuthnAttempt | undefined = undefined;

  absent(method: string, challenge: string): void {
    this.attempts.push({ method, result: 'absent', credentialId: undefined });
    if (!this.challenges.includes(challenge)) this.challenges.push(challenge);
  }

  failed(method: string, credentialId: string | undefined): void {
    const attempt: AuthnAttempt = { method, result: 'failed', credentialId };
    this.attempts.push(attempt);
    this.failure = attempt;
  }

  succeeded(method: string, credentialId: string | undefined): void {
    this.attempts.push({ method, result: 'succeeded', credentialId });
  }

  challengeHeader(own?: string): string {
    if (own === undefined || this.challenges.includes(own)) return this.challenges.join(', ');
    return this.challenges.length === 0 ? own : `${this.challenges.join(', ')}, ${own}`;
  }
}

/**
 * Remembers operation matches of one request by index, so policies on the same spec match once.
 * A route rarely has more than one spec, so a single slot serves almost every request.
 */
export class OperationMemo {
  #index: object | undefined = undefined;
  #match: unknown;
  #others: Map<object, unknown> | undefined = undefined;

  match<M>(index: OperationMatcher<M>, method: string, path: string): M {
    if (this.#index === index) return this.#match as M;
    if (this.#index === undefined) {
      this.#index = index;
      this.#match = index.match(method, path);
      return this.#match as M;
    }
    this.#others ??= new Map();
    if (this.#others.has(index)) return this.#others.get(index) as M;
    const found = index.match(method, path);
    this.#others.set(index, found);
    return found;
  }
}
