// `rampart consumers` and `rampart keys` run in-process on a real store file, and a gateway started
// from the same config (src/index.ts) accepting, then refusing, the keys they manage; plus the admin API.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Rampart } from '../src/index.ts';
import { runCliInProcess } from './helpers/cli.ts';
import { startTestRampart } from './helpers/rampart.ts';
import { startUpstream, type TestUpstream } from './helpers/upstream.ts';

describe('consumers and keys CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rampart-identity-'));
  const configFile = join(dir, 'rampart.yaml');
  let upstream: TestUpstream;
  let gateway: Rampart | undefined;

  const cli = async (...args: string[]) => {
    const result = await runCliInProcess(args);
    assert.equal(result.code, 0, result.stderr);
    return result.stdout;
  };
  const get = (key: string) => fetch(`${gateway!.url}/api/x`, { headers: { 'x-api-key': key } });

  before(async () => {
    upstream = await startUpstream();
    writeFileSync(
      configFile,
      `version: 1
server: { http: { host: 127.0.0.1, port: 0 } }
admin: { host: 127.0.0.1, port: 0 }
store: { sqlite: data/rampart.db }
upstreams: { app: { url: ${upstream.url} } }
routes:
  - name: api
    match: { path: /api/* }
    upstream: app
    policies:
      api-key: { cacheTtl: 0 }
      authorize: { anyOf: [read] }
`,
    );
  });
  after(async () => {
    await gateway?.close();
    await upstream.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('creates consumers and lists them, refusing a duplicate name', async () => {
    assert.match(
      await cli('consumers', 'add', 'alice', '--roles', 'read,write', '-c', configFile),
      /created consumer alice/,
    );
    const duplicate = await runCliInProcess(['consumers', 'add', 'alice', '-c', configFile]);
    assert.equal(duplicate.code, 1);
    const list = JSON.parse(
      await cli('consumers', 'list', '--json', '--db', join(dir, 'data/rampart.db')),
    ) as Array<{
      name: string;
      roles: string[];
      enabled: boolean;
    }>;
    assert.deepEqual(
      list.map((c) => [c.name, c.roles, c.enabled]),
      [['alice', ['read', 'write'], true]],
    );
  });

  test('prints a new key once and lists keys without their secret', async () => {
    const key = (
      await cli('keys', 'create', '--consumer', 'alice', '--expires', '30d', '-c', configFile)
    ).trim();
    assert.match(key, /^rmp_live_[A-Za-z0-9_-]{55}$/);
    const listed = await cli('keys', 'list', '-c', configFile);
    assert.ok(listed.includes(key.slice(0, 21)));
    assert.ok(!listed.includes(key.slice(21)));
    const json = JSON.parse(await cli('keys', 'list', '--json', '-c', configFile)) as Array<{
      status: string;
      expiresAt: string;
    }>;
    assert.equal(json[0]?.status, 'active');
    assert.ok(Date.parse(json[0]!.expiresAt) > Date.now() + 29 * 86_400_000);
  });

  test("gives a rotated key's successor the old key's lifetime unless --expires says otherwise", async () => {
    const lifetime = (view: { createdAt: string; expiresAt: string | null }) =>
      view.expiresAt === null ? null : Date.parse(view.expiresAt) - Date.parse(view.createdAt);
    const create = async (...expiry: string[]) =>
      (await cli('keys', 'create', '--consumer', 'alice', ...expiry, '-c', configFile)).trim().slice(0, 21);
    const rotate = async (prefix: string, ...expiry: string[]) =>
      JSON.parse(await cli('keys', 'rotate', prefix, ...expiry, '--json', '-c', configFile)) as {
        createdAt: string;
        expiresAt: string | null;
      };
    assert.equal(lifetime(await rotate(await create('--expires', '7d'))), 7 * 86_400_000);
    assert.equal(lifetime(await rotate(await create('--expires', '7d'), '--expires', '1d')), 86_400_000);
    assert.equal(lifetime(await rotate(await create())), null);
  });

  test('manages keys a running gateway accepts, rotates and refuses', async () => {
    const key = (await cli('keys', 'create', '--consumer', 'alice', '-c', configFile)).trim();
    gateway = (await startTestRampart({ config: { file: configFile, watch: false } })).rampart;
    assert.equal((await get(key)).status, 200);
    const successor = (
      await cli('keys', 'rotate', key.slice(0, 21), '--grace', '1h', '-c', configFile)
    ).trim();
    assert.equal((await get(key)).status, 200);
    assert.equal((await get(successor)).status, 200);
    assert.match(await cli('keys', 'revoke', key.slice(0, 21), '-c', configFile), /revoked/);
    assert.equal((await get(key)).status, 401);
    assert.equal((await get(successor)).status, 200);
    await cli('consumers', 'disable', 'alice', '-c', configFile);
    assert.equal((await get(successor)).status, 401);
    await cli('consumers', 'enable', 'alice', '-c', configFile);
    await cli('consumers', 'roles', 'alice', '--roles', 'write', '-c', configFile);
    assert.equal((await get(successor)).status, 403);
  });

  test('manages consumers and keys through the admin API', async () => {
    const admin = gateway!.adminUrl!;
    const post = (path: string, body: unknown) =>
      fetch(`${admin}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const created = await post('/consumers', { name: 'svc-reports', roles: ['read'] });
    assert.equal(created.status, 201);
    const consumer = (await created.json()) as { id: string };
    assert.equal((await post('/consumers', { name: 'svc-reports' })).status, 409);
    const issued = await post(`/consumers/${consumer.id}/keys`, { expires: '1d' });
    assert.equal(issued.status, 201);
    const { key, id } = (await issued.json()) as { key: string; id: string };
    assert.equal((await get(key)).status, 200);
    const keys = await (await fetch(`${admin}/consumers/${consumer.id}/keys`)).text();
    assert.ok(keys.includes(id) && !keys.includes(key.slice(21)));
    const formPost = await fetch(`${admin}/keys/${id}/revoke`, { method: 'POST', body: 'x=1' });
    assert.equal(formPost.status, 415);
    assert.equal((await post(`/keys/${id}/revoke`, {})).status, 200);
    assert.equal((await get(key)).status, 401);
  });

  test('refuses a config without a store section', async () => {
    const bare = join(dir, 'bare.yaml');
    writeFileSync(bare, `version: 1\nupstreams: { app: { url: http://127.0.0.1:1 } }\nroutes: []\n`);
    const result = await runCliInProcess(['consumers', 'list', '-c', bare]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /store/);
  });
});
