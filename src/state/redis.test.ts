// Against a real redis-server: the Redis backend decides like the memory one and fails fast when down.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fakeClock } from '../../test/helpers/context.ts';
import { startRedis, type TestRedis } from '../../test/helpers/redis.ts';
import { createRedisState } from './redis.ts';
import { type StateStore, StateUnavailableError } from './state.ts';

const WINDOW = { algorithm: 'sliding-window', limit: 3, windowMs: 1000 } as const;
const BUCKET = { algorithm: 'token-bucket', limit: 2, windowMs: 1000, burst: 4 } as const;

describe('redis state', () => {
  let redis: TestRedis;
  const clock = fakeClock(Date.UTC(2026, 0, 1));
  const errors: string[] = [];
  const availability: boolean[] = [];
  const availabilityWaiters: Array<{ up: boolean; resolve: () => void }> = [];
  /** Resolves once the store reported `up` as its availability (at once if that was its last report). */
  const reported = (up: boolean) =>
    new Promise<void>((resolve) => {
      if (availability.at(-1) === up) resolve();
      else availabilityWaiters.push({ up, resolve });
    });
  let state: StateStore;

  before(async () => {
    redis = await startRedis();
    state = createRedisState({
      url: redis.url,
      keyPrefix: 'test:',
      timeoutMs: 200,
      clock,
      observer: {
        error: (op, kind) => errors.push(`${op}:${kind}`),
        availability: (up) => {
          availability.push(up);
          for (const waiter of availabilityWaiters.splice(0)) {
            if (waiter.up === up) waiter.resolve();
            else availabilityWaiters.push(waiter);
          }
        },
      },
    });
    await reported(true);
  });
  after(async () => {
    await state.close();
    await redis.stop();
  });

  it('admits exactly the limit of a sliding window and resets with the clock', async () => {
    const results = await Promise.all([1, 2, 3, 4, 5].map(() => state.consume('w', WINDOW)));
    assert.equal(results.filter((r) => r.allowed).length, 3);
    clock.advance(2000);
    assert.equal((await state.consume('w', WINDOW)).allowed, true);
  });

  it('agrees with the memory algorithm on token bucket bursts and refill', async () => {
    const burst = [];
    for (let i = 0; i < 5; i++) burst.push((await state.consume('b', BUCKET)).allowed);
    assert.deepEqual(burst, [true, true, true, true, false]);
    const refused = await state.consume('b', BUCKET);
    assert.equal(refused.retryAfterMs, 500);
    clock.advance(500);
    assert.equal((await state.consume('b', BUCKET)).allowed, true);
  });

  it('takes from every rule or from none atomically: refusals by 3/s never eat into 5/min', async () => {
    const items = [
      { key: 'all-sec', spec: { algorithm: 'sliding-window', limit: 3, windowMs: 1000 } },
      { key: 'all-min', spec: { algorithm: 'sliding-window', limit: 5, windowMs: 60_000 } },
    ] as const;
    const flood = await Promise.all(Array.from({ length: 10 }, () => state.consumeAll(items)));
    assert.equal(flood.filter((r) => r.allowed).length, 3);
    const refused = flood.find((r) => !r.allowed)!;
    assert.deepEqual(
      refused.results.map((r) => r.allowed),
      [false, true],
    );
    assert.equal(refused.results[1]!.remaining, 2);
    clock.advance(2000);
    const later = [];
    for (let i = 0; i < 3; i++) later.push(await state.consumeAll(items));
    assert.deepEqual(
      later.map((r) => r.allowed),
      [true, true, false],
    );
    // Same keys and prefix as consume: the minute counter seen by consume is full too.
    assert.equal((await state.consume('all-min', items[1].spec)).allowed, false);
    assert.equal((await state.consume('all-sec', items[0].spec)).remaining, 0);
  });

  it('agrees with the memory store on token buckets inside consumeAll', async () => {
    const items = [
      { key: 'all-b', spec: BUCKET, cost: 3 },
      { key: 'all-w', spec: WINDOW },
    ];
    assert.equal((await state.consumeAll(items)).allowed, true);
    const refused = await state.consumeAll(items);
    assert.equal(refused.allowed, false);
    assert.deepEqual(
      refused.results.map((r) => [r.allowed, r.remaining, r.retryAfterMs]),
      [
        [false, 1, 1000],
        [true, 2, 0],
      ],
    );
  });

  it('increments counters, bounds them and keeps TTL values', async () => {
    assert.equal(await state.increment('f', 10_000), 1);
    assert.equal(await state.increment('f', 10_000, 4), 5);
    assert.deepEqual(await state.tryIncrement('s', 10_000, 1, 1), { applied: true, value: 1 });
    assert.deepEqual(await state.tryIncrement('s', 10_000, 1, 1), { applied: false, value: 1 });
    await state.tryIncrement('s', 10_000, -3, 1);
    assert.equal(await state.count('s'), 0);
    await state.set('lock:x', 'yes', 10_000);
    assert.equal(await state.get('lock:x'), 'yes');
    await state.delete('lock:x');
    assert.equal(await state.get('lock:x'), undefined);
  });

  it('delivers notices to subscribers of another connection', async () => {
    const other = createRedisState({ url: redis.url, keyPrefix: 'test:' });
    const got = new Promise<string>((resolve) => {
      other.subscribe('revocations', (message) => resolve(message));
    });
    // The subscription is asynchronous: publish until it is seen (bounded by the test timeout).
    let seen = false;
    void got.then(() => {
      seen = true;
    });
    for (let i = 0; i < 100 && !seen; i++) {
      await state.publish('revocations', 'key-7');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal(await got, 'key-7');
    await other.close();
  });

  it('rejects fast with StateUnavailableError while Redis is down and recovers when it returns', async () => {
    await redis.kill();
    await assert.rejects(Promise.resolve(state.consume('down', WINDOW)), StateUnavailableError);
    assert.ok(errors.some((e) => e.startsWith('consume:')));
    // The connection's close event may land just after the first failed command.
    await reported(false);
    await redis.restart();
    await reported(true);
    assert.equal((await state.consume('down', WINDOW)).allowed, true);
    assert.equal(availability.at(-1), true);
  });
});

describe('redis state readiness', () => {
  it('tells when the server answers, and gives up after the wait when nothing listens', async () => {
    const redis = await startRedis();
    const up = createRedisState({ url: redis.url, keyPrefix: 'ready:' });
    try {
      assert.equal(await up.whenReady?.(5_000), true);
      assert.equal(await up.whenReady?.(1), true);
    } finally {
      await up.close();
    }
    await redis.stop();
    const down = createRedisState({ url: redis.url, keyPrefix: 'ready:' });
    try {
      assert.equal(await down.whenReady?.(50), false);
    } finally {
      await down.close();
    }
  });
});
