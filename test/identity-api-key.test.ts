// API keys over real sockets: issue, accept, refuse (missing, wrong, revoked, expired, rotated after
// grace, disabled consumer), identity forwarded and credentials stripped, no secret in any log line.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { issueApiKey, revokeApiKey, rotateApiKey } from '../src/identity/api-keys.ts';
import { encodeRevocation, REVOCATION_CHANNEL } from '../src/identity/revocations.ts';
import { createMemoryState } from '../src/state/memory.ts';
import { createSqliteStore } from '../src/store/sqlite-store.ts';
import type { Consumer } from '../src/store/store.ts';
import { fakeClock } from './helpers/context.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { startUpstream, type TestUpstream } from './helpers/upstream.ts';

const HOUR = 3_600_000;

function config(upstream: string, apiKey: string): string {
  return `
version: 1
server: { http: { host: 127.0.0.1, port: 0 } }
store: { sqlite: ":memory:" }
upstreams: { app: { url: ${upstream} } }
routes:
  - name: api
    match: { path: /api/* }
    upstream: app
    policies:
      api-key: ${apiKey}
  - name: query-allowed
    match: { path: /legacy/* }
    upstream: app
    policies:
      api-key: { queryParameter: api_key, cacheTtl: 1s }
`;
}

describe('api-key over sockets', () => {
  const clock = fakeClock(Date.UTC(2026, 5, 1));
  const store = createSqliteStore(':memory:', clock.now);
  const state = createMemoryState({ clock });
  let upstream: TestUpstream;
  let gateway: TestGateway;
  let alice: Consumer;
  const issued: string[] = [];

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${gateway.url}${path}`, { headers });

  before(async () => {
    upstream = await startUpstream();
    alice = await store.createConsumer({ name: 'alice', roles: ['read', 'write'] });
    gateway = await startTestGateway(config(upstream.url, '{ cacheTtl: 1s }'), { store, clock, state });
  });
  after(async () => {
    await gateway?.close();
    await upstream.close();
    await state.close();
    await store.close();
  });

  const newKey = async (ttlMs?: number) => {
    const { key } = await issueApiKey(store, alice, { now: clock.now(), ttlMs });
    issued.push(key);
    return key;
  };

  test('accepts a valid key, forwards the identity and strips the key and spoofed identity headers', async () => {
    const key = await newKey();
    const response = await get('/api/things', {
      'x-api-key': key,
      'x-consumer-id': 'admin',
      'x-consumer-scopes': 'admin',
    });
    assert.equal(response.status, 200);
    const seen = upstream.received.at(-1)!.headers;
    assert.equal(seen['x-consumer-id'], alice.id);
    assert.equal(seen['x-consumer-name'], 'alice');
    assert.equal(seen['x-consumer-scopes'], 'read write');
    assert.equal(seen['x-authenticated-by'], 'api-key');
    assert.equal(seen['x-api-key'], undefined);
  });

  test('answers 401 with an ApiKey challenge when no key is sent, without reaching the upstream', async () => {
    const before = upstream.received.length;
    const response = await get('/api/things');
    assert.equal(response.status, 401);
    assert.match(response.headers.get('www-authenticate') ?? '', /^ApiKey realm="rampart"/);
    assert.equal(((await response.json()) as { code: string }).code, 'RAMPART_AUTHN_UNAUTHORIZED');
    assert.equal(upstream.received.length, before);
  });

  test('gives the same answer for an unknown key, a wrong secret and garbage (no enumeration)', async () => {
    const key = await newKey();
    const wrongSecret = `${key.slice(0, -4)}AAAA`;
    const unknown = `rmp_live_${'B'.repeat(12)}${key.slice(21)}`;
    const bodies: unknown[] = [];
    for (const candidate of [wrongSecret, unknown, 'not-a-key']) {
      const response = await get('/api/things', { 'x-api-key': candidate });
      assert.equal(response.status, 401);
      const { requestId: _id, ...rest } = (await response.json()) as Record<string, unknown>;
      bodies.push(rest);
    }
    assert.deepEqual(bodies[0], bodies[1]);
    assert.deepEqual(bodies[1], bodies[2]);
    const rules = gateway.events.slice(-3).map((event) => event.rule);
    assert.deepEqual(rules, ['bad-secret', 'unknown-key', 'malformed']);
  });

  test('refuses a revoked key once the cache TTL has passed', async () => {
    const key = await newKey();
    assert.equal((await get('/api/a', { 'x-api-key': key })).status, 200);
    const id = key.slice(9, 21);
    await revokeApiKey(store, id, clock.now());
    clock.advance(1_001);
    assert.equal((await get('/api/a', { 'x-api-key': key })).status, 401);
    assert.equal(gateway.events.at(-1)?.rule, 'revoked');
  });

  test('refuses a revoked key at once when the revocation notice arrives through the state', async () => {
    const key = await newKey();
    assert.equal((await get('/api/a', { 'x-api-key': key })).status, 200);
    const id = key.slice(9, 21);
    await revokeApiKey(store, id, clock.now());
    await state.publish(REVOCATION_CHANNEL, encodeRevocation({ kind: 'key', id }));
    assert.equal((await get('/api/a', { 'x-api-key': key })).status, 401);
  });

  test('refuses an expired key', async () => {
    const key = await newKey(HOUR);
    assert.equal((await get('/api/a', { 'x-api-key': key })).status, 200);
    clock.advance(HOUR);
    assert.equal((await get('/api/a', { 'x-api-key': key })).status, 401);
    assert.equal(gateway.events.at(-1)?.rule, 'expired');
  });

  test('keeps a rotated key valid during the grace period only, and accepts its successor', async () => {
    const old = await newKey();
    const rotated = await rotateApiKey(store, old.slice(9, 21), { now: clock.now(), graceMs: 10 * 60_000 });
    issued.push(rotated.key);
    assert.equal((await get('/api/a', { 'x-api-key': old })).status, 200);
    assert.equal((await get('/api/a', { 'x-api-key': rotated.key })).status, 200);
    clock.advance(10 * 60_000);
    assert.equal((await get('/api/a', { 'x-api-key': old })).status, 401);
    assert.equal(gateway.events.at(-1)?.rule, 'rotated');
    assert.equal((await get('/api/a', { 'x-api-key': rotated.key })).status, 200);
  });

  test('refuses keys of a disabled consumer', async () => {
    const bob = await store.createConsumer({ name: 'bob' });
    const { key } = await issueApiKey(store, bob, { now: clock.now() });
    issued.push(key);
    assert.equal((await get('/api/a', { 'x-api-key': key })).status, 200);
    await store.setConsumerEnabled(bob.id, false);
    clock.advance(1_001);
    assert.equal((await get('/api/a', { 'x-api-key': key })).status, 401);
    assert.equal(gateway.events.at(-1)?.rule, 'consumer-disabled');
  });

  test('reads a key from the query string only on a route that allows it', async () => {
    const key = await newKey();
    assert.equal((await get(`/api/a?api_key=${key}`)).status, 401);
    assert.equal((await get(`/legacy/a?api_key=${key}`)).status, 200);
  });

  test('strips a query-string key from the upstream URL and keeps the other parameters as sent', async () => {
    const key = await newKey();
    assert.equal((await get(`/legacy/b?page=2&api_key=${key}&q=a%20b+c&api%5Fkey=${key}&flag`)).status, 200);
    const seen = upstream.received.at(-1)!;
    assert.equal(seen.url, '/legacy/b?page=2&q=a%20b+c&flag');
    assert.ok(!JSON.stringify(seen).includes(key.slice(21)), 'the upstream saw the key');
    assert.equal(seen.headers['x-consumer-name'] !== undefined, true);
    assert.equal((await get(`/legacy/c?api_key=${key}`)).status, 200);
    assert.equal(upstream.received.at(-1)?.url, '/legacy/c');
  });

  test('names failed keys by prefix in security events and never logs a secret', async () => {
    const key = await newKey();
    const refused = await get('/api/a', { 'x-api-key': `${key.slice(0, -1)}x` });
    const event = gateway.events.at(-1)!;
    assert.equal(event.code, 'RAMPART_AUTHN_UNAUTHORIZED');
    assert.ok(event.reason?.includes(key.slice(0, 21)), event.reason);
    // Everything about the request is logged once its access line is.
    await refused.arrayBuffer();
    await gateway.accessLogOf(refused.headers.get('x-request-id') ?? '');
    const log = gateway.logLines.join('\n');
    for (const secret of issued) assert.ok(!log.includes(secret.slice(21)), 'a key secret reached the log');
  });
});
