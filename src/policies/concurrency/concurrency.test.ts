import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { configFor, contextFor, depsFor, logContextFor } from '../../../test/helpers/context.ts';
import type { LogContext, PolicyContext, PolicyHandlers } from '../policy.ts';
import { concurrency } from './index.ts';

function logOf(ctx: PolicyContext): LogContext {
  return Object.assign(ctx, { status: 200, errorCode: undefined, durationMs: 1 }) as LogContext;
}

describe('concurrency', () => {
  test('admits max requests in flight, answers 503 to the next, and frees a slot when one is logged', async () => {
    const handlers: PolicyHandlers = concurrency.create(configFor(concurrency, { max: 2 }), depsFor());
    const first = contextFor();
    const second = contextFor();
    assert.equal((await handlers.onRequest?.(first))?.kind, 'continue');
    assert.equal((await handlers.onRequest?.(second))?.kind, 'continue');
    const third = await handlers.onRequest?.(contextFor());
    assert.equal(third?.kind === 'deny' && third.code, 'RAMPART_TRAFFIC_CONCURRENCY_LIMITED');
    handlers.onLog?.(logOf(first));
    assert.equal((await handlers.onRequest?.(contextFor()))?.kind, 'continue');
    await handlers.close?.();
  });

  test('does not free a slot for a request it never admitted', async () => {
    const handlers = concurrency.create(configFor(concurrency, { max: 1 }), depsFor());
    assert.equal((await handlers.onRequest?.(contextFor()))?.kind, 'continue');
    const refused = contextFor();
    assert.equal((await handlers.onRequest?.(refused))?.kind, 'deny');
    handlers.onLog?.(logOf(refused));
    handlers.onLog?.(logContextFor());
    assert.equal((await handlers.onRequest?.(contextFor()))?.kind, 'deny');
    await handlers.close?.();
  });

  test('counts per consumer when keyed by consumer', async () => {
    const handlers = concurrency.create(configFor(concurrency, { max: 1, key: ['consumer'] }), depsFor());
    const as = (consumerId: string) =>
      contextFor({ identity: { consumerId, scopes: [], method: 'api-key' } });
    assert.equal((await handlers.onRequest?.(as('a')))?.kind, 'continue');
    assert.equal((await handlers.onRequest?.(as('b')))?.kind, 'continue');
    assert.equal((await handlers.onRequest?.(as('a')))?.kind, 'deny');
    await handlers.close?.();
  });

  test('queues a request until a slot frees within the queue timeout', async () => {
    const handlers = concurrency.create(
      configFor(concurrency, { max: 1, queue: { size: 1, timeout: '2s' } }),
      depsFor({ clock: { now: () => Date.now() } }),
    );
    const first = contextFor();
    assert.equal((await handlers.onRequest?.(first))?.kind, 'continue');
    const waiting = handlers.onRequest?.(contextFor());
    // The queue holds one: a third request is refused at once.
    assert.equal((await handlers.onRequest?.(contextFor()))?.kind, 'deny');
    handlers.onLog?.(logOf(first));
    assert.equal((await waiting)?.kind, 'continue');
    await handlers.close?.();
  });
});
