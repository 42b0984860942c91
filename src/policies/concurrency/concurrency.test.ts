import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { configFor, contextFor, depsFor, fakeClock, logContextFor } from '../../../test/helpers/context.ts';
import type { LogContext, PolicyContext, PolicyHandlers, Verdict } from '../policy.ts';
import { concurrency } from './index.ts';

function logOf(ctx: PolicyContext): LogContext {
  return Object.assign(ctx, { status: 200, errorCode: undefined, durationMs: 1 }) as LogContext;
}

/** One request through the policy, with its own per-request state as the pipeline gives it. */
function request(handlers: PolicyHandlers, ctx: PolicyContext = contextFor()) {
  const state = handlers.requestState!();
  return {
    verdict: (): Verdict | Promise<Verdict> => handlers.onRequest!(ctx, state),
    log: () => handlers.onLog!(logOf(ctx), state),
  };
}

const kindOf = async (verdict: Verdict | Promise<Verdict>): Promise<string> => (await verdict).kind;

describe('concurrency', () => {
  test('admits max requests in flight, answers 503 to the next, and frees a slot when one is logged', async () => {
    const handlers: PolicyHandlers = concurrency.create(configFor(concurrency, { max: 2 }), depsFor());
    const first = request(handlers);
    assert.equal(await kindOf(first.verdict()), 'continue');
    assert.equal(await kindOf(request(handlers).verdict()), 'continue');
    const third = await request(handlers).verdict();
    assert.equal(third.kind === 'deny' && third.code, 'RAMPART_TRAFFIC_CONCURRENCY_LIMITED');
    first.log();
    assert.equal(await kindOf(request(handlers).verdict()), 'continue');
    await handlers.close?.();
  });

  test('does not free a slot for a request it never admitted, nor twice for one it did', async () => {
    const handlers = concurrency.create(configFor(concurrency, { max: 1 }), depsFor());
    const admitted = request(handlers);
    assert.equal(await kindOf(admitted.verdict()), 'continue');
    const refused = request(handlers);
    assert.equal(await kindOf(refused.verdict()), 'deny');
    refused.log();
    handlers.onLog?.(logContextFor(), handlers.requestState!());
    assert.equal(await kindOf(request(handlers).verdict()), 'deny');
    admitted.log();
    admitted.log();
    const next = request(handlers);
    assert.equal(await kindOf(next.verdict()), 'continue');
    assert.equal(await kindOf(request(handlers).verdict()), 'deny');
    await handlers.close?.();
  });

  test('counts per consumer when keyed by consumer', async () => {
    const handlers = concurrency.create(configFor(concurrency, { max: 1, key: ['consumer'] }), depsFor());
    const as = (consumerId: string) =>
      request(handlers, contextFor({ identity: { consumerId, scopes: [], method: 'api-key' } }));
    assert.equal(await kindOf(as('a').verdict()), 'continue');
    assert.equal(await kindOf(as('b').verdict()), 'continue');
    assert.equal(await kindOf(as('a').verdict()), 'deny');
    await handlers.close?.();
  });

  test('queues a request until a slot frees within the queue timeout', async () => {
    const clock = fakeClock();
    const handlers = concurrency.create(
      configFor(concurrency, { max: 1, queue: { size: 1, timeout: '2s' } }),
      depsFor({ clock }),
    );
    const first = request(handlers);
    assert.equal(await kindOf(first.verdict()), 'continue');
    const waiting = request(handlers).verdict();
    // The queue holds one: a third request is refused at once.
    assert.equal(await kindOf(request(handlers).verdict()), 'deny');
    await clock.whenSleeping();
    first.log();
    // The waiting request polls on the clock: the next poll finds the freed slot.
    clock.advance(10);
    assert.equal(await kindOf(waiting), 'continue');
    await handlers.close?.();
  });

  test('refuses a queued request when no slot frees before the queue timeout', async () => {
    const clock = fakeClock();
    const handlers = concurrency.create(
      configFor(concurrency, { max: 1, queue: { size: 1, timeout: '100ms' } }),
      depsFor({ clock }),
    );
    assert.equal(await kindOf(request(handlers).verdict()), 'continue');
    let polls = 0;
    const waiting = request(handlers).verdict();
    let verdict: Verdict | undefined;
    void (waiting as Promise<Verdict>).then((v) => {
      verdict = v;
    });
    while (verdict === undefined) {
      await Promise.race([clock.whenSleeping(), waiting]);
      if (verdict !== undefined || clock.sleeping === 0) break;
      polls++;
      clock.advance(10);
    }
    const final = await waiting;
    assert.equal(final.kind === 'deny' && final.code, 'RAMPART_TRAFFIC_CONCURRENCY_LIMITED');
    assert.equal(polls, 10, 'one poll every 10 ms of clock time until the 100 ms timeout');
    await handlers.close?.();
  });
});
