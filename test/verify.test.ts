// `rampart verify` over sockets: a real gateway (started in-process) in front of the demo API;
// verify proves its 401s, 429s and unknown-field refusals, and fails where a config claims more
// than the running gateway enforces.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type DemoApi, startDemoApi } from '../examples/demo-api/server.ts';
import type { Rampart } from '../src/index.ts';
import { createSqliteStore } from '../src/store/sqlite-store.ts';
import { runCliInProcess } from './helpers/cli.ts';
import { startTestRampart } from './helpers/rampart.ts';

const SPEC = resolve(import.meta.dirname, '../examples/demo-api/openapi.yaml');
const dir = mkdtempSync(join(tmpdir(), 'rampart-verify-'));
const CONFIG = join(dir, 'rampart.yaml');
const CLAIMED = join(dir, 'claimed.yaml');
let api: DemoApi;
let gateway: Rampart;

function configText(upstream: string, healthPolicies = ''): string {
  return `version: 1
server: { http: { port: 0 } }
admin: { enabled: false }
store: { sqlite: ${join(dir, 'identities.db')} }
upstreams:
  demo: { url: ${upstream} }
routes:
  - name: health
    match: { path: /health, methods: [GET] }
    upstream: demo
${healthPolicies}
  - name: users
    match: { path: /users }
    upstream: demo
    policies:
      methods: { allow: [GET, POST] }
      api-key: {}
      rate-limit: { rules: [{ name: per-consumer, limit: 5/m }] }
      openapi-validate: { spec: ${SPEC} }
  - name: order
    match: { path: /orders/:id }
    upstream: demo
    policies:
      methods: { allow: [GET] }
      api-key: {}
`;
}

interface Report {
  identity: string;
  requests: number;
  results: Array<{ route: string; check: string; outcome: string; detail: string }>;
}

function outcomes(report: Report): string[] {
  return report.results.map((r) => `${r.route} ${r.check} ${r.outcome}`).sort();
}

describe('verify', () => {
  before(async () => {
    api = await startDemoApi({ port: 0 });
    writeFileSync(CONFIG, configText(api.url));
    // A config that claims a rate limit and an API key on /health, which the running gateway lacks.
    writeFileSync(
      CLAIMED,
      configText(
        api.url,
        '    policies:\n      api-key: {}\n      rate-limit: { rules: [{ name: tight, limit: 2/m }] }\n',
      ),
    );
    gateway = (await startTestRampart({ config: { file: CONFIG, watch: false } })).rampart;
  });

  after(async () => {
    await gateway.close();
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('rampart verify', () => {
    test('proves 401 without credentials, unknown fields refused and 429 within the burst', async () => {
      const run = await runCliInProcess([
        'verify',
        '-c',
        CONFIG,
        '--target',
        gateway.url,
        '--format',
        'json',
      ]);
      assert.equal(run.code, 0, run.stdout + run.stderr);
      const report = JSON.parse(run.stdout) as Report;
      assert.deepEqual(outcomes(report), [
        'health authentication skip',
        'order authentication pass',
        'users authentication pass',
        'users rate-limit pass',
        'users unknown-fields pass',
        'users unknown-fields pass',
      ]);
      assert.match(report.identity, /temporary consumer rampart-verify-/);
      assert.ok(report.requests <= 20, String(report.requests));
      assert.doesNotMatch(run.stdout, /rmp_live_\w{20,}/);
    });

    test('disables the temporary consumer and revokes its key when it ends', async () => {
      const store = createSqliteStore(join(dir, 'identities.db'));
      try {
        const temporary = (await store.listConsumers()).filter((c) => c.name.startsWith('rampart-verify-'));
        assert.ok(temporary.length > 0);
        for (const consumer of temporary) {
          assert.equal(consumer.enabled, false);
          for (const key of await store.listApiKeys(consumer.id)) assert.notEqual(key.revokedAt, undefined);
        }
      } finally {
        await store.close();
      }
    });

    test('fails where the config claims a protection the running gateway does not enforce', async () => {
      const run = await runCliInProcess([
        'verify',
        '-c',
        CLAIMED,
        '--target',
        gateway.url,
        '--format',
        'json',
      ]);
      assert.equal(run.code, 1, run.stderr);
      const report = JSON.parse(run.stdout) as Report;
      const health = report.results.filter((r) => r.route === 'health').map((r) => `${r.check} ${r.outcome}`);
      assert.ok(health.includes('authentication fail'), health.join());
    });

    test('answers 2 to a config that does not load', async () => {
      const run = await runCliInProcess(['verify', '-c', join(dir, 'missing.yaml'), '--target', gateway.url]);
      assert.equal(run.code, 2);
    });
  });
});
