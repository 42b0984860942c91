// Brute-force lockout over real sockets: failures counted per client address and per credential,
// 429 with Retry-After beyond the threshold, a lockout that doubles when repeated, and its expiry.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { issueApiKey } from '../src/identity/api-keys.ts';
import { createSqliteStore } from '../src/store/sqlite-store.ts';
import { fakeClock } from './helpers/context.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { startUpstream, type TestUpstream } from './helpers/upstream.ts';

describe('brute-force lockout over sockets', () => {
  const clock = fakeClock(Date.UTC(2026, 5, 1));
  const store = createSqliteStore(':memory:', clock.now);
  let upstream: TestUpstream;
  let gateway: TestGateway;
  let key = '';

  /** Sends a request; resolves once the gateway ended it (failures are recorded in its log phase). */
  const call = async (apiKey: string | undefined, forwardedFor?: string) => {
    const response = await fetch(`${gateway.url}/api/x`, {
      headers: {
        ...(apiKey === undefined ? {} : { 'x-api-key': apiKey }),
        ...(forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor }),
      },
    });
    await gateway.accessLogOf(response.headers.get('x-request-id') ?? '');
    return response;
  };
  const wrong = (valid: string) => `${valid.slice(0, -3)}zzz`;

  before(async () => {
    upstream = await startUpstream();
    const consumer = await store.createConsumer({ name: 'carol' });
    key = (await issueApiKey(store, consumer, { now: clock.now() })).key;
    gateway = await startTestGateway(
      `
version: 1
server: { http: { host: 127.0.0.1, port: 0 }, trustedProxies: [127.0.0.1/32] }
store: { sqlite: ":memory:" }
upstreams: { app: { url: ${upstream.url} } }
routes:
  - name: api
    match: { path: /api/* }
    upstream: app
    policies:
      brute-force: { maxFailures: 3, window: 1m, lockout: 30s, maxLockout: 2m }
      api-key: {}
`,
      { store, clock },
    );
  });
  after(async () => {
    await gateway?.close();
    await upstream.close();
    await store.close();
  });

  test('locks a client address out after the threshold with 429 and Retry-After, then lets it back', async () => {
    for (let i = 0; i < 3; i++) {
      assert.equal(
        (await call(`rmp_live_${'A'.repeat(12)}${'b'.repeat(42)}${i}`, '198.51.100.1')).status,
        401,
      );
    }
    const locked = await call(key, '198.51.100.1');
    assert.equal(locked.status, 429);
    assert.equal(((await locked.json()) as { code: string }).code, 'RAMPART_AUTHN_LOCKED_OUT');
    assert.equal(locked.headers.get('retry-after'), '30');
    assert.equal((await call(key, '198.51.100.2')).status, 200);
    assert.ok(gateway.events.some((event) => event.rule === 'ip-lockout'));
    clock.advance(30_000);
    assert.equal((await call(key, '198.51.100.1')).status, 200);
  });

  test('locks one credential out across many client addresses (credential stuffing)', async () => {
    for (let i = 0; i < 3; i++) {
      assert.equal((await call(wrong(key), `203.0.113.${i + 10}`)).status, 401);
    }
    const locked = await call(key, '203.0.113.99');
    assert.equal(locked.status, 429);
    assert.equal(gateway.events.at(-1)?.rule, 'credential-locked');
    clock.advance(30_000);
    assert.equal((await call(key, '203.0.113.99')).status, 200);
  });

  test('doubles the lockout when it happens again', async () => {
    for (let i = 0; i < 3; i++) {
      await call(undefined, '192.0.2.50').then(() => call('garbage', '192.0.2.50'));
    }
    assert.equal((await call(key, '192.0.2.50')).status, 429);
    clock.advance(30_000);
    for (let i = 0; i < 3; i++) {
      await call('garbage', '192.0.2.50');
    }
    const again = await call(key, '192.0.2.50');
    assert.equal(again.status, 429);
    assert.equal(again.headers.get('retry-after'), '60');
  });

  test('does not count requests that simply carry no credential', async () => {
    for (let i = 0; i < 5; i++) {
      assert.equal((await call(undefined, '192.0.2.77')).status, 401);
    }
    assert.equal((await call(key, '192.0.2.77')).status, 200);
  });
});
