// Several authentication methods on one route: optional methods note their challenge, the first that
// identifies the caller wins, a wrong credential is never passed over, and `authorize` answers the
// anonymous caller with every challenge.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { issueApiKey } from '../src/identity/api-keys.ts';
import { createSqliteStore } from '../src/store/sqlite-store.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { startUpstream, type TestUpstream } from './helpers/upstream.ts';

describe('api-key or jwt on one route', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rampart-multi-'));
  const store = createSqliteStore(':memory:');
  let upstream: TestUpstream;
  let gateway: TestGateway;
  let key = '';
  let token = '';

  const call = (headers: Record<string, string>) => fetch(`${gateway.url}/api/x`, { headers });

  before(async () => {
    upstream = await startUpstream();
    const pair = await generateKeyPair('ES256', { extractable: true });
    writeFileSync(join(dir, 'idp.pem'), await exportSPKI(pair.publicKey));
    token = await new SignJWT({ scope: 'read' })
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject('jwt-user')
      .setIssuer('https://idp.example')
      .setAudience('api')
      .setExpirationTime('5m')
      .sign(pair.privateKey);
    const consumer = await store.createConsumer({ name: 'key-user', roles: ['read'] });
    key = (await issueApiKey(store, consumer, { now: Date.now() })).key;
    gateway = await startTestGateway(
      `
version: 1
server: { http: { host: 127.0.0.1, port: 0 } }
store: { sqlite: ":memory:" }
upstreams: { app: { url: ${upstream.url} } }
routes:
  - name: api
    match: { path: /api/* }
    upstream: app
    policies:
      api-key: { optional: true }
      jwt: { optional: true, issuer: https://idp.example, audience: [api], keys: [idp.pem] }
      authorize: { anyOf: [read] }
`,
      { store, baseDir: dir },
    );
  });
  after(async () => {
    await gateway?.close();
    await upstream.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('accepts either credential', async () => {
    assert.equal((await call({ 'x-api-key': key })).status, 200);
    assert.equal(upstream.received.at(-1)?.headers['x-authenticated-by'], 'api-key');
    assert.equal((await call({ authorization: `Bearer ${token}` })).status, 200);
    assert.equal(upstream.received.at(-1)?.headers['x-authenticated-by'], 'jwt');
  });

  test('uses the first method that identifies the caller and strips both credentials', async () => {
    assert.equal((await call({ 'x-api-key': key, authorization: `Bearer ${token}` })).status, 200);
    const seen = upstream.received.at(-1)!.headers;
    assert.equal(seen['x-consumer-name'], 'key-user');
    assert.equal(seen.authorization, undefined);
    assert.equal(seen['x-api-key'], undefined);
  });

  test('refuses a wrong key even when a valid token follows', async () => {
    assert.equal(
      (await call({ 'x-api-key': `${key.slice(0, -2)}zz`, authorization: `Bearer ${token}` })).status,
      401,
    );
  });

  test('answers an anonymous caller 401 offering both schemes', async () => {
    const response = await call({});
    assert.equal(response.status, 401);
    assert.equal(
      response.headers.get('www-authenticate'),
      'ApiKey realm="rampart", header="x-api-key", Bearer realm="rampart"',
    );
  });
});
