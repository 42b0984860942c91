// JWT revocation over real sockets, across instances: two gateways share the store and the state
// (as with Redis), a third shares only the store. A revocation by jti or by subject made through the
// admin API is refused at once where the state is shared (cached verifications included), and within
// `revocationRefresh` elsewhere; the CLI writes to the store only.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { consumerRoutes } from '../src/admin/consumers.ts';
import { type AdminServer, startAdminServer } from '../src/admin/server.ts';
import { createLogger } from '../src/observe/logger.ts';
import { createMetrics } from '../src/observe/metrics.ts';
import { createMemoryState } from '../src/state/memory.ts';
import { openStore } from '../src/store/open-store.ts';
import type { IdentityStore } from '../src/store/store.ts';
import { runCliInProcess } from './helpers/cli.ts';
import { fakeClock } from './helpers/context.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { startUpstream, type TestUpstream } from './helpers/upstream.ts';

const ISSUER = 'https://idp.example.test/';

describe('jwt revocation across instances', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rampart-jwtrev-'));
  const db = join(dir, 'rampart.db');
  const clock = fakeClock(Date.UTC(2026, 5, 1));
  const shared = createMemoryState({ clock });
  const alone = createMemoryState({ clock });
  const stores: IdentityStore[] = [];
  let upstream: TestUpstream;
  let a: TestGateway;
  let b: TestGateway;
  let c: TestGateway;
  let admin: AdminServer;
  let privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  let serial = 0;

  const token = (sub: string, jti = `t-${++serial}`) =>
    new SignJWT({ scope: 'orders:read' })
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject(sub)
      .setJti(jti)
      .setIssuer(ISSUER)
      .setAudience('demo-api')
      .setIssuedAt(Math.floor(clock.now() / 1000))
      .setExpirationTime(Math.floor(clock.now() / 1000) + 3600)
      .sign(privateKey);
  const status = async (gateway: TestGateway, jwt: string) => {
    const response = await fetch(`${gateway.url}/api/orders`, {
      headers: { authorization: `Bearer ${jwt}` },
    });
    await response.arrayBuffer();
    return response.status;
  };
  const revoke = async (body: object) => {
    const response = await fetch(`${admin.url}/tokens/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    await response.arrayBuffer();
    return response.status;
  };
  /** Asks until the gateway refuses (bounded: the refresh interval is 100 ms here). */
  const eventuallyRefused = async (gateway: TestGateway, jwt: string) => {
    for (let i = 0; i < 50; i++) {
      if ((await status(gateway, jwt)) === 401) return true;
      await sleep(100);
    }
    return false;
  };

  before(async () => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    privateKey = pair.privateKey;
    writeFileSync(join(dir, 'idp.pem'), await exportSPKI(pair.publicKey));
    upstream = await startUpstream();
    const yaml = `
version: 1
server: { http: { host: 127.0.0.1, port: 0 } }
upstreams: { app: { url: ${upstream.url} } }
routes:
  - name: api
    match: { path: /api/* }
    upstream: app
    policies:
      jwt: { issuer: "${ISSUER}", audience: [demo-api], keys: [idp.pem], revocationRefresh: 100ms }
`;
    const open = () => {
      const store = openStore(db);
      stores.push(store);
      return store;
    };
    a = await startTestGateway(yaml, { store: open(), state: shared, clock, baseDir: dir });
    b = await startTestGateway(yaml, { store: open(), state: shared, clock, baseDir: dir });
    c = await startTestGateway(yaml, { store: open(), state: alone, clock, baseDir: dir });
    admin = await startAdminServer({
      port: 0,
      metrics: createMetrics({ defaultMetrics: false }),
      isReady: () => true,
      logger: createLogger({
        level: 'silent',
        destination: new Writable({ write: (_c, _e, done) => done() }),
      }),
      routes: consumerRoutes({ store: stores[0]!, state: shared, clock: () => clock.now() }),
    });
  });
  after(async () => {
    await admin?.close();
    for (const gateway of [a, b, c]) await gateway?.close();
    await upstream?.close();
    for (const store of stores) await store.close();
    await shared.close();
    await alone.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('refuses a token revoked by jti on every instance, cached verifications included', async () => {
    const jwt = await token('user-1', 'jti-revoke-me');
    const other = await token('user-1');
    for (const gateway of [a, b, c]) assert.equal(await status(gateway, jwt), 200);
    assert.equal(await revoke({ jti: 'jti-revoke-me' }), 200);
    // Shared state: the notice reached a and b before the answer; their cached verification is not served.
    assert.equal(await status(a, jwt), 401);
    assert.equal(a.events.at(-1)?.rule, 'revoked');
    assert.equal(await status(b, jwt), 401);
    // c shares only the store: it rereads revocations every revocationRefresh.
    assert.ok(await eventuallyRefused(c, jwt));
    assert.equal(c.events.at(-1)?.rule, 'revoked');
    assert.equal(await status(a, other), 200);
  });

  test('refuses the tokens of a subject issued before the revocation and accepts newer ones', async () => {
    const old = await token('user-2');
    assert.equal(await status(a, old), 200);
    assert.equal(await revoke({ subject: 'user-2' }), 200);
    assert.equal(await status(a, old), 401);
    assert.equal(await status(b, await token('user-2')), 401);
    clock.advance(2_000);
    const fresh = await token('user-2');
    assert.equal(await status(a, fresh), 200);
    assert.equal(await status(b, fresh), 200);
  });

  test('applies a CLI revocation from the store on every instance', async () => {
    const jwt = await token('user-3');
    for (const gateway of [a, b, c]) assert.equal(await status(gateway, jwt), 200);
    const before = new Date(clock.now() + 1_000).toISOString();
    const result = await runCliInProcess([
      'tokens',
      'revoke',
      '--subject',
      'user-3',
      '--before',
      before,
      '--db',
      db,
    ]);
    assert.equal(result.code, 0, result.stderr);
    for (const gateway of [a, b, c]) assert.ok(await eventuallyRefused(gateway, jwt));
    const listed = await runCliInProcess(['tokens', 'list', '--json', '--db', db]);
    assert.ok((JSON.parse(listed.stdout) as Array<{ value: string }>).some((r) => r.value === 'user-3'));
  });

  test('answers 400 to a revocation that names neither or both of jti and subject', async () => {
    assert.equal(await revoke({}), 400);
    assert.equal(await revoke({ jti: 'x', subject: 'y' }), 400);
    assert.equal(await revoke({ subject: 'y', before: 'yesterday' }), 400);
  });
});
