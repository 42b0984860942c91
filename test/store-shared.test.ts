// Two gateway processes sharing one PostgreSQL store and one Redis: a key created through either is
// accepted by both, and revoked through either (admin API, or the CLI writing only to the database) is
// refused by both within a second, although their key caches would trust it for an hour.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { type CliGateway, runCliInProcess, startCliGateway } from './helpers/cli.ts';
import { postgresSkipReason, startPostgres, type TestPostgres } from './helpers/postgres.ts';
import { startRedis, type TestRedis } from './helpers/redis.ts';
import { startUpstream, type TestUpstream } from './helpers/upstream.ts';

const TOKEN = 'admin-token-for-the-shared-store-test-0123456789';
const skip = postgresSkipReason();

describe('two gateways sharing a PostgreSQL store and Redis', { skip }, () => {
  let pg: TestPostgres;
  let redis: TestRedis;
  let upstream: TestUpstream;
  let dir: string;
  let dbUrl: string;
  const gateways: CliGateway[] = [];

  before(async () => {
    [pg, redis, upstream] = await Promise.all([startPostgres(), startRedis(), startUpstream()]);
    dbUrl = await pg.createDatabase('shared');
    dir = await mkdtemp(join(tmpdir(), 'rampart-shared-'));
    await writeFile(join(dir, 'admin.token'), TOKEN, { mode: 0o600 });
    const config = `version: 1
server: { http: { port: 0 } }
admin: { port: 0, token: "file:admin.token" }
state:
  backend: redis
  redis: { url: "${redis.url}", timeout: 500ms }
store:
  postgres: { url: "${dbUrl}", poolSize: 2 }
upstreams:
  app: { url: ${upstream.url} }
routes:
  - name: api
    match: { path: /api }
    upstream: app
    policies:
      api-key: { cacheTtl: 1h }
`;
    await writeFile(join(dir, 'rampart.yaml'), config);
    // Generous: two processes start together on a shared, busy machine.
    gateways.push(
      ...(await Promise.all([0, 1].map(() => startCliGateway(join(dir, 'rampart.yaml'), 60_000)))),
    );
  });

  after(async () => {
    await Promise.all(gateways.map((g) => g.stop()));
    await Promise.all([pg?.stop(), redis?.stop(), upstream?.close()]);
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  const admin = async (gateway: CliGateway, method: string, path: string, body: object = {}) => {
    const response = await fetch(`${gateway.adminUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    assert.ok(response.ok, `${method} ${path}: ${response.status}`);
    return (await response.json()) as Record<string, string>;
  };
  const call = async (gateway: CliGateway, key: string) =>
    (await fetch(`${gateway.url}/api`, { headers: { 'x-api-key': key } })).status;
  /** Asks every gateway until all refuse the key; fails when one still accepts it after a second. */
  const refusedEverywhereWithin = async (key: string, ms: number): Promise<number> => {
    const start = performance.now();
    for (;;) {
      const statuses = await Promise.all(gateways.map((g) => call(g, key)));
      if (statuses.every((s) => s === 401)) return performance.now() - start;
      assert.ok(performance.now() - start < ms, `still accepted after ${ms} ms: ${statuses.join(', ')}`);
      await delay(20);
    }
  };

  test('a key created and revoked through either instance is seen by both within a second', async () => {
    const [a, b] = gateways as [CliGateway, CliGateway];
    const consumer = await admin(a, 'POST', '/consumers', { name: 'billing' });
    const issued = await admin(a, 'POST', `/consumers/${consumer.id}/keys`);
    // Both accept it at once (and now hold it in their caches for an hour).
    assert.deepEqual([await call(b, issued.key!), await call(a, issued.key!)], [200, 200]);
    await admin(b, 'POST', `/keys/${issued.id}/revoke`);
    const took = await refusedEverywhereWithin(issued.key!, 1000);
    assert.ok(took < 1000);

    const second = await admin(b, 'POST', `/consumers/${consumer.id}/keys`);
    assert.deepEqual([await call(a, second.key!), await call(b, second.key!)], [200, 200]);
    await admin(a, 'POST', `/keys/${second.id}/revoke`);
    await refusedEverywhereWithin(second.key!, 1000);
  });

  test('a key revoked with the CLI on the database alone (no Redis) is refused by both within a second', async () => {
    const created = await runCliInProcess(['keys', 'create', '--consumer', 'billing', '--db', dbUrl]);
    assert.equal(created.code, 0, created.stderr);
    const key = created.stdout.trim();
    assert.deepEqual(await Promise.all(gateways.map((g) => call(g, key))), [200, 200]);
    const listed = await runCliInProcess(['keys', 'list', '--consumer', 'billing', '--json', '--db', dbUrl]);
    const active = (JSON.parse(listed.stdout) as Array<{ id: string; status: string }>).find(
      (k) => k.status === 'active',
    );
    const revoked = await runCliInProcess(['keys', 'revoke', active!.id, '--db', dbUrl]);
    assert.equal(revoked.code, 0, revoked.stderr);
    await refusedEverywhereWithin(key, 1000);
  });
});
