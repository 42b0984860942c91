// The dashboard in Chromium (playwright-core driving /usr/bin/chromium) against a real gateway in front
// of the demo API: traffic with blocked attacks goes through, then every page is checked for the right
// figures and events, a key issued in the UI authenticates a request, a read-only session cannot issue
// one, axe-core finds no serious violation, no CSP violation happens, and every page is screenshotted
// (at 1280 px and at a phone's width) into a temp folder named in the test output.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { startDemoApi } from '../examples/demo-api/server.ts';
import { demoConfigText } from '../src/config/defaults.ts';
import { DEMO_IDENTITIES, seedDemoIdentities } from '../src/identity/demo.ts';
import type { Rampart } from '../src/index.ts';
import type { SecurityEventRecord } from '../src/observe/events.ts';
import type { ScanResult } from '../src/scanner/runner.ts';
import { createSqliteStore } from '../src/store/sqlite-store.ts';
import { startTestRampart } from './helpers/rampart.ts';

const CHROMIUM = '/usr/bin/chromium';
const ADMIN_TOKEN = 'dashboard-admin-token-0123456789abcdef';
const READ_TOKEN = 'dashboard-read-token-0123456789abcdef';
const [ALICE, BOB] = [DEMO_IDENTITIES[0].key, DEMO_IDENTITIES[1].key];
// A JWT-shaped secret inside an attack: the event's evidence must not show it.
const SECRET_IN_ATTACK = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2VjcmV0LXNpZ25hdHVyZS1ub3Qtc2hvd24';
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** The demo config with admin tokens and threat detection on every route. */
function configText(demoUrl: string): string {
  return (
    demoConfigText(demoUrl, { http: 0, admin: 0 })
      .replace(
        'admin:\n  host: 127.0.0.1\n',
        'admin:\n  host: 127.0.0.1\n  token: env:ADMIN_TOKEN\n  readToken: env:READ_TOKEN\n',
      )
      // The deprecated /v1/users/{id} of the demo's contract and its undocumented /openapi.json, routed,
      // so the inventory can call them a zombie and a shadow.
      .replace('paths: [/health, /login, /debug/**]', 'paths: [/health, /login, /debug/**, /openapi.json]')
      .replace(
        '        - { name: orders,',
        '        - { name: legacy-users, paths: [/v1/users/*], methods: [GET], anyOf: [user, admin] }\n        - { name: orders,',
      )
      .replace(
        'routes:\n',
        'inventory: { flushInterval: 50ms }\nauditTrail: { denials: { policies: [detect] } }\nroutes:\n  - name: legacy\n    match: { path: /v1/users/:id, methods: [GET] }\n    upstream: demo\n  - name: contract\n    match: { path: /openapi.json, methods: [GET] }\n    upstream: demo\n',
      )
  );
}

describe('the dashboard in Chromium', { timeout: 60_000 }, () => {
  const store = createSqliteStore(':memory:');
  const shots = mkdtempSync(join(tmpdir(), 'rampart-dashboard-'));
  let demo: Awaited<ReturnType<typeof startDemoApi>>;
  let rampart: Rampart;
  let browser: Browser;
  let admin: BrowserContext;
  let page: Page;
  const cspViolations: string[] = [];
  const statuses: number[] = [];
  const events: SecurityEventRecord[] = [];

  /** Sends a request through the gateway and waits until it has been recorded (log phase ended). */
  const send = async (path: string, init: RequestInit = {}): Promise<number> => {
    const response = await fetch(`${rampart.url}${path}`, init);
    await response.arrayBuffer();
    await rampart.requestFinished(response.headers.get('x-request-id') ?? '');
    statuses.push(response.status);
    return response.status;
  };
  const watch = (target: Page) => {
    target.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
  };
  const signIn = async (target: Page, token: string) => {
    await target.goto(`${rampart.adminUrl}/dashboard/`);
    await target.getByLabel('Admin token').fill(token);
    await target.getByRole('button', { name: 'Sign in' }).click();
    await target.getByRole('navigation', { name: 'Pages' }).waitFor();
  };
  const open = async (target: Page, id: string, heading: string) => {
    await target.getByRole('link', { name: heading, exact: true }).click();
    await target.getByRole('heading', { level: 1, name: heading }).waitFor();
    assert.match(target.url(), new RegExp(`#/${id}$`));
  };
  const shoot = async (target: Page, name: string) => {
    await target.setViewportSize({ width: 1280, height: 900 });
    await target.screenshot({ path: join(shots, `${name}-1280.png`), fullPage: true });
    await target.setViewportSize({ width: 390, height: 844 });
    await target.screenshot({ path: join(shots, `${name}-phone.png`), fullPage: true });
    await target.screenshot({ path: join(shots, `${name}-phone-first-screen.png`) });
    await target.setViewportSize({ width: 1280, height: 900 });
  };
  const axe = async (target: Page, name: string) => {
    await target.evaluate(axeSource);
    const violations = await target.evaluate(async () => {
      const result = await (
        globalThis as unknown as {
          axe: { run(): Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }> };
        }
      ).axe.run();
      return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }));
    });
    // None at all: not only no serious or critical one (the issue's bar), no moderate or minor either.
    assert.deepEqual(violations, [], `${name}: ${JSON.stringify(violations)}`);
  };

  before(async () => {
    demo = await startDemoApi({ host: '127.0.0.1', port: 0 });
    await seedDemoIdentities(store, Date.now());
    ({ rampart } = await startTestRampart({
      config: { text: configText(demo.url) },
      store,
      env: { ADMIN_TOKEN, READ_TOKEN },
    }));
    // The inventory announces the shadow endpoint when it flushes; the pages are read after that.
    let shadowAnnounced: () => void = () => {};
    const shadowEvent = new Promise<void>((resolve) => {
      shadowAnnounced = resolve;
    });
    rampart.onSecurityEvent((event) => {
      events.push(event);
      if (event.policy === 'inventory') shadowAnnounced();
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    admin = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await admin.newPage();
    page.setDefaultTimeout(10_000);
    watch(page);

    // Traffic: allowed calls, refused callers and blocked attacks.
    const bob = { headers: { 'x-api-key': BOB } };
    for (let i = 0; i < 6; i++) assert.equal(await send('/users/2', bob), 200);
    assert.equal(await send('/users', { headers: { 'x-api-key': ALICE } }), 200);
    assert.equal(await send('/v1/users/2', bob), 200);
    assert.equal(await send('/debug/crash'), 500);
    assert.equal(await send('/openapi.json'), 200);
    await shadowEvent;
    assert.equal(await send('/users/2'), 401);
    assert.equal(await send('/users/3', bob), 403);
    assert.equal(await send(`/users/2?q=${encodeURIComponent("' OR '1'='1' --")}`, bob), 403);
    const xss = JSON.stringify({
      userId: 2,
      note: `<script>alert(1)</script> ${SECRET_IN_ATTACK}`,
      items: [{ sku: 'BOOK-001', quantity: 1, unitPrice: 1 }],
    });
    assert.equal(
      await send('/orders', {
        method: 'POST',
        headers: { ...bob.headers, 'content-type': 'application/json' },
        body: xss,
      }),
      403,
    );
  });
  after(async () => {
    await browser?.close();
    await rampart?.close();
    await demo?.close();
    await store.close();
    process.stdout.write(`# dashboard screenshots: ${shots}\n`);
  });

  test('serves the page with a strict CSP, and asks for a token first', async () => {
    const response = await fetch(`${rampart.adminUrl}/dashboard/`);
    const csp = response.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    const html = await response.text();
    assert.doesNotMatch(html, /<script>|<style|style=/, 'no inline script or style');
    assert.equal((await fetch(`${rampart.adminUrl}/traffic`)).status, 401);

    const started = Date.now();
    await page.goto(`${rampart.adminUrl}/dashboard/`);
    await page.getByLabel('Admin token').waitFor();
    // Navigation timing, read in the page (this file is type-checked without the DOM library).
    const timing = (await page.evaluate(
      "(() => { const [nav] = performance.getEntriesByType('navigation'); return { domContentLoaded: nav.domContentLoadedEventEnd, load: nav.loadEventEnd }; })()",
    )) as { domContentLoaded: number; load: number };
    process.stdout.write(
      `# dashboard load: DOMContentLoaded ${timing.domContentLoaded.toFixed(0)} ms, load ${timing.load.toFixed(0)} ms, sign-in form shown after ${Date.now() - started} ms\n`,
    );
    await page.getByLabel('Admin token').fill('not-the-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'not accepted' }).waitFor();
    await axe(page, 'sign-in');
    await shoot(page, '0-sign-in');
  });

  test('Overview shows the requests, error and block rates and the routes of the last hour', async () => {
    await signIn(page, ADMIN_TOKEN);
    assert.equal(await page.evaluate(() => JSON.stringify(localStorage)), '{}', 'nothing in local storage');
    const stored = await page.evaluate(() => sessionStorage.getItem('rampart.session') ?? '');
    assert.doesNotMatch(stored, new RegExp(ADMIN_TOKEN), 'the admin token itself is not kept');
    assert.doesNotMatch(page.url(), /token/);

    await open(page, 'overview', 'Overview');
    const total = statuses.length;
    const blocked = statuses.filter((status) => status === 401 || status === 403).length;
    const stat = (id: string) => page.locator(`[data-stat="${id}"] dd`);
    await stat('requests')
      .filter({ hasText: new RegExp(`^${total}$`) })
      .waitFor();
    assert.equal(await stat('block-rate').textContent(), `${((blocked / total) * 100).toFixed(1)}%`);
    const errors = statuses.filter((status) => status >= 500).length;
    assert.equal(await stat('error-rate').textContent(), `${((errors / total) * 100).toFixed(1)}%`);
    assert.equal(
      await page.locator('tr[data-route="debug"] td').nth(1).textContent(),
      '100.0%',
      'the crash is a server error',
    );
    assert.match((await stat('p50').textContent()) ?? '', /\d+(\.\d+)? m?s/);
    const user = page.locator('tr[data-route="user"]');
    const userCalls = 6 + 3; // bob's six, the anonymous call, carol's profile, the injection
    assert.equal(await user.locator('td').first().textContent(), String(userCalls));
    assert.equal(await user.locator('td').nth(2).textContent(), `${((3 / userCalls) * 100).toFixed(1)}%`);
    await page.locator('.chart canvas').first().waitFor();
    // Live: a new request shows up at the next refresh, without reloading the page.
    await send('/health');
    await stat('requests')
      .filter({ hasText: new RegExp(`^${total + 1}$`) })
      .waitFor();
    // One route's figures: the attack on /orders was its only call.
    await page.getByLabel('Figures and charts for').selectOption('orders');
    await stat('block-rate').filter({ hasText: '100.0%' }).waitFor();
    assert.equal(await stat('requests').textContent(), '1');
    await page.getByLabel('Figures and charts for').selectOption('');
    await stat('requests')
      .filter({ hasText: new RegExp(`^${total + 1}$`) })
      .waitFor();
    await axe(page, 'overview');
    await shoot(page, '1-overview');
  });

  test('Security events lists the blocked attacks, filters them and shows redacted evidence', async () => {
    await open(page, 'events', 'Security events');
    const rows = page.locator('tr[data-event]');
    const count = page.getByTestId('event-count');
    await count.filter({ hasText: new RegExp(`^${events.length} matching events;`) }).waitFor();
    const all = await rows.count();
    assert.equal(all, events.length);
    assert.ok(all >= 4, `401, 403 (object rule), SQL injection and XSS: ${all} events`);
    const text = (await page.locator('table.events').textContent()) ?? '';
    assert.match(text, /detect/);
    assert.match(text, /api-key|authorize/);
    assert.ok(!text.includes(SECRET_IN_ATTACK), 'the secret in the attack is redacted');

    // The SQL injection's denial is in the audit trail (detect's denials are recorded), carol's is not.
    const injection = events.find((event) => event.policy === 'detect' && event.route === 'user')!;
    await page.getByRole('button', { name: `Audit record of ${injection.requestId}` }).click();
    const record = page.locator(`tr:has-text("${injection.requestId}") [data-audit]`);
    assert.match((await record.getAttribute('data-audit')) ?? '', /^\d+$/);
    assert.match((await record.textContent()) ?? '', /audit record #\d+/);
    const forbidden = events.find((event) => event.policy === 'authorize' && event.outcome === 'denied')!;
    await page.getByRole('button', { name: `Audit record of ${forbidden.requestId}` }).click();
    await page.locator(`tr:has-text("${forbidden.requestId}") [data-audit="none"]`).waitFor();

    await page.getByLabel('Route').fill('orders');
    await page.getByLabel('Rule, code or policy').fill('detect');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const attacks = events.filter((event) => event.route === 'orders' && event.policy === 'detect');
    assert.ok(attacks.length > 0);
    await count.filter({ hasText: new RegExp(`^${attacks.length} matching events?;`) }).waitFor();
    for (const row of await rows.all()) assert.match((await row.textContent()) ?? '', /orders.*detect/);
    await page.getByRole('button', { name: 'Clear' }).click();
    const bob = (await store.listConsumers()).find((consumer) => consumer.name === 'bob')!;
    const bobs = events.filter((event) => event.consumerId === bob.id).length;
    await page.getByLabel('Consumer (name or id)').fill('bob');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await count.filter({ hasText: new RegExp(`^${bobs} matching events?;`) }).waitFor();
    assert.match((await rows.first().textContent()) ?? '', /bob/);
    await page.getByLabel('Client IP').fill('192.0.2.1');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByText('No events match.').waitFor();
    await page.getByRole('button', { name: 'Clear' }).click();
    // A time window after every event: none.
    await page.getByLabel('From').fill('2999-01-01T00:00:00');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByText('No events match.').waitFor();
    await page.getByRole('button', { name: 'Clear' }).click();
    await count.filter({ hasText: new RegExp(`^${events.length} matching events;`) }).waitFor();
    await axe(page, 'events');
    await shoot(page, '2-events');
    await page.setViewportSize({ width: 390, height: 844 });
    await rows.first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, '2-events-phone-cards.png') });
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  test('Inventory shows the learned endpoints with their badges and the comparison with the contract', async () => {
    await open(page, 'inventory', 'Inventory');
    const contract = page.locator('tr[data-endpoint="GET /openapi.json"]');
    await contract.filter({ hasText: 'shadow' }).waitFor();
    // The crash was answered by the gateway (error-sanitize), which proves no endpoint: undocumented only.
    const crash = page.locator('tr[data-endpoint="GET /debug/crash"]');
    assert.match((await crash.textContent()) ?? '', /undocumented/);
    const legacy = page.locator('tr[data-endpoint="GET /v1/users/{id}"]');
    assert.match((await legacy.textContent()) ?? '', /zombie \(deprecated\)/);
    assert.doesNotMatch(
      (await page.locator('tr[data-endpoint="GET /users/{id}"]').textContent()) ?? '',
      /shadow|zombie/,
    );
    await page.locator('[data-stat="shadow"] dd').filter({ hasText: /^1$/ }).waitFor();
    assert.match((await page.locator('[data-list="unused"]').textContent()) ?? '', /DELETE \/users\/\{id\}/);
    await axe(page, 'inventory');
    await shoot(page, '3-inventory');
  });

  test('a key issued in the UI authenticates a request; rotation keeps the old one for its grace', async () => {
    await open(page, 'consumers', 'Consumers & keys');
    await page.getByLabel('Name').fill('dana');
    await page.getByLabel('Roles (comma separated)').fill('admin');
    await page.getByRole('button', { name: 'Create consumer' }).click();
    await page.getByRole('heading', { name: 'Keys of dana' }).waitFor();
    await page.getByRole('button', { name: 'Issue a key' }).click();
    const keyField = page.getByLabel('API key', { exact: true });
    await keyField.waitFor();
    const key = await keyField.inputValue();
    assert.match(key, /^rmp_/);
    assert.equal(await send('/users', { headers: { 'x-api-key': key } }), 200);
    assert.equal(await send('/users', { headers: { 'x-api-key': 'rmp_live_not0a0real0key' } }), 401);
    await axe(page, 'consumers with a new key');
    await shoot(page, '4-consumers-new-key');
    await page.getByRole('button', { name: 'Done' }).click();
    assert.equal(await keyField.count(), 0, 'the key is gone once dismissed');

    await page.getByRole('button', { name: /^Rotate / }).click();
    const rotated = await page.getByLabel('API key', { exact: true }).inputValue();
    assert.notEqual(rotated, key);
    assert.equal(await send('/users', { headers: { 'x-api-key': rotated } }), 200);
    assert.equal(await send('/users', { headers: { 'x-api-key': key } }), 200, 'the old key is in grace');
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('button', { name: /^Revoke / }).click();
    await page.getByRole('button', { name: /^Confirm revoking / }).click();
    await page.locator('tr[data-key] .badge-revoked').waitFor();
    assert.equal(await send('/users', { headers: { 'x-api-key': rotated } }), 401, 'revoked');
    // Disabling dana ends the old key's grace too; enabling her brings it back.
    await page.getByRole('button', { name: 'Disable dana' }).click();
    await page.getByRole('button', { name: 'Enable dana' }).waitFor();
    assert.equal(await send('/users', { headers: { 'x-api-key': key } }), 401, 'disabled');
    await page.getByRole('button', { name: 'Enable dana' }).click();
    await page.getByRole('button', { name: 'Disable dana' }).waitFor();
    assert.equal(await send('/users', { headers: { 'x-api-key': key } }), 200, 'enabled again');
  });

  test('a read-only session sees consumers but cannot create one or issue a key', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const reader = await context.newPage();
      reader.setDefaultTimeout(10_000);
      watch(reader);
      await signIn(reader, READ_TOKEN);
      await reader.getByText('read-only', { exact: true }).waitFor();
      await open(reader, 'consumers', 'Consumers & keys');
      await reader.getByText('Signed in read-only').waitFor();
      await reader.locator('tr[data-consumer="dana"]').waitFor();
      assert.equal(await reader.getByRole('button', { name: 'Create consumer' }).count(), 0);
      await reader.getByRole('button', { name: 'Keys of dana' }).click();
      await reader.getByRole('heading', { name: 'Keys of dana' }).waitFor();
      assert.equal(await reader.getByRole('button', { name: 'Issue a key' }).count(), 0);
      // The API refuses the session's writes too, whatever the page shows.
      const statuses = await reader.evaluate(async () => {
        const session = JSON.parse(sessionStorage.getItem('rampart.session') ?? '{}') as { token: string };
        const headers = { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' };
        const create = await fetch('/consumers', { method: 'POST', headers, body: '{"name":"eve"}' });
        const list = (await (await fetch('/consumers', { headers })).json()) as {
          id: string;
          name: string;
        }[];
        const dana = list.find((each) => each.name === 'dana')!;
        const issue = await fetch(`/consumers/${dana.id}/keys`, { method: 'POST', headers, body: '{}' });
        return [create.status, issue.status];
      });
      assert.deepEqual(statuses, [403, 403]);
      await axe(reader, 'consumers read-only');
      await shoot(reader, '5-consumers-read-only');
    } finally {
      await context.close();
    }
  });

  test('Posture shows the check report per route, the audit score of the demo spec and the last scan', async () => {
    // A scan report as `rampart scan --format json` writes it (typed by the scanner's own result type).
    const report: ScanResult = {
      target: rampart.url,
      version: '0.1.0',
      startedAt: new Date().toISOString(),
      findings: [
        {
          check: 'bola',
          title: 'Object level authorization missing',
          severity: 'high',
          owasp: 'API1:2023',
          cwe: 639,
          operation: 'GET /orders/{id}',
          description: 'Another user’s order was returned.',
          evidence: [{ note: 'user 2 read order 7 of user 3' }],
          curl: 'curl "$TARGET/orders/7" -H "x-api-key: $KEY_B"',
          fix: {
            route: { methods: ['GET'], path: '/orders/{id}' },
            policies: { authorize: { objects: [{ name: 'own-order', paths: ['/orders/:id'] }] } },
            note: 'the order must belong to the caller',
          },
        },
      ],
      checks: [],
      requests: 12,
      requestsByMethod: { GET: 12 },
      operations: 13,
      exercised: 5,
      leftovers: [],
      fixes: [],
      unanswered: 0,
      destructiveSkipped: [],
      durationMs: 1000,
      safe: true,
    };
    const posted = await fetch(`${rampart.adminUrl}/scan-report`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(report),
    });
    assert.equal(posted.status, 201);
    await open(page, 'posture', 'Posture');
    await page.locator('tr[data-route="user"]').waitFor();
    const row = (await page.locator('tr[data-route="user"]').textContent()) ?? '';
    assert.match(row, /api-key/);
    assert.match(row, /detect/);
    const score = await page.locator('[data-score]').first().getAttribute('data-score');
    assert.ok(score !== null && Number(score) >= 0 && Number(score) <= 100);
    const scan = page.locator('.scan-finding');
    await scan.getByText('Object level authorization missing').click();
    assert.match((await scan.textContent()) ?? '', /the order must belong to the caller/);
    assert.match((await scan.locator('pre').textContent()) ?? '', /own-order/);
    await axe(page, 'posture');
    await shoot(page, '6-posture');
  });

  test('Config shows the running version, the reloads and the refusals', async () => {
    await assert.rejects(rampart.reload({ text: 'version: 1\nroutes: nope\n' }));
    await rampart.reload({ text: configText(demo.url) });
    await open(page, 'config', 'Config');
    await page.locator('[data-stat="refusals"] dd').filter({ hasText: '1' }).waitFor();
    assert.equal(
      await page.locator('[data-stat="version"] dd').textContent(),
      String(rampart.gateway.versionId),
    );
    assert.equal(await page.locator('tr[data-reload="success"]').count(), 2);
    assert.match((await page.locator('tr[data-reload="failure"]').textContent()) ?? '', /routes/);
    await axe(page, 'config');
    await shoot(page, '7-config');
    assert.deepEqual(cspViolations, []);
  });

  test('works from the keyboard: a skip link first, then the pages by Tab and Enter', async () => {
    await page.reload();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate('document.activeElement.textContent'), 'Skip to content');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate('document.activeElement.id'), 'main');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    assert.equal(await page.evaluate('document.activeElement.textContent'), 'Config');
    await page.keyboard.press('Shift+Tab');
    assert.equal(await page.evaluate('document.activeElement.textContent'), 'Posture');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Posture' }).waitFor();
  });

  test('a session ended on the server sends the page back to sign-in', async () => {
    const context = await browser.newContext();
    try {
      const other = await context.newPage();
      other.setDefaultTimeout(10_000);
      await signIn(other, READ_TOKEN);
      const token = await other.evaluate(
        () => (JSON.parse(sessionStorage.getItem('rampart.session') ?? '{}') as { token: string }).token,
      );
      await fetch(`${rampart.adminUrl}/session`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${token}` },
      });
      // The next call the page makes (a poll, or the reload's) is refused (401): the page forgets the
      // session and asks again.
      await other.reload();
      await other.getByText('Your session has ended').waitFor();
      assert.equal(await other.evaluate(() => sessionStorage.getItem('rampart.session')), null);
    } finally {
      await context.close();
    }
  });

  test('signing out ends the session on the server', async () => {
    const token = await page.evaluate(
      () => (JSON.parse(sessionStorage.getItem('rampart.session') ?? '{}') as { token: string }).token,
    );
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Admin token').waitFor();
    const response = await fetch(`${rampart.adminUrl}/traffic`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(response.status, 401);
  });
});
