// The admin API behind the dashboard, over HTTP without a browser: sessions opened with the admin or
// the read-only token, the dashboard's files and their CSP, the read endpoints, the OpenAPI document
// (every mounted route in it, every documented operation mounted) and the committed bundle being the
// build of the current sources.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { buildDashboard } from '../dashboard/build.ts';
import { alertAdminRoutes } from '../src/admin/alerts.ts';
import { auditTrailRoutes } from '../src/admin/audit-trail-routes.ts';
import { consumerRoutes } from '../src/admin/consumers.ts';
import { dashboardRoutes } from '../src/admin/dashboard-routes.ts';
import { createDashboardState } from '../src/admin/dashboard-state.ts';
import type { ADMIN_OPENAPI } from '../src/admin/openapi.ts';
import { policyAdminRoutes } from '../src/admin/policy-routes.ts';
import { startAdminServer } from '../src/admin/server.ts';
import { DEFAULT_DASHBOARD_DIR } from '../src/admin/static.ts';
import { createSqliteAuditStorage } from '../src/audit-trail/sqlite-storage.ts';
import { loadConfigText } from '../src/config/load.ts';
import type { Rampart } from '../src/index.ts';
import { inventoryAdminRoutes, startInventory } from '../src/inventory/instance.ts';
import { createSecurityEvents } from '../src/observe/events.ts';
import { createLogger } from '../src/observe/logger.ts';
import { createMetrics } from '../src/observe/metrics.ts';
import { POLICY_DEFINITIONS } from '../src/policies/registry.ts';
import { createSqliteStore } from '../src/store/sqlite-store.ts';
import { startTestRampart } from './helpers/rampart.ts';
import { startUpstream, type TestUpstream } from './helpers/upstream.ts';

const ADMIN_TOKEN = 'api-admin-token-0123456789abcdef';
const READ_TOKEN = 'api-read-token-0123456789abcdef';

const CONFIG = `version: 1
server: { http: { host: 127.0.0.1, port: 0 } }
inventory: {}
store: { sqlite: ":memory:" }
auditTrail: { denials: { policies: [authorize] } }
admin: { host: 127.0.0.1, port: 0, token: env:ADMIN_TOKEN, readToken: env:READ_TOKEN }
upstreams:
  api: { url: UPSTREAM }
routes:
  - name: items
    match: { path: /items/:id }
    upstream: api
`;

const silent = createLogger({
  level: 'silent',
  destination: new Writable({ write: (_c, _e, done) => done() }),
});

/** `/consumers/:id` → `/consumers/{id}` (OpenAPI's template syntax). */
const templated = (path: string) => path.replace(/:([A-Za-z]+)/g, '{$1}');

function files(dir: string): Map<string, string> {
  const found = new Map<string, string>();
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const full = join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      else found.set(relative(dir, full), readFileSync(full, 'utf8'));
    }
  };
  walk(dir);
  return found;
}

describe('the admin API behind the dashboard', () => {
  let upstream: TestUpstream;
  let rampart: Rampart;
  const store = createSqliteStore(':memory:');
  const call = (path: string, token?: string, init: RequestInit = {}) =>
    fetch(`${rampart.adminUrl}${path}`, {
      ...init,
      headers: {
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
    });
  const openSession = async (token: string) => {
    const response = await call('/session', token, { method: 'POST', body: '{}' });
    assert.equal(response.status, 201);
    return (await response.json()) as { token: string; scope: string; expiresAt: number };
  };

  before(async () => {
    upstream = await startUpstream();
    ({ rampart } = await startTestRampart({
      config: { text: CONFIG.replace('UPSTREAM', upstream.url) },
      store,
      env: { ADMIN_TOKEN, READ_TOKEN },
    }));
  });
  after(async () => {
    await rampart?.close();
    await upstream?.close();
    await store.close();
  });

  test('a token opens a session of its own scope; a session cannot open another', async () => {
    assert.equal((await call('/session', undefined, { method: 'POST', body: '{}' })).status, 401);
    assert.equal((await call('/session', 'wrong', { method: 'POST', body: '{}' })).status, 401);
    const reader = await openSession(READ_TOKEN);
    assert.equal(reader.scope, 'read');
    assert.ok(reader.expiresAt > Date.now());
    assert.equal((await call('/traffic', reader.token)).status, 200);
    const write = await call('/consumers', reader.token, { method: 'POST', body: '{"name":"eve"}' });
    assert.equal(write.status, 403);
    assert.equal(((await write.json()) as { code: string }).code, 'RAMPART_ADMIN_FORBIDDEN');
    const again = await call('/session', reader.token, { method: 'POST', body: '{}' });
    assert.equal(again.status, 400);

    const writer = await openSession(ADMIN_TOKEN);
    assert.equal(writer.scope, 'write');
    const created = await call('/consumers', writer.token, { method: 'POST', body: '{"name":"eve"}' });
    assert.equal(created.status, 201);
    // GET /session renews: a new token of the same session (ending one ends the other).
    const renewed = (await (await call('/session', writer.token)).json()) as { scope: string; token: string };
    assert.equal(renewed.scope, 'write');
    assert.notEqual(renewed.token, writer.token);
    assert.equal((await call('/traffic', renewed.token)).status, 200);
    // The change is in the audit trail, which the admin API reads back.
    const trail = (await (await call('/audit-trail?kind=admin', reader.token)).json()) as {
      records: { action: string; outcome: string; actor: string }[];
    };
    assert.ok(
      trail.records.some(
        (record) =>
          record.action === 'POST /consumers' && record.outcome === '201' && record.actor === 'write-session',
      ),
    );
    assert.ok(
      trail.records.some(
        (record) =>
          record.action === 'POST /consumers' && record.outcome === '403' && record.actor === 'read-session',
      ),
    );
    assert.equal((await call('/audit-trail?since=soon', reader.token)).status, 400);
    assert.equal((await call('/session', writer.token, { method: 'DELETE' })).status, 200);
    assert.equal((await call('/traffic', writer.token)).status, 401, 'ended');
  });

  test('serves the dashboard to anyone, with a strict CSP, and nothing else without a token', async () => {
    const redirect = await fetch(`${rampart.adminUrl}/dashboard`, { redirect: 'manual' });
    assert.equal(redirect.status, 308);
    assert.equal(redirect.headers.get('location'), '/dashboard/');
    const page = await fetch(`${rampart.adminUrl}/dashboard/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    assert.equal(page.headers.get('x-frame-options'), 'DENY');
    const csp = page.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /frame-ancestors 'none'/);
    const html = await page.text();
    const script = /src="(\/dashboard\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    assert.ok(script !== undefined, 'the page loads one module');
    const asset = await fetch(`${rampart.adminUrl}${script}`);
    assert.equal(asset.status, 200);
    assert.match(asset.headers.get('cache-control') ?? '', /immutable/);
    assert.equal((await fetch(`${rampart.adminUrl}/dashboard/missing.js`)).status, 401);
    assert.equal((await fetch(`${rampart.adminUrl}/dashboard/../metrics`)).status, 401);
  });

  test('answers traffic, events, posture and config, and refuses bad filters', async () => {
    for (let i = 0; i < 3; i++) await (await fetch(`${rampart.url}/items/${i}`)).arrayBuffer();
    const missing = await fetch(`${rampart.url}/nowhere`);
    await missing.arrayBuffer();
    await rampart.requestFinished(missing.headers.get('x-request-id') ?? '');
    const traffic = (await (await call('/traffic', READ_TOKEN)).json()) as {
      totals: { requests: number };
      routes: { route: string; requests: number }[];
    };
    assert.ok(traffic.totals.requests >= 4);
    assert.equal(traffic.routes.find((route) => route.route === 'items')?.requests, 3);
    assert.equal((await call('/events?limit=many', READ_TOKEN)).status, 400);
    assert.equal((await call('/events?since=yesterday', READ_TOKEN)).status, 400);
    const events = (await (await call('/events?route=unmatched', READ_TOKEN)).json()) as {
      events: { route: string }[];
    };
    assert.ok(events.events.every((event) => event.route === 'unmatched'));
    const posture = (await (await call('/posture', READ_TOKEN)).json()) as {
      routes: { route: string }[];
      findings: { rule: string }[];
    };
    assert.deepEqual(
      posture.routes.map((route) => route.route),
      ['items'],
    );
    assert.ok(posture.findings.some((finding) => finding.rule === 'no-authentication'));
    const config = (await (await call('/config', READ_TOKEN)).json()) as {
      version: number;
      reloads: { result: string }[];
      upstreams: { name: string; targets: { url: string }[] }[];
    };
    assert.equal(config.version, rampart.gateway.versionId);
    assert.deepEqual(
      config.upstreams.map((each) => [each.name, each.targets.map((target) => new URL(target.url).origin)]),
      [['api', [new URL(upstream.url).origin]]],
    );
    assert.equal(config.reloads[0]?.result, 'success');
  });

  test('keeps a posted scan report for the Posture page; only the admin scope may post one', async () => {
    const report = JSON.stringify({
      target: 'http://127.0.0.1:1',
      findings: [{ check: 'bola', title: 'x' }],
    });
    const init = { method: 'POST', body: report };
    assert.equal((await call('/scan-report', READ_TOKEN, init)).status, 403);
    assert.equal(
      (await call('/scan-report', ADMIN_TOKEN, { method: 'POST', body: '{"findings":1}' })).status,
      400,
    );
    assert.equal((await call('/scan-report', ADMIN_TOKEN, init)).status, 201);
    const posture = (await (await call('/posture', READ_TOKEN)).json()) as {
      scan: { report: { findings: unknown[] } };
    };
    assert.equal(posture.scan.report.findings.length, 1);
  });

  test('documents every admin route in its OpenAPI document, and mounts every documented one', async () => {
    const document = (await (await call('/openapi.json', READ_TOKEN)).json()) as typeof ADMIN_OPENAPI;
    assert.equal(document.openapi, '3.1.0');
    const documented = new Set<string>();
    for (const [path, item] of Object.entries(document.paths)) {
      for (const method of Object.keys(item)) documented.add(`${method.toUpperCase()} ${path}`);
    }
    // The routes `rampart start` mounts: the listener's own, consumers and keys, the dashboard's and
    // the policies' (quota).
    const loaded = await loadConfigText(
      CONFIG.replace('UPSTREAM', 'http://127.0.0.1:1'),
      'x.yaml',
      POLICY_DEFINITIONS,
      {
        env: { ADMIN_TOKEN, READ_TOKEN },
      },
    );
    assert.ok(loaded.ok);
    const events = createSecurityEvents({
      logger: silent,
      metrics: createMetrics({ defaultMetrics: false }),
    });
    const inventory = await startInventory(loaded.config, '.', { events, logger: silent });
    assert.ok(inventory !== undefined);
    const trailStorage = createSqliteAuditStorage(':memory:');
    const server = await startAdminServer({
      port: 0,
      metrics: createMetrics({ defaultMetrics: false }),
      isReady: () => true,
      logger: silent,
      dashboardDir: false,
      routes: [
        ...policyAdminRoutes(POLICY_DEFINITIONS, () => []),
        ...consumerRoutes({ store }),
        ...alertAdminRoutes(() => []),
        ...auditTrailRoutes({ storage: trailStorage, flush: async () => {} }),
        ...inventoryAdminRoutes(inventory, () => loaded.config, '.', POLICY_DEFINITIONS),
        ...dashboardRoutes({
          state: createDashboardState(),
          definitions: POLICY_DEFINITIONS,
          running: () => ({ config: loaded.config, versionId: 1, baseDir: '.' }),
        }),
      ],
    });
    try {
      // Without any token configured (loopback only), the dashboard's empty sign-in opens a session.
      const open = await fetch(`${server.url}/session`, { method: 'POST', body: '{}' });
      assert.equal(open.status, 201);
      assert.equal(((await open.json()) as { scope: string }).scope, 'write');
      const mounted = server.routes.map((route) => `${route.method} ${templated(route.path)}`);
      assert.deepEqual(
        mounted.filter((route) => !documented.has(route)),
        [],
        'mounted but not documented',
      );
      assert.deepEqual(
        [...documented].filter((route) => !mounted.includes(route)),
        [],
        'documented but not mounted',
      );
    } finally {
      await server.close();
      await inventory.close();
      await trailStorage.close();
    }
    // And the running instance mounts every documented GET (an object may be missing, not the route).
    for (const route of documented) {
      const [method, path] = route.split(' ') as [string, string];
      if (method !== 'GET') continue;
      const response = await call(path.replace(/\{[^}]+\}/g, 'x'), ADMIN_TOKEN);
      const text = await response.text();
      assert.doesNotMatch(
        text,
        /RAMPART_ROUTE_(NOT_FOUND|METHOD_NOT_ALLOWED)/,
        `${route}: ${response.status}`,
      );
    }
  });

  test('the committed bundle is the build of the current sources (npm run build:dashboard)', async () => {
    const out = mkdtempSync(join(tmpdir(), 'rampart-dashboard-build-'));
    try {
      await buildDashboard(out);
      const built = files(out);
      const committed = files(DEFAULT_DASHBOARD_DIR);
      assert.deepEqual([...committed.keys()].sort(), [...built.keys()].sort(), 'run npm run build:dashboard');
      for (const [name, text] of built)
        assert.equal(committed.get(name), text, `${name}: run npm run build:dashboard`);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
