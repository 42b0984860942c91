// The admin routes policy definitions contribute, mounted on a real admin listener: quota's usage view
// answers from whatever instances the caller lists at the time of the call.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { configFor, contextFor, depsFor, fakeClock } from '../../test/helpers/context.ts';
import { createLogger } from '../observe/logger.ts';
import { createMetrics } from '../observe/metrics.ts';
import type { PolicyHandlers } from '../policies/policy.ts';
import { quota } from '../policies/quota/index.ts';
import { POLICY_DEFINITIONS } from '../policies/registry.ts';
import { createMemoryState } from '../state/memory.ts';
import { policyAdminRoutes } from './policy-routes.ts';
import { type AdminServer, startAdminServer } from './server.ts';

const TOKEN = 'admin-token-456';
const logger = createLogger({
  level: 'silent',
  destination: new Writable({ write: (_chunk, _encoding, done) => done() }),
});

describe('policy admin routes', () => {
  const clock = fakeClock(Date.UTC(2026, 10, 22, 12));
  const state = createMemoryState({ clock, sweepMs: 0 });
  const deps = depsFor({ clock, state });
  const daily = quota.create(configFor(quota, { daily: 5 }), deps);
  const monthly = quota.create(configFor(quota, { monthly: 100 }), deps);
  let live: PolicyHandlers[] = [daily];
  let server: AdminServer;

  before(async () => {
    const alice = contextFor({ identity: { consumerId: 'alice', scopes: [], method: 'api-key' } });
    assert.equal((await daily.onRequest!(alice)).kind, 'continue');
    server = await startAdminServer({
      port: 0,
      metrics: createMetrics({ defaultMetrics: false }),
      isReady: () => true,
      token: TOKEN,
      logger,
      routes: policyAdminRoutes(POLICY_DEFINITIONS, (name) => (name === 'quota' ? live : [])),
    });
  });
  after(async () => {
    await server.close();
    await daily.close?.();
    await monthly.close?.();
    await state.close();
  });

  const usage = async (consumer: string) => {
    const response = await fetch(`${server.url}/quotas/${consumer}`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  };

  test('mounts the quota definition route and answers from the live instances', async () => {
    const answer = await usage('alice');
    assert.equal(answer.status, 200);
    const quotas = answer.json.quotas as Array<Record<string, { used: number; remaining: number }>>;
    assert.equal(quotas.length, 1);
    assert.equal(quotas[0]!.daily?.used, 1);
    assert.equal(quotas[0]!.daily?.remaining, 4);
  });

  test('reads the instances on every call, so a reload shows the new version', async () => {
    live = [daily, monthly];
    const answer = await usage('alice');
    const quotas = answer.json.quotas as Array<Record<string, { limit: number }>>;
    assert.deepEqual(
      quotas.map((entry) => Object.keys(entry)),
      [['daily'], ['monthly']],
    );
    live = [];
    assert.deepEqual((await usage('alice')).json.quotas, []);
  });

  test('refuses the route without the admin token', async () => {
    const response = await fetch(`${server.url}/quotas/alice`);
    assert.equal(response.status, 401);
  });
});
