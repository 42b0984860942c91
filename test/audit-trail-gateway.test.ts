// The audit trail of a running gateway: admin changes (never a key), the start and a reload with its
// policy mode changes, and an enforced denial of a chosen policy land in the store's file as one chain
// that `rampart audit-log verify -c` accepts and `export` prints.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { AuditRecord } from '../src/audit-trail/record.ts';
import { runCliInProcess } from './helpers/cli.ts';
import { startTestRampart, type TestRampart } from './helpers/rampart.ts';
import { startUpstream, type TestUpstream } from './helpers/upstream.ts';

const env = {
  ADMIN_TOKEN: 'admin-token-for-the-audit-trail-test-000000',
  READ_TOKEN: 'read-token-for-the-audit-trail-test-0000000',
  AUDIT_KEY: 'audit-checkpoint-key-0123456789abcdef0123',
};

const config = (upstream: string, mode: string) => `
version: 1
server: { http: { host: 127.0.0.1, port: 0 } }
admin: { host: 127.0.0.1, port: 0, token: env:ADMIN_TOKEN, readToken: env:READ_TOKEN }
store: { sqlite: rampart.db }
auditTrail:
  checkpoints: { key: env:AUDIT_KEY }
  denials: { policies: [methods] }
upstreams: { app: { url: ${upstream} } }
routes:
  - name: api
    match: { path: /api/* }
    upstream: app
    policies:
      methods: { allow: [GET], mode: ${mode} }
`;

describe('audit trail of a running gateway', () => {
  let dir: string;
  let file: string;
  let upstream: TestUpstream;
  let gw: TestRampart | undefined;
  let apiKey = '';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rampart-audit-gw-'));
    file = join(dir, 'rampart.yaml');
    upstream = await startUpstream();
    writeFileSync(file, config(upstream.url, 'enforce'));
    gw = await startTestRampart({ config: { file, watch: false }, env });
    const admin = (method: string, path: string, body?: object, token = env.ADMIN_TOKEN) =>
      fetch(`${gw!.rampart.adminUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    assert.equal((await admin('POST', '/consumers', { name: 'mallory' }, env.READ_TOKEN)).status, 403);
    assert.equal((await admin('POST', '/consumers', { name: 'alice', roles: ['read'] })).status, 201);
    const issued = (await (await admin('POST', '/consumers/alice/keys', {})).json()) as {
      key: string;
      id: string;
    };
    apiKey = issued.key;
    assert.equal((await admin('POST', `/keys/${issued.id}/revoke`, {})).status, 200);
    assert.equal((await fetch(`${gw.rampart.url}/api/x`, { method: 'DELETE' })).status, 405);
    writeFileSync(file, config(upstream.url, 'monitor'));
    await gw.rampart.reload();
    await gw.rampart.close();
    gw = undefined;
  });
  after(async () => {
    await gw?.rampart.close();
    await upstream.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('every change, the reload with its mode change and the chosen denial are one verified chain', async () => {
    const verified = await runCliInProcess(['audit-log', 'verify', '-c', file], { env });
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
    assert.match(verified.stdout, /1 signatures verified/);
    const exported = await runCliInProcess(['audit-log', 'export', '-c', file, '--since', '1h'], { env });
    assert.equal(exported.code, 0, exported.stderr);
    const records = exported.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as AuditRecord);
    const summary = records.map((r) => `${r.kind} ${r.action} ${r.outcome}`);
    assert.deepEqual(summary, [
      'config load success',
      'admin POST /consumers 403',
      'admin POST /consumers 201',
      'admin POST /consumers/:id/keys 201',
      'admin POST /keys/:id/revoke 200',
      'denial denied RAMPART_INGRESS_METHOD_NOT_ALLOWED',
      'config reload success',
      'config policy-mode success',
    ]);
    // A refused write is kept too, with who tried.
    assert.equal(records[1]!.actor, 'read-token');
    assert.equal(records[2]!.actor, 'write-token');
    assert.equal(records[3]!.details?.consumer, 'alice');
    assert.deepEqual(records[7]!.target, { route: 'api', policy: 'methods' });
    assert.deepEqual(records[7]!.details, { from: 'enforce', to: 'monitor' });
    assert.equal(records[5]!.target?.route, 'api');
    // Identifiers stay readable: the request id ties a record to the access log.
    assert.match(String(records[2]!.details?.requestId), /^[0-9a-f-]{36}$/);
    assert.match(String(records[0]!.details?.digest), /^[0-9a-f]{64}$/);
  });

  test('no key, token or checkpoint secret reaches the store files', () => {
    const secrets = [apiKey, env.ADMIN_TOKEN, env.READ_TOKEN, env.AUDIT_KEY];
    assert.ok(apiKey.length > 20);
    for (const name of readdirSync(dir).filter((n) => n.startsWith('rampart.db'))) {
      const bytes = readFileSync(join(dir, name)).toString('latin1');
      for (const secret of secrets) assert.ok(!bytes.includes(secret), `${name} holds a secret`);
    }
  });
});
