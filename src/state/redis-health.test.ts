// A frozen Redis (connection open, no answers): reported down once after consecutive timeouts, fast
// failure during a window, one probe after it, up again when it answers; a clean close reports nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fakeClock } from '../../test/helpers/context.ts';
import { type FrozenRedis, startFrozenRedis } from '../../test/helpers/frozen-redis.ts';
import { BehaviourHealth, createRedisState } from './redis.ts';
import { type StateStore, StateUnavailableError } from './state.ts';

describe('redis health from behaviour', () => {
  let redis: FrozenRedis;
  let state: StateStore;
  const clock = fakeClock();
  const errors: string[] = [];
  const availability: boolean[] = [];

  before(async () => {
    redis = await startFrozenRedis();
    state = createRedisState({
      url: redis.url,
      timeoutMs: 100,
      downAfterTimeouts: 3,
      fastFailMs: 1000,
      clock,
      observer: {
        error: (op, kind) => errors.push(`${op}:${kind}`),
        availability: (up) => availability.push(up),
      },
    });
    // Ready once a command is answered (the connection comes up in the background).
    for (let i = 0; i < 100; i++) {
      try {
        await state.count('k');
        break;
      } catch {
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    assert.deepEqual(availability, [true]);
  });
  after(async () => {
    await state?.close();
    await redis?.close();
  });

  it('marks a frozen Redis down once after three timeouts, then fails fast without sending', async () => {
    redis.freeze();
    errors.length = 0;
    for (let i = 0; i < 3; i++)
      await assert.rejects(Promise.resolve(state.count('k')), StateUnavailableError);
    assert.deepEqual(errors, ['count:timeout', 'count:timeout', 'count:timeout']);
    assert.deepEqual(availability, [true, false]);
    const sent = redis.commands;
    for (let i = 0; i < 20; i++)
      await assert.rejects(Promise.resolve(state.count('k')), StateUnavailableError);
    assert.equal(redis.commands, sent, 'nothing is sent during the fast-fail window');
    assert.equal(errors.at(-1), 'count:unavailable');
    assert.deepEqual(availability, [true, false], 'reported once');
  });

  it('lets one probe through after the window and reports recovery when it is answered', async () => {
    clock.advance(1001);
    redis.thaw();
    await state.count('k');
    assert.deepEqual(availability, [true, false, true]);
  });

  it('logs nothing when it is closed on purpose', async () => {
    await state.close();
    assert.deepEqual(availability, [true, false, true]);
  });
});

describe('BehaviourHealth', () => {
  it('opens a new window when the probe times out and admits one probe at a time', () => {
    const clock = fakeClock();
    const reports: boolean[] = [];
    const health = new BehaviourHealth(clock, 2, 500, (up) => reports.push(up));
    health.failed(true);
    health.failed(false);
    assert.deepEqual(reports, [], 'an error that is not a timeout does not count');
    assert.equal(health.admit(), true);
    health.failed(true);
    assert.deepEqual(reports, [false]);
    assert.equal(health.admit(), false);
    clock.advance(500);
    assert.equal(health.admit(), true);
    assert.equal(health.admit(), false, 'one probe at a time');
    health.failed(true);
    assert.equal(health.admit(), false);
    clock.advance(500);
    assert.equal(health.admit(), true);
    health.succeeded();
    assert.deepEqual(reports, [false, true]);
    assert.equal(health.admit(), true);
  });
});
