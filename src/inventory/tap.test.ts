// The tap: a bounded ring that samples as it fills and drops when full, counting both; learning
// happens after `offer` returns, never inside it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Exchange } from './exchange.ts';
import { createTrafficTap } from './tap.ts';

const exchange = (path: string): Exchange => ({
  time: 0,
  method: 'GET',
  path,
  rawQuery: '',
  status: 200,
  durationMs: 1,
});

describe('createTrafficTap', () => {
  it('learns after offer returns, in order', async () => {
    const seen: string[] = [];
    const tap = createTrafficTap({ learn: (x) => seen.push(x.path) });
    tap.push(exchange('/a'));
    tap.push(exchange('/b'));
    assert.deepEqual(seen, [], 'nothing is learned on the caller’s turn');
    await tap.drained();
    assert.deepEqual(seen, ['/a', '/b']);
    assert.equal(tap.counts.learned, 2);
    tap.close();
  });

  it('samples past half full, weights what it keeps, and drops when full', async () => {
    const weights: number[] = [];
    const tap = createTrafficTap({ capacity: 16, learn: (x) => weights.push(x.weight ?? 1) });
    for (let i = 0; i < 100; i++) tap.push(exchange(`/p${i}`));
    assert.equal(tap.waiting, 16);
    const { offered, sampledOut, dropped } = tap.counts;
    assert.equal(offered, 100);
    assert.ok(sampledOut > 0 && dropped > 0);
    assert.equal(offered, sampledOut + dropped + 16);
    await tap.drained();
    assert.equal(weights.length, 16);
    // The first half is kept whole; then 1 in 2, 4, 8, each standing for as many.
    assert.deepEqual(weights.slice(0, 8), [1, 1, 1, 1, 1, 1, 1, 1]);
    assert.ok(weights.slice(8).every((w) => w > 1));
    tap.close();
  });

  it('counts a learner that throws and keeps going', async () => {
    let errors = 0;
    const tap = createTrafficTap({
      learn: (x) => {
        if (x.path === '/bad') throw new Error('boom');
      },
      onError: () => errors++,
    });
    tap.push(exchange('/bad'));
    tap.push(exchange('/good'));
    await tap.drained();
    assert.equal(tap.counts.failed, 1);
    assert.equal(tap.counts.learned, 1);
    assert.equal(errors, 1);
    tap.close();
  });

  it('learns what waits when it closes, and refuses after', () => {
    const seen: string[] = [];
    const tap = createTrafficTap({ learn: (x) => seen.push(x.path) });
    tap.push(exchange('/last'));
    tap.close();
    assert.deepEqual(seen, ['/last']);
    tap.push(exchange('/late'));
    assert.equal(tap.counts.dropped, 1);
  });

  it('drained waits for what was queued before it, not for traffic that keeps coming', async () => {
    let learned = 0;
    const tap = createTrafficTap({ slice: 4, learn: () => learned++ });
    for (let i = 0; i < 10; i++) tap.push(exchange(`/a${i}`));
    const drained = tap.drained();
    // Traffic that never stops: every slice, more arrives.
    const keepComing = setInterval(() => {
      for (let i = 0; i < 8; i++) tap.push(exchange('/more'));
    }, 0);
    await drained;
    clearInterval(keepComing);
    assert.ok(learned >= 10);
    tap.close();
  });
});
