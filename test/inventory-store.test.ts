// The inventory persisted in one sqlite file shared by several instances: their facts add up, a new
// shadow endpoint is announced once whichever instance saw it first, endpoints stored under literal
// templates are folded when a later collapse makes them one, and access logs teach the same store.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Exchange } from '../src/inventory/exchange.ts';
import { exchangesOfLog } from '../src/inventory/log-import.ts';
import { createInventoryService, type InventoryService } from '../src/inventory/service.ts';
import { loadSpecSet, NO_SPECS } from '../src/inventory/spec-set.ts';
import { createSqliteInventoryStore } from '../src/inventory/sqlite-store.ts';
import type { SecurityEventInput } from '../src/observe/events.ts';
import { runCliInProcess } from './helpers/cli.ts';

const SPEC = resolve(import.meta.dirname, '../examples/demo-api/openapi.yaml');

let dir: string;
const open: InventoryService[] = [];

const call = (method: string, path: string, status = 200, consumerId?: string): Exchange => ({
  time: 1_700_000_000_000,
  method,
  path,
  rawQuery: '',
  status,
  durationMs: 5,
  consumerId,
});

async function instance(
  db: string,
  events: SecurityEventInput[],
  withSpec = true,
): Promise<InventoryService> {
  const service = await createInventoryService({
    store: createSqliteInventoryStore(db),
    specs: withSpec ? loadSpecSet([{ spec: SPEC }], dir) : NO_SPECS,
    flushIntervalMs: 0,
    events: { emit: (event) => events.push(event) },
  });
  open.push(service);
  return service;
}

describe('inventory store', () => {
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'rampart-inventory-store-'));
  });
  after(async () => {
    for (const service of open) await service.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('two instances on one file add their facts and announce a new shadow endpoint once', async () => {
    const db = join(dir, 'shared.db');
    const events: SecurityEventInput[] = [];
    const a = await instance(db, events);
    const b = await instance(db, events);
    await a.learn([call('GET', '/users/1', 200, 'c-1'), call('GET', '/debug/crash', 500)]);
    await b.learn([
      call('GET', '/users/2', 200, 'c-2'),
      call('GET', '/users/3', 404),
      call('GET', '/debug/crash', 500),
    ]);
    const endpoints = await b.endpoints();
    const user = endpoints.find((e) => e.template === '/users/{id}')!;
    assert.equal(user.count, 3);
    assert.deepEqual(user.statuses, { '200': 2, '404': 1 });
    assert.deepEqual([...user.consumers].sort(), ['c-1', 'c-2']);
    assert.equal(endpoints.find((e) => e.template === '/debug/crash')?.count, 2);
    const shadows = events.filter((e) => e.rule === 'new-shadow-endpoint');
    assert.equal(shadows.length, 1);
    assert.equal(shadows[0]?.policy, 'inventory');
  });

  test('endpoints stored under literal slugs fold into the parameter a later collapse makes', async () => {
    const db = join(dir, 'fold.db');
    const service = await instance(db, [], false);
    await service.learn(
      ['first-post', 'second-post', 'third-post'].map((slug) => call('GET', `/posts/${slug}`)),
    );
    assert.equal((await service.endpoints()).length, 3);
    const more = [
      'fourth-post',
      'fifth-post',
      'sixth-post',
      'seventh-post',
      'eighth-post',
      'ninth-post',
      'tenth-post',
    ];
    await service.learn(more.map((slug) => call('GET', `/posts/${slug}`)));
    const endpoints = await service.endpoints();
    assert.deepEqual(
      endpoints.map((e) => `${e.method} ${e.template} ${e.count}`),
      ['GET /posts/{slug} 10'],
    );
  });

  test('learns endpoints from access logs: Rampart JSON lines and the Combined Log Format', async () => {
    const log = [
      JSON.stringify({
        level: 30,
        time: 1_700_000_000_000,
        msg: 'access',
        method: 'GET',
        path: '/orders/7?limit=5',
        status: 200,
        latencyMs: 3.2,
        route: 'api',
        consumerId: 'c-9',
      }),
      '127.0.0.1 - - [10/Oct/2023:13:55:36 -0700] "GET /orders/8 HTTP/1.1" 200 2326 "-" "curl/8"',
      '127.0.0.1 - - [10/Oct/2023:13:55:37 -0700] "DELETE /orders/8 HTTP/1.1" 404 12 "-" "curl/8"',
      'not a log line',
    ].join('\n');
    const counts = { skipped: 0 };
    const exchanges = [...exchangesOfLog(log, counts)];
    assert.equal(exchanges.length, 3);
    assert.equal(counts.skipped, 1);
    assert.equal(exchanges[1]?.time, Date.parse('2023-10-10T20:55:36Z'));
    const service = await instance(join(dir, 'log.db'), []);
    await service.learn(exchanges);
    const endpoints = await service.endpoints();
    const orders = endpoints.find((e) => e.method === 'GET' && e.template === '/orders/{id}')!;
    assert.equal(orders.count, 2);
    assert.deepEqual(orders.consumers, ['c-9']);
    assert.deepEqual(Object.keys(orders.params.query), ['limit']);
    assert.deepEqual(orders.routes, ['api']);
    // DELETE /orders/{id} is documented nowhere in the demo's contract, and it only answered 404.
    const diff = await service.diff();
    assert.ok(diff.shadow.every((e) => e.method !== 'DELETE'));
  });

  test('the CLI learns an access log, lists, exports and clears', async () => {
    const log = join(dir, 'access.log');
    writeFileSync(
      log,
      [
        '10.0.0.1 - - [10/Oct/2023:13:55:36 +0000] "GET /orders/8?limit=2 HTTP/1.1" 200 2326 "-" "curl/8"',
        '10.0.0.1 - - [10/Oct/2023:13:55:37 +0000] "GET /debug/crash HTTP/1.1" 500 10 "-" "curl/8"',
        'garbage',
      ].join('\n'),
    );
    const db = join(dir, 'cli.db');
    const learned = await runCliInProcess([
      'inventory',
      'learn',
      '--access-log',
      log,
      '--db',
      db,
      '--spec',
      SPEC,
    ]);
    assert.equal(learned.code, 0, learned.stderr);
    assert.match(learned.stderr, /learned 2 exchanges, 1 lines not understood/);
    const listed = await runCliInProcess(['inventory', 'list', '--db', db]);
    assert.match(listed.stdout, /GET\s+\/orders\/\{id\}\s+1\s+200/);
    assert.match(listed.stdout, /GET\s+\/debug\/crash \*/);
    const out = join(dir, 'learned.json');
    const exported = await runCliInProcess(['inventory', 'export', '--db', db, '--out', out]);
    assert.equal(exported.code, 0, exported.stderr);
    const document = JSON.parse(readFileSync(out, 'utf8')) as { paths: Record<string, unknown> };
    assert.deepEqual(Object.keys(document.paths).sort(), ['/debug/crash', '/orders/{id}']);
    assert.equal((await runCliInProcess(['inventory', 'clear', '--db', db])).code, 0);
    assert.match(
      (await runCliInProcess(['inventory', 'list', '--db', db])).stdout,
      /no endpoints learned yet/,
    );
    assert.equal((await runCliInProcess(['inventory', 'diff', '--db', db])).code, 2, 'diff needs a spec');
  });
});
