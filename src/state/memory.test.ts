import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fakeClock } from '../../test/helpers/context.ts';
import { createMemoryState } from './memory.ts';
import type { RateSpec } from './state.ts';

const WINDOW: RateSpec = { algorithm: 'sliding-window', limit: 3, windowMs: 1000 };
const BUCKET: RateSpec = { algorithm: 'token-bucket', limit: 2, windowMs: 1000, burst: 4 };

describe('memory state', () => {
  it('admits exactly the limit of a sliding window and resets when the window has slid past', async () => {
    const clock = fakeClock(Date.UTC(2026, 0, 1));
    const state = createMemoryState({ clock, sweepMs: 0 });
    const allowed = [1, 2, 3, 4].map(() => state.consume('k', WINDOW));
    assert.deepEqual(
      allowed.map((r) => r.allowed),
      [true, true, true, false],
    );
    clock.advance(1000);
    // At the start of the next window the previous one still weighs fully.
    assert.equal(state.consume('k', WINDOW).allowed, false);
    clock.advance(1000);
    assert.equal(state.consume('k', WINDOW).allowed, true);
    await state.close();
  });

  it('tells how long to wait when a window is full and the wait is enough', async () => {
    const clock = fakeClock(Date.UTC(2026, 0, 1));
    const state = createMemoryState({ clock, sweepMs: 0 });
    for (let i = 0; i < 3; i++) state.consume('k', WINDOW);
    clock.advance(400);
    const refused = state.consume('k', WINDOW);
    assert.equal(refused.allowed, false);
    assert.equal(refused.remaining, 0);
    assert.ok(refused.retryAfterMs > 0);
    clock.advance(refused.retryAfterMs);
    assert.equal(state.consume('k', WINDOW).allowed, true);
    await state.close();
  });

  it('lets a token bucket burst to its capacity and refills at the limit rate', async () => {
    const clock = fakeClock();
    const state = createMemoryState({ clock, sweepMs: 0 });
    const burst = Array.from({ length: 5 }, () => state.consume('b', BUCKET).allowed);
    assert.deepEqual(burst, [true, true, true, true, false]);
    clock.advance(500);
    assert.equal(state.consume('b', BUCKET).allowed, true);
    assert.equal(state.consume('b', BUCKET).allowed, false);
    await state.close();
  });

  it('takes a cost larger than one at once and refuses it without taking anything', async () => {
    const state = createMemoryState({ clock: fakeClock(), sweepMs: 0 });
    assert.equal(state.consume('c', WINDOW, 2).allowed, true);
    assert.equal(state.consume('c', WINDOW, 2).allowed, false);
    assert.equal(state.consume('c', WINDOW, 1).allowed, true);
    await state.close();
  });

  it('takes from every rule or from none: refusals by 3/s never eat into 5/min', async () => {
    const clock = fakeClock(Date.UTC(2026, 0, 1));
    const state = createMemoryState({ clock, sweepMs: 0 });
    const items = [
      { key: 'sec', spec: { algorithm: 'sliding-window', limit: 3, windowMs: 1000 } },
      { key: 'min', spec: { algorithm: 'sliding-window', limit: 5, windowMs: 60_000 } },
    ] as const;
    const flood = Array.from({ length: 10 }, () => state.consumeAll(items));
    assert.equal(flood.filter((r) => r.allowed).length, 3);
    const refused = flood[9]!;
    assert.deepEqual(
      refused.results.map((r) => r.allowed),
      [false, true],
    );
    assert.ok(refused.results[0]!.retryAfterMs > 0);
    assert.equal(refused.results[1]!.remaining, 2);
    clock.advance(2000);
    const later = [1, 2, 3].map(() => state.consumeAll(items));
    assert.deepEqual(
      later.map((r) => r.allowed),
      [true, true, false],
    );
    assert.deepEqual(
      later[2]!.results.map((r) => r.allowed),
      [true, false],
    );
    // The refused third took nothing from the per-second rule either.
    assert.equal(state.consume('sec', items[0].spec).remaining, 0);
    await state.close();
  });

  it('shares counters with consume and lets items on one key see each other', async () => {
    const clock = fakeClock(Date.UTC(2026, 0, 1));
    const state = createMemoryState({ clock, sweepMs: 0 });
    state.consume('b', BUCKET, 2);
    const twice = state.consumeAll([
      { key: 'b', spec: BUCKET, cost: 1 },
      { key: 'b', spec: BUCKET, cost: 1 },
    ]);
    assert.equal(twice.allowed, true);
    assert.equal(twice.results[1]!.remaining, 0);
    const thrice = state.consumeAll([
      { key: 'w', spec: WINDOW, cost: 2 },
      { key: 'w', spec: WINDOW, cost: 2 },
    ]);
    assert.equal(thrice.allowed, false);
    assert.equal(state.consume('w', WINDOW, 3).allowed, true);
    await state.close();
  });

  it('counts a fixed window and forgets it after the TTL', async () => {
    const clock = fakeClock();
    const state = createMemoryState({ clock, sweepMs: 0 });
    assert.equal(state.increment('f', 1000), 1);
    assert.equal(state.increment('f', 1000, 2), 3);
    clock.advance(1000);
    assert.equal(state.count('f'), 0);
    assert.equal(state.increment('f', 1000), 1);
    await state.close();
  });

  it('increments only within a maximum and releases without going below zero', async () => {
    const state = createMemoryState({ clock: fakeClock(), sweepMs: 0 });
    assert.deepEqual(state.tryIncrement('s', 1000, 1, 2), { applied: true, value: 1 });
    assert.deepEqual(state.tryIncrement('s', 1000, 1, 2), { applied: true, value: 2 });
    assert.deepEqual(state.tryIncrement('s', 1000, 1, 2), { applied: false, value: 2 });
    state.tryIncrement('s', 1000, -5, 2);
    assert.equal(state.count('s'), 0);
    await state.close();
  });

  it('keeps values with a TTL for lockouts', async () => {
    const clock = fakeClock();
    const state = createMemoryState({ clock, sweepMs: 0 });
    state.set('lock:alice', 'locked', 500);
    assert.equal(state.get('lock:alice'), 'locked');
    clock.advance(500);
    assert.equal(state.get('lock:alice'), undefined);
    await state.close();
  });

  it('stays within its key bound by dropping the oldest key', async () => {
    const state = createMemoryState({ clock: fakeClock(), sweepMs: 0, maxKeys: 2 });
    state.increment('a', 1000);
    state.increment('b', 1000);
    state.increment('c', 1000);
    assert.equal(state.count('a'), 0);
    assert.equal(state.count('c'), 1);
    await state.close();
  });

  it('delivers published messages to subscribers until they unsubscribe', async () => {
    const state = createMemoryState({ sweepMs: 0 });
    const got: string[] = [];
    const off = state.subscribe('revoked', (message) => got.push(message));
    await state.publish('revoked', 'key-1');
    await new Promise((resolve) => setImmediate(resolve));
    off();
    await state.publish('revoked', 'key-2');
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(got, ['key-1']);
    await state.close();
  });
});
