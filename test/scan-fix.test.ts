// From finding to fix, through the gateway: the notes lab is scanned, the fix blocks the scan emits
// (those that need no missing feature) become routes of a real gateway in front of the lab, and the
// same checks run again through the gateway no longer find those flaws.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { type LabApi, startLabApi } from '../examples/lab-api/server.ts';
import { loadAuthProfile } from '../src/scanner/identities.ts';
import { runScan, type ScanResult } from '../src/scanner/runner.ts';
import { loadScanSpecs } from '../src/scanner/spec.ts';
import type { FixBlock } from '../src/scanner/types.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const SPEC = fileURLToPath(new URL('../examples/lab-api/openapi.yaml', import.meta.url));
const AUTH = fileURLToPath(new URL('../examples/lab-api/scan-auth.yaml', import.meta.url));
const operations = loadScanSpecs([SPEC]);
const identities = loadAuthProfile(AUTH);
/** Checks whose lab flaws have blocks Rampart can load today. */
const ONLY = ['mass-assignment', 'data-exposure', 'ssrf', 'undocumented', 'rate-limit'];

let lab: LabApi;
let gateway: TestGateway;
let direct: ScanResult;

/** The gateway config: one route per ready fix block, then everything else as it is. */
function configOf(fixes: readonly FixBlock[], upstream: string): string {
  const withSpec = (policies: Readonly<Record<string, unknown>>): Record<string, unknown> =>
    JSON.parse(JSON.stringify(policies).replaceAll('"openapi.yaml"', JSON.stringify(SPEC))) as Record<
      string,
      unknown
    >;
  return stringify({
    version: 1,
    server: { http: { port: 0 } },
    upstreams: { lab: { url: upstream } },
    routes: [
      ...fixes.map((fix, i) => ({
        name: `fix-${i}`,
        match: {
          path: fix.route.path,
          ...(fix.route.methods.length > 0 ? { methods: fix.route.methods } : {}),
        },
        upstream: 'lab',
        policies: withSpec(fix.policies),
      })),
      { name: 'rest', match: { path: '/*' }, upstream: 'lab' },
    ],
  });
}

before(async () => {
  lab = await startLabApi({ vulnerable: true });
  direct = await runScan({ target: new URL(lab.url), operations, identities, only: ONLY });
  const ready = direct.fixes.filter((fix) => fix.requires === undefined && fix.route.path !== '/**');
  gateway = await startTestGateway(configOf(ready, lab.url));
});

after(async () => {
  await gateway.close();
  await lab.close();
});

describe('scan findings fixed by their own blocks', () => {
  it('finds the flaws directly, and none of them through the gateway', async () => {
    const found = direct.findings.map((f) => `${f.check} ${f.operation}`);
    assert.ok(found.includes('data-exposure GET /api/v2/directory'), found.join('; '));
    assert.ok(found.includes('ssrf POST /api/v2/webhooks/test'), found.join('; '));
    assert.ok(found.includes('undocumented GET /api/v2/actuator/env'), found.join('; '));
    assert.ok(found.includes('rate-limit POST /oauth/token'), found.join('; '));
    assert.ok(found.includes('mass-assignment POST /api/v2/signup'), found.join('; '));
    assert.ok(found.includes('mass-assignment PATCH /api/v2/me'), found.join('; '));
    const through = await runScan({ target: new URL(gateway.url), operations, identities, only: ONLY });
    assert.deepEqual(
      through.findings.map((f) => `${f.check} ${f.operation} ${f.title}`),
      [],
    );
    // The same operations were tried through the gateway, and answered.
    for (const id of ['ssrf', 'undocumented'])
      assert.ok((through.checks.find((c) => c.id === id)?.tested ?? 0) > 0, id);
    assert.equal(through.unanswered, 0);
    // …and refused by the fix routes, not by the lab.
    const refusedAt = new Set(
      gateway.logLines
        .map((line) => JSON.parse(line) as { msg?: string; route?: string; path?: string; status?: number })
        .filter((e) => e.msg === 'access' && e.route?.startsWith('fix-') === true && (e.status ?? 0) >= 400)
        .map((e) => e.path),
    );
    for (const path of [
      '/api/v2/directory',
      '/api/v2/webhooks/test',
      '/api/v2/actuator/env',
      '/oauth/token',
      '/api/v2/signup',
      '/api/v2/me',
    ])
      assert.ok(refusedAt.has(path), `${path} not refused by a fix route`);
  });
});
