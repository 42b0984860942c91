// Signing keys per consumer in the store (hmac-signature, RFC 9421) over real sockets: keys made with
// `rampart keys create --type hmac|ed25519` verify; an admin-API revocation is refused at once (state
// pub/sub), a CLI revocation within the key cache TTL; config keys keep working beside store keys.
import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
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

const CONFIG_SECRET = 'c'.repeat(40);
const ed = generateKeyPairSync('ed25519');

describe('signing keys per consumer in the store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rampart-sigkeys-'));
  const db = join(dir, 'rampart.db');
  const clock = fakeClock(Date.UTC(2026, 5, 1));
  const state = createMemoryState({ clock });
  let store: IdentityStore;
  let upstream: TestUpstream;
  let gateway: TestGateway;
  let admin: AdminServer;
  let hmacKey = { keyid: '', secret: '' };
  let edKeyid = '';

  /** Signs GET `path` (RFC 9421 §2.5, written independently of the policy). */
  const signedHeaders = (path: string, keyid: string, key: { secret?: string; ed?: boolean }) => {
    const created = Math.floor(clock.now() / 1000);
    const [p, q = ''] = path.split('?');
    const params = `("@method" "@path" "@query");created=${created};keyid="${keyid}"`;
    const base = `"@method": GET\n"@path": ${p}\n"@query": ?${q}\n"@signature-params": ${params}`;
    const signature = key.ed
      ? sign(null, Buffer.from(base), ed.privateKey)
      : createHmac('sha256', key.secret!).update(base).digest();
    return { 'signature-input': `sig1=${params}`, signature: `sig1=:${signature.toString('base64')}:` };
  };
  const send = async (path: string, keyid: string, key: { secret?: string; ed?: boolean }) => {
    const response = await fetch(`${gateway.url}${path}`, { headers: signedHeaders(path, keyid, key) });
    await response.arrayBuffer();
    return response.status;
  };
  const cli = async (...args: string[]) => {
    const result = await runCliInProcess([...args, '--db', db]);
    assert.equal(result.code, 0, result.stderr);
    return result.stdout;
  };

  before(async () => {
    writeFileSync(join(dir, 'partner.pem'), ed.publicKey.export({ type: 'spki', format: 'pem' }));
    await cli('consumers', 'add', 'partner-a', '--roles', 'partner');
    await cli('consumers', 'add', 'partner-b');
    const [keyid, secret] = (await cli('keys', 'create', '--consumer', 'partner-a', '--type', 'hmac'))
      .trim()
      .split('\n');
    hmacKey = { keyid: keyid!, secret: secret! };
    edKeyid = (
      await cli(
        'keys',
        'create',
        '--consumer',
        'partner-b',
        '--type',
        'ed25519',
        '--public-key',
        join(dir, 'partner.pem'),
      )
    ).trim();
    process.env.RAMPART_TEST_SIGKEY_SECRET = CONFIG_SECRET;
    store = openStore(db);
    upstream = await startUpstream();
    gateway = await startTestGateway(
      `
version: 1
server: { http: { host: 127.0.0.1, port: 0 } }
upstreams: { app: { url: ${upstream.url} } }
routes:
  - name: partner
    match: { path: /partner/* }
    upstream: app
    policies:
      hmac-signature:
        keys:
          - { id: legacy, consumer: legacy-partner, algorithm: hmac-sha256, secret: "env:RAMPART_TEST_SIGKEY_SECRET" }
`,
      { store, clock, state },
    );
    const logger = createLogger({
      level: 'silent',
      destination: new Writable({ write: (_chunk, _encoding, done) => done() }),
    });
    admin = await startAdminServer({
      port: 0,
      metrics: createMetrics({ defaultMetrics: false }),
      isReady: () => true,
      logger,
      routes: consumerRoutes({ store, state, clock: () => clock.now() }),
    });
  });
  after(async () => {
    await admin?.close();
    await gateway?.close();
    await upstream?.close();
    await store?.close();
    await state.close();
    rmSync(dir, { recursive: true, force: true });
    delete process.env.RAMPART_TEST_SIGKEY_SECRET;
  });

  test('the CLI prints a keyid and a 256-bit hmac secret once, and lists keys without secrets', async () => {
    assert.match(hmacKey.keyid, /^sig_[A-Za-z0-9_-]{16}$/);
    assert.equal(Buffer.from(hmacKey.secret, 'base64url').length, 32);
    const listed = await cli('keys', 'list');
    assert.ok(listed.includes(hmacKey.keyid) && listed.includes(edKeyid));
    assert.ok(!listed.includes(hmacKey.secret));
  });

  test('accepts hmac-sha256 and ed25519 signatures by store keys and forwards their consumers', async () => {
    assert.equal(await send('/partner/orders?page=1', hmacKey.keyid, { secret: hmacKey.secret }), 200);
    assert.equal(upstream.received.at(-1)?.headers['x-consumer-name'], 'partner-a');
    assert.equal(upstream.received.at(-1)?.headers['x-consumer-scopes'], 'partner');
    assert.equal(await send('/partner/orders?page=2', edKeyid, { ed: true }), 200);
    assert.equal(upstream.received.at(-1)?.headers['x-consumer-name'], 'partner-b');
  });

  test('keeps config keys working beside store keys and refuses unknown or wrong keys', async () => {
    assert.equal(await send('/partner/legacy', 'legacy', { secret: CONFIG_SECRET }), 200);
    assert.equal(upstream.received.at(-1)?.headers['x-consumer-id'], 'legacy-partner');
    assert.equal(await send('/partner/x1', hmacKey.keyid, { secret: CONFIG_SECRET }), 401);
    assert.equal(gateway.events.at(-1)?.rule, 'signature');
    assert.equal(await send('/partner/x2', 'sig_AAAAAAAAAAAAAAAA', { secret: hmacKey.secret }), 401);
    assert.equal(gateway.events.at(-1)?.rule, 'unknown-key');
  });

  test('creates keys through the admin API and refuses an admin-revoked key at once', async () => {
    const consumer = await store.findConsumer('partner-a');
    const created = await fetch(`${admin.url}/consumers/${consumer!.id}/signing-keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ algorithm: 'hmac-sha256' }),
    });
    assert.equal(created.status, 201);
    const key = (await created.json()) as { keyid: string; secret: string };
    assert.equal(await send('/partner/a1', key.keyid, { secret: key.secret }), 200);
    const listed = (await (
      await fetch(`${admin.url}/consumers/${consumer!.id}/signing-keys`)
    ).json()) as Array<Record<string, unknown>>;
    assert.ok(listed.some((k) => k.keyid === key.keyid && k.secret === undefined));
    const revoked = await fetch(`${admin.url}/signing-keys/${key.keyid}/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(revoked.status, 200);
    // No clock move: the revocation notice on the state dropped the cached key.
    assert.equal(await send('/partner/a2', key.keyid, { secret: key.secret }), 401);
    assert.equal(gateway.events.at(-1)?.rule, 'revoked');
  });

  test('refuses a key revoked with the CLI once the key cache TTL has passed', async () => {
    assert.equal(await send('/partner/b1', edKeyid, { ed: true }), 200);
    await cli('keys', 'revoke', edKeyid);
    clock.advance(5_001);
    assert.equal(await send('/partner/b2', edKeyid, { ed: true }), 401);
    assert.equal(gateway.events.at(-1)?.rule, 'revoked');
  });

  test('answers 400 to an admin request for an ed25519 key without a usable public key', async () => {
    const consumer = await store.findConsumer('partner-b');
    const response = await fetch(`${admin.url}/consumers/${consumer!.id}/signing-keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ algorithm: 'ed25519', publicKey: 'not a key' }),
    });
    assert.equal(response.status, 400);
  });
});
