// Traffic learning end to end: the demo API behind a gateway with the inventory on; its traffic
// (documented calls, the deprecated /v1 read, the undocumented /debug/crash) yields the spec's
// templates, the shadow and zombie lists, a new-shadow event and an OpenAPI export that validates;
// a HAR file of the same traffic, learned by the CLI into another store, yields the same inventory.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { validate } from '@readme/openapi-parser';
import { type DemoApi, startDemoApi } from '../examples/demo-api/server.ts';
import type { InventoryDiff } from '../src/inventory/compare.ts';
import type { EndpointFacts } from '../src/inventory/facts.ts';
import type { SecurityEventRecord } from '../src/observe/events.ts';
import { runCliInProcess } from './helpers/cli.ts';
import { startTestRampart, type TestRampart } from './helpers/rampart.ts';

const SPEC = resolve(import.meta.dirname, '../examples/demo-api/openapi.yaml');

interface Recorded {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
  status: number;
  responseHeaders: Record<string, string>;
  responseBody: string;
}

let demo: DemoApi;
let gw: TestRampart;
let dir: string;
const recorded: Recorded[] = [];
const events: SecurityEventRecord[] = [];

async function call(
  method: string,
  path: string,
  body?: unknown,
  extra: Record<string, string> = {},
  toHar = true,
) {
  const headers: Record<string, string> = { 'x-user-id': '1', ...extra };
  const text = body === undefined ? undefined : JSON.stringify(body);
  if (text !== undefined) headers['content-type'] = 'application/json';
  const url = `${gw.rampart.url}${path}`;
  const res = await fetch(url, { method, headers, ...(text === undefined ? {} : { body: text }) });
  const responseBody = await res.text();
  if (toHar)
    recorded.push({
      method,
      url,
      headers,
      body: text,
      status: res.status,
      responseHeaders: Object.fromEntries(res.headers),
      responseBody,
    });
  // The log phase (and the inventory's tap) runs when the request ends: wait for that, not for time.
  await gw.rampart.requestFinished(res.headers.get('x-request-id')!);
  return res.status;
}

function harOf(entries: readonly Recorded[]): unknown {
  const pairs = (record: Record<string, string>) =>
    Object.entries(record).map(([name, value]) => ({ name, value }));
  return {
    log: {
      version: '1.2',
      creator: { name: 'inventory-demo.test', version: '1' },
      entries: entries.map((e) => ({
        startedDateTime: new Date().toISOString(),
        time: 1,
        request: {
          method: e.method,
          url: e.url,
          httpVersion: 'HTTP/1.1',
          headers: pairs(e.headers),
          queryString: [],
          ...(e.body === undefined ? {} : { postData: { mimeType: 'application/json', text: e.body } }),
        },
        response: {
          status: e.status,
          statusText: '',
          httpVersion: 'HTTP/1.1',
          headers: pairs(e.responseHeaders),
          content: {
            size: e.responseBody.length,
            mimeType: e.responseHeaders['content-type'] ?? '',
            text: e.responseBody,
          },
        },
      })),
    },
  };
}

/** What must be equal between two inventories of the API's traffic (not latencies or times). */
function shapeOf(endpoints: readonly EndpointFacts[]) {
  return endpoints
    .filter((e) => Object.keys(e.statuses).length > 0)
    .map((e) => ({
      endpoint: `${e.method} ${e.template}`,
      count: e.count,
      statuses: e.statuses,
      documented: e.documented,
      params: Object.fromEntries(
        Object.entries(e.params).map(([location, params]) => [location, Object.keys(params).sort()]),
      ),
      sensitive: e.sensitive,
      anonymous: e.authn.anonymous,
    }))
    .sort((a, b) => a.endpoint.localeCompare(b.endpoint));
}

const listOf = (diff: InventoryDiff, key: 'shadow' | 'zombie') =>
  diff[key].map((e) => `${e.method} ${e.template}`).sort();

describe('inventory learned through the gateway', () => {
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rampart-inventory-'));
    demo = await startDemoApi();
    gw = await startTestRampart({
      config: {
        text: `
version: 1
server: { http: { port: 0 } }
admin: { port: 0 }
store: { sqlite: ${join(dir, 'gateway.db')} }
inventory: { flushInterval: 0 }
upstreams:
  demo: { url: ${demo.url} }
routes:
  - name: api
    match: { path: /* }
    upstream: demo
    policies:
      request-limits: { maxUrlLength: 512 }
      openapi-validate: { spec: ${SPEC}, mode: monitor }
      sensitive-data: {}
`,
        baseDir: dir,
      },
    });
    gw.rampart.onSecurityEvent((event) => {
      if (event.policy === 'inventory') events.push(event);
    });
    await call('GET', '/health');
    await call('GET', '/users?limit=10&offset=0');
    for (const id of [1, 2, 3]) await call('GET', `/users/${id}`);
    await call('POST', '/users', { name: 'Dora', email: 'dora@example.com', password: 'dora-password-1' });
    await call('PATCH', '/users/3', { name: 'Carol C.' });
    await call('GET', '/orders?userId=2');
    await call('GET', '/orders/1');
    await call('GET', '/orders/2');
    await call('POST', '/login', { email: 'bob@example.com', password: 'bob-password' });
    await call('GET', '/v1/users/1');
    await call('GET', '/v1/users/2');
    await call('GET', '/debug/crash');
    await call('GET', '/debug/crash');
    await call('GET', '/nowhere/at/all');
    // Refused by the gateway itself (414): the API never answered, so it proves no endpoint.
    // A HAR of the API's traffic does not hold it.
    await call('GET', `/internal/report?q=${'x'.repeat(600)}`, undefined, {}, false);
    await gw.rampart.inventory!.flush();
  });

  after(async () => {
    await gw?.rampart.close();
    await demo?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('learns the spec templates of documented calls and keeps the undocumented path literal', async () => {
    const endpoints = await gw.rampart.inventory!.endpoints();
    const keys = endpoints.map((e) => `${e.method} ${e.template}`).sort();
    assert.deepEqual(keys, [
      'GET /debug/crash',
      'GET /health',
      'GET /internal/report',
      'GET /nowhere/at/all',
      'GET /orders',
      'GET /orders/{id}',
      'GET /users',
      'GET /users/{id}',
      'GET /v1/users/{id}',
      'PATCH /users/{id}',
      'POST /login',
      'POST /users',
    ]);
    const refused = endpoints.find((e) => e.template === '/internal/report')!;
    assert.deepEqual(refused.statuses, {});
    assert.deepEqual(refused.gatewayStatuses, { '414': 1 });
    const user = endpoints.find((e) => e.method === 'GET' && e.template === '/users/{id}')!;
    assert.equal(user.count, 3);
    assert.deepEqual(user.statuses, { '200': 3 });
    assert.deepEqual(user.params.path.id?.kinds, { int: 3 });
    assert.equal(user.params.path.id?.distinct?.length, 3);
    // The demo leaks these members; the inventory sees them in the answers.
    assert.ok('passwordHash' in user.params.response);
    assert.ok('email' in user.params.response);
    assert.deepEqual(Object.keys(user.sensitive.response), ['email']);
    const list = endpoints.find((e) => e.method === 'GET' && e.template === '/users')!;
    assert.deepEqual(list.params.query.limit?.types, { integer: 1 });
    assert.deepEqual(Object.keys(list.params.header), ['x-user-id']);
    const signup = endpoints.find((e) => e.method === 'POST' && e.template === '/users')!;
    assert.deepEqual(Object.keys(signup.params.body).sort(), ['email', 'name', 'password']);
    // A secret-named member's example is never kept in clear, an address is masked.
    assert.equal(signup.params.body.password?.example, '[REDACTED]');
    assert.equal(signup.params.body.email?.example, 'd***@example.com');
    assert.equal(signup.authn.anonymous, 1);
  });

  test('lists /debug/crash as shadow and the deprecated /v1 read as zombie', async () => {
    const diff = await gw.rampart.inventory!.diff();
    assert.deepEqual(listOf(diff, 'shadow'), ['GET /debug/crash']);
    assert.deepEqual(listOf(diff, 'zombie'), ['GET /v1/users/{id}']);
    assert.equal(diff.zombie[0]?.reason, 'deprecated');
    // Drift: members the answers carry that the contract does not declare.
    const drift = diff.drift
      .filter((d) => d.template === '/users/{id}' && d.location === 'response')
      .map((d) => d.name);
    assert.ok(drift.includes('passwordHash') && drift.includes('internalNotes'), drift.join());
    // Secured in the spec, answered without any credential.
    assert.ok(diff.unauthenticated.some((e) => e.method === 'GET' && e.template === '/users/{id}'));
    assert.ok(diff.unused.some((u) => u.method === 'DELETE' && u.template === '/users/{id}'));
  });

  test('announces the new shadow endpoint once, as an inventory event', () => {
    const shadows = events.filter((e) => e.rule === 'new-shadow-endpoint');
    assert.equal(shadows.length, 1);
    assert.match(shadows[0]!.reason ?? '', /GET \/debug\/crash/);
    assert.equal(shadows[0]!.outcome, 'flagged');
  });

  test('exports an OpenAPI 3.1 document that validates, over the admin API too', async () => {
    const res = await fetch(`${gw.rampart.adminUrl}/inventory/export`);
    assert.equal(res.status, 200);
    const document = (await res.json()) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
    };
    assert.equal(document.openapi, '3.1.0');
    assert.ok(document.paths['/users/{id}']?.get !== undefined);
    const result = await validate(structuredClone(document) as never);
    assert.equal(result.valid, true, JSON.stringify(result));
    const listed = (await (await fetch(`${gw.rampart.adminUrl}/inventory`)).json()) as {
      endpoints: Array<{ method: string; template: string }>;
      stats: { learner: { dropped: { endpoints: number } } };
    };
    assert.equal(listed.endpoints.length, 12);
    assert.equal(listed.stats.learner.dropped.endpoints, 0);
  });

  test('a HAR file of the same traffic, learned by the CLI, yields the same inventory', async () => {
    const harFile = join(dir, 'traffic.har');
    writeFileSync(harFile, JSON.stringify(harOf(recorded)));
    const db = join(dir, 'har.db');
    const host = new URL(gw.rampart.url).host;
    const args = ['inventory', 'learn', '--har', harFile, '--host', host, '--db', db, '--spec', SPEC];
    const learned = await runCliInProcess(args);
    assert.equal(learned.code, 0, learned.stderr);
    const listed = await runCliInProcess(['inventory', 'show', 'GET', '/users/{id}', '--db', db, '--json']);
    assert.equal(listed.code, 0, listed.stderr);
    const diffRun = await runCliInProcess(['inventory', 'diff', '--db', db, '--spec', SPEC, '--json']);
    assert.equal(diffRun.code, 1, 'shadow and zombie endpoints make diff exit 1');
    const harDiff = JSON.parse(diffRun.stdout) as InventoryDiff;
    const gatewayDiff = await gw.rampart.inventory!.diff();
    assert.deepEqual(listOf(harDiff, 'shadow'), listOf(gatewayDiff, 'shadow'));
    assert.deepEqual(listOf(harDiff, 'zombie'), listOf(gatewayDiff, 'zombie'));
    const { createSqliteInventoryStore } = await import('../src/inventory/sqlite-store.ts');
    const harStore = createSqliteInventoryStore(db);
    try {
      assert.deepEqual(shapeOf(await harStore.list()), shapeOf(await gw.rampart.inventory!.endpoints()));
    } finally {
      await harStore.close();
    }
  });

  test('learns the same templates from the HAR without any spec, from the values alone', async () => {
    const harFile = join(dir, 'traffic.har');
    const db = join(dir, 'nospec.db');
    const learned = await runCliInProcess(['inventory', 'learn', '--har', harFile, '--db', db]);
    assert.equal(learned.code, 0, learned.stderr);
    const none = join(dir, 'none.db');
    const elsewhere = await runCliInProcess([
      'inventory',
      'learn',
      '--har',
      harFile,
      '--host',
      'cdn.test',
      '--db',
      none,
    ]);
    assert.match(elsewhere.stderr, /learned 0 exchanges/);
    const listed = await runCliInProcess(['inventory', 'list', '--db', db, '--json']);
    const keys = (
      JSON.parse(listed.stdout) as { endpoints: Array<{ method: string; template: string }> }
    ).endpoints
      .map((e) => `${e.method} ${e.template}`)
      .sort();
    assert.ok(keys.includes('GET /users/{id}'), keys.join());
    assert.ok(keys.includes('GET /orders/{id}'));
    assert.ok(keys.includes('GET /v1/users/{id}'));
    assert.ok(keys.includes('PATCH /users/{id}'));
    assert.ok(keys.includes('GET /debug/crash'));
  });

  test('the admin API shows one endpoint, the comparison, and learns a posted HAR', async () => {
    const admin = gw.rampart.adminUrl!;
    const endpoint = (path: string) =>
      fetch(`${admin}/inventory/endpoint?method=GET&path=${encodeURIComponent(path)}`);
    assert.equal((await endpoint('/no/such')).status, 404);
    const before = (await (await endpoint('/users/{id}')).json()) as EndpointFacts;
    assert.equal(before.count, 3);
    const diff = (await (await fetch(`${admin}/inventory/diff`)).json()) as InventoryDiff;
    assert.deepEqual(listOf(diff, 'shadow'), ['GET /debug/crash']);
    const risk = (await (await fetch(`${admin}/inventory/risk`)).json()) as Array<{
      name: string;
      overdue: boolean;
    }>;
    // The demo's spec, named by its title, and /debug/crash's traffic no spec documents; neither has
    // an inventory.apis entry with a review date, so both are overdue.
    assert.deepEqual(
      risk.map((e) => [e.name, e.overdue]),
      [
        ['Rampart demo API', true],
        ['undocumented traffic', true],
      ],
    );
    const one = recorded.filter((e) => e.url.endsWith('/users/1')).slice(0, 1);
    const learned = await fetch(`${admin}/inventory/learn`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(harOf(one)),
    });
    assert.equal(learned.status, 200);
    assert.deepEqual(await learned.json(), { learned: 1 });
    const after = (await (await endpoint('/users/{id}')).json()) as EndpointFacts;
    assert.equal(after.count, 4);
    const refused = await fetch(`${admin}/inventory/learn`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"log":{}}',
    });
    assert.equal(refused.status, 400);
  });
});
