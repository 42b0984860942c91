import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createCircuitBreaker } from './circuit-breaker.ts';

const OPTIONS = {
  failureRate: 0.5,
  minRequests: 4,
  consecutiveFailures: 3,
  windowMs: 10_000,
  openMs: 5_000,
  halfOpenRequests: 1,
};

describe('circuit breaker', () => {
  test('opens after consecutive failures and refuses until the cool-down is over', () => {
    const breaker = createCircuitBreaker(OPTIONS);
    const start = Date.UTC(2026, 0, 1);
    for (let i = 0; i < 3; i++) breaker.failure(start);
    assert.equal(breaker.state, 'open');
    assert.equal(breaker.allow(start + 1000), false);
    assert.equal(breaker.retryAfterMs(start + 1000), 4000);
  });

  test('opens when the failure rate over enough requests reaches the threshold', () => {
    const breaker = createCircuitBreaker(OPTIONS);
    breaker.success(0);
    breaker.failure(1);
    breaker.success(2);
    assert.equal(breaker.state, 'closed');
    breaker.failure(3);
    assert.equal(breaker.state, 'open');
  });

  test('forgets failures of a past window', () => {
    const breaker = createCircuitBreaker({ ...OPTIONS, consecutiveFailures: 100 });
    breaker.failure(0);
    breaker.failure(1);
    breaker.success(20_000);
    breaker.success(20_001);
    breaker.success(20_002);
    breaker.failure(20_003);
    assert.equal(breaker.state, 'closed');
  });

  test('lets one probe through when half-open: success closes, failure opens again', () => {
    const breaker = createCircuitBreaker(OPTIONS);
    for (let i = 0; i < 3; i++) breaker.failure(0);
    assert.equal(breaker.allow(5000), true);
    assert.equal(breaker.state, 'half-open');
    assert.equal(breaker.allow(5001), false);
    breaker.failure(5002);
    assert.equal(breaker.state, 'open');
    assert.equal(breaker.allow(10_002), true);
    breaker.success(10_003);
    assert.equal(breaker.state, 'closed');
    assert.equal(breaker.allow(10_004), true);
  });

  test('does not stay half-open forever when a probe never reports back', () => {
    const breaker = createCircuitBreaker(OPTIONS);
    for (let i = 0; i < 3; i++) breaker.failure(0);
    assert.equal(breaker.allow(5000), true);
    assert.equal(breaker.allow(6000), false);
    assert.equal(breaker.allow(10_000), true);
  });

  test('reports state changes', () => {
    const seen: string[] = [];
    const breaker = createCircuitBreaker(OPTIONS);
    breaker.onChange = (state) => seen.push(state);
    for (let i = 0; i < 3; i++) breaker.failure(0);
    breaker.allow(5000);
    breaker.success(5001);
    assert.deepEqual(seen, ['open', 'half-open', 'closed']);
  });
});
