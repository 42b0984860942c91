import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { configFor, contextFor, depsFor, fakeClock } from '../../../test/helpers/context.ts';
import { createMemoryState } from '../../state/memory.ts';
import type { Identity, PolicyHandlers, Verdict } from '../policy.ts';
import { quota } from './index.ts';

const alice: Identity = { consumerId: 'alice', scopes: [], method: 'api-key' };

async function run(handlers: PolicyHandlers, identity: Identity | undefined = alice): Promise<Verdict> {
  const verdict = await handlers.onRequest?.(contextFor(identity === undefined ? {} : { identity }));
  assert.ok(verdict !== undefined);
  return verdict;
}

describe('quota', () => {
  test('admits the daily allowance, refuses with Retry-After until midnight, and resets then', async () => {
    const clock = fakeClock(Date.UTC(2026, 10, 22, 23, 0));
    const handlers = quota.create(
      configFor(quota, { daily: 2 }),
      depsFor({ clock, state: createMemoryState({ clock, sweepMs: 0 }) }),
    );
    assert.equal((await run(handlers)).kind, 'continue');
    assert.equal((await run(handlers)).kind, 'continue');
    const refused = await run(handlers);
    assert.equal(refused.kind === 'deny' && refused.code, 'RAMPART_TRAFFIC_QUOTA_EXCEEDED');
    assert.equal(refused.kind === 'deny' && refused.headers?.['retry-after'], '3600');
    clock.advance(3_600_000);
    assert.equal((await run(handlers)).kind, 'continue');
    await handlers.close?.();
  });

  test('a refused monthly quota does not use up the daily one, and per-consumer allowances win', async () => {
    const clock = fakeClock(Date.UTC(2026, 10, 22, 12));
    const handlers = quota.create(
      configFor(quota, { daily: 10, monthly: 1, consumers: { bob: { monthly: 5 } } }),
      depsFor({ clock, state: createMemoryState({ clock, sweepMs: 0 }) }),
    );
    assert.equal((await run(handlers)).kind, 'continue');
    const refused = await run(handlers);
    assert.equal(refused.kind === 'deny' && refused.rule, 'monthly');
    const [route] = quota.adminRoutes!(() => [handlers]);
    const usage = await route!.handle({
      method: 'GET',
      path: '/quotas/alice',
      query: new URLSearchParams(),
      params: { consumer: 'alice' },
    });
    const json = (usage as { json: { quotas: Array<Record<string, { used: number; remaining: number }>> } })
      .json;
    assert.equal(json.quotas.length, 1, 'one entry per instance passed in');
    const mine = json.quotas[0]!;
    assert.equal(mine.daily?.used, 1);
    assert.equal(mine.monthly?.remaining, 0);
    const bob = { consumerId: 'bob', scopes: [], method: 'jwt' };
    assert.equal((await run(handlers, bob)).kind, 'continue');
    assert.equal((await run(handlers, bob)).kind, 'continue');
    await handlers.close?.();
  });

  test('fails closed when configured and the state is unreachable', async () => {
    const state = createMemoryState({ sweepMs: 0 });
    Object.assign(state, { tryIncrement: () => Promise.reject(new Error('down')) });
    const handlers = quota.create(configFor(quota, { daily: 1, onStateError: 'closed' }), depsFor({ state }));
    const verdict = await run(handlers);
    assert.equal(verdict.kind === 'deny' && verdict.code, 'RAMPART_TRAFFIC_STATE_UNAVAILABLE');
    await handlers.close?.();
  });

  test('refuses a config without any allowance or with an unknown time zone', () => {
    assert.throws(() => quota.create(configFor(quota, {}), depsFor()));
    assert.throws(() => quota.create(configFor(quota, { daily: 1, timeZone: 'Nowhere/City' }), depsFor()));
  });
});
