import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createRetryPolicy, type FailedAttempt, type RetryDecision } from './retry.ts';

const OPTIONS = { attempts: 3, budget: 0.2, minRetries: 0, windowMs: 10_000 };
const START = Date.UTC(2026, 0, 1);

function failed(overrides: Partial<FailedAttempt> = {}): FailedAttempt {
  return { method: 'GET', streamedBody: false, failure: 'reset', attempt: 1, now: START, ...overrides };
}

describe('retry policy', () => {
  test('retries idempotent methods after a refused or reset connection', () => {
    const policy = createRetryPolicy({ ...OPTIONS, minRetries: 100 });
    for (const method of ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']) {
      assert.equal(policy.shouldRetry(failed({ method })), true, method);
      assert.equal(policy.shouldRetry(failed({ method, failure: 'refused' })), true, method);
    }
  });

  test('never retries POST or PATCH, a streamed body, a timeout or an unknown failure', () => {
    const policy = createRetryPolicy({ ...OPTIONS, minRetries: 100 });
    assert.equal(policy.shouldRetry(failed({ method: 'POST' })), false);
    assert.equal(policy.shouldRetry(failed({ method: 'PATCH' })), false);
    assert.equal(policy.shouldRetry(failed({ method: 'PUT', streamedBody: true })), false);
    assert.equal(policy.shouldRetry(failed({ failure: 'timeout' })), false);
    assert.equal(policy.shouldRetry(failed({ failure: 'other' })), false);
  });

  test('stops at the configured number of attempts', () => {
    const policy = createRetryPolicy({ ...OPTIONS, minRetries: 100 });
    assert.equal(policy.shouldRetry(failed({ attempt: 2 })), true);
    assert.equal(policy.shouldRetry(failed({ attempt: 3 })), false);
  });

  test('keeps retries within the share of requests in the window and reports each decision', () => {
    const policy = createRetryPolicy(OPTIONS);
    const decisions: RetryDecision[] = [];
    policy.onDecision = (decision) => decisions.push(decision);
    let retried = 0;
    for (let i = 0; i < 100; i++) {
      policy.request(START + i);
      for (let attempt = 1; policy.shouldRetry(failed({ attempt, now: START + i })); attempt++) retried++;
    }
    assert.equal(retried, 20);
    assert.equal(decisions.filter((d) => d === 'retried').length, 20);
    // Every request ends on a refusal: the budget never allows a second retry of the same request.
    assert.equal(decisions.filter((d) => d === 'budget-exhausted').length, 100);
  });

  test('allows the minimum number of retries even with few requests', () => {
    const policy = createRetryPolicy({ ...OPTIONS, minRetries: 2 });
    policy.request(START);
    assert.equal(policy.shouldRetry(failed()), true);
    assert.equal(policy.shouldRetry(failed({ attempt: 2 })), true);
    assert.equal(policy.shouldRetry(failed()), false);
  });

  test('forgets requests and retries once they slide out of the window', () => {
    const policy = createRetryPolicy(OPTIONS);
    for (let i = 0; i < 10; i++) policy.request(START);
    assert.equal(policy.shouldRetry(failed()), true);
    assert.equal(policy.shouldRetry(failed()), true);
    assert.equal(policy.shouldRetry(failed()), false);
    const later = START + 10_000;
    assert.equal(policy.shouldRetry(failed({ now: later })), false);
    for (let i = 0; i < 5; i++) policy.request(later);
    assert.equal(policy.shouldRetry(failed({ now: later })), true);
    assert.equal(policy.shouldRetry(failed({ now: later })), false);
  });
});
