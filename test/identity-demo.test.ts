// The README walkthrough against the embedded demo defaults: the demo API behind the gateway with the
// seeded demo consumers (alice admin, bob user): keys, function-level and object-level rules.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startDemoApi } from '../examples/demo-api/server.ts';
import { demoConfigText } from '../src/config/defaults.ts';
import { DEMO_IDENTITIES, seedDemoIdentities } from '../src/identity/demo.ts';
import { createSqliteStore } from '../src/store/sqlite-store.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const [ALICE, BOB] = [DEMO_IDENTITIES[0].key, DEMO_IDENTITIES[1].key];

describe('the demo walkthrough', () => {
  const store = createSqliteStore(':memory:');
  let demo: Awaited<ReturnType<typeof startDemoApi>>;
  let gateway: TestGateway;

  const call = async (method: string, path: string, key?: string, body?: unknown) => {
    const headers: Record<string, string> = key === undefined ? {} : { 'x-api-key': key };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${gateway.url}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    await response.arrayBuffer();
    return response.status;
  };

  before(async () => {
    demo = await startDemoApi({ host: '127.0.0.1', port: 0 });
    await seedDemoIdentities(store, Date.now());
    gateway = await startTestGateway(demoConfigText(demo.url, { http: 0, admin: 0 }), { store });
  });
  after(async () => {
    await gateway?.close();
    await demo?.close();
    await store.close();
  });

  test('asks for a key, then lets bob read his own profile but not carol’s', async () => {
    assert.equal(await call('GET', '/users/2'), 401);
    assert.equal(await call('GET', '/users/2', BOB), 200);
    assert.equal(await call('GET', '/users/3', BOB), 403);
  });

  test('keeps the user list and the admin area for alice', async () => {
    assert.equal(await call('GET', '/users', BOB), 403);
    assert.equal(await call('GET', '/users', ALICE), 200);
    assert.equal(await call('GET', '/admin/stats', BOB), 403);
    assert.equal(await call('GET', '/admin/stats', ALICE), 200);
    assert.equal(await call('DELETE', '/users/2', BOB), 403);
  });

  test('binds orders to the caller by query and body', async () => {
    assert.equal(await call('GET', '/orders?userId=2', BOB), 200);
    assert.equal(await call('GET', '/orders', BOB), 403);
    assert.equal(await call('GET', '/orders?userId=3', BOB), 403);
    const items = [{ sku: 'BOOK-001', quantity: 1, unitPrice: 12.5 }];
    assert.equal(await call('POST', '/orders', BOB, { userId: 3, items }), 403);
    assert.equal(await call('POST', '/orders', BOB, { items }), 201);
  });

  test('denies an injection even to alice, and lets the same search through clean', async () => {
    assert.equal(await call('GET', `/users?q=${encodeURIComponent("' or 1=1--")}`, ALICE), 403);
    assert.equal(await call('GET', `/users?q=${encodeURIComponent("O'Brien")}`, ALICE), 200);
  });

  test('keeps public paths open', async () => {
    assert.equal(await call('GET', '/health'), 200);
  });
});
