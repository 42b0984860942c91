// From finding to fix: the notes lab is scanned, `rampart init --from-scan` merges the fix blocks of the
// findings into the config it writes from the lab's spec, and the result loads and builds.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { type LabApi, startLabApi } from '../examples/lab-api/server.ts';
import { runCliInProcess } from './helpers/cli.ts';

const SPEC = fileURLToPath(new URL('../examples/lab-api/openapi.yaml', import.meta.url));
const AUTH = fileURLToPath(new URL('../examples/lab-api/scan-auth.yaml', import.meta.url));

describe('rampart init --from-scan', () => {
  let lab: LabApi;
  const dir = mkdtempSync(join(tmpdir(), 'rampart-from-scan-'));
  before(async () => {
    lab = await startLabApi({ port: 0, vulnerable: true });
  });
  after(async () => {
    await lab.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('merges the fix blocks of a scan report into the routes it writes, and the config builds', async () => {
    const scan = await runCliInProcess(
      [
        'scan',
        '--spec',
        SPEC,
        '--target',
        lab.url,
        '--auth',
        AUTH,
        '--only',
        'mass-assignment,data-exposure',
        '--format',
        'json',
        '--out',
        'report.json',
      ],
      { cwd: dir },
    );
    assert.equal(scan.code, 1, scan.stderr);
    const init = await runCliInProcess(
      ['init', '--spec', SPEC, '--upstream', lab.url, '--from-scan', 'report.json'],
      { cwd: dir, env: {} },
    );
    assert.equal(init.code, 0, init.stderr);
    assert.match(init.stdout, /from the scan: /);
    const valid = await runCliInProcess(['validate', '-c', 'rampart.yaml'], { cwd: dir, env: {} });
    assert.equal(valid.code, 0, valid.stdout + valid.stderr);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as {
      findings: Array<{ fix?: { policies: Record<string, unknown>; requires?: string } }>;
    };
    const ready = report.findings.filter(
      (finding) => finding.fix !== undefined && finding.fix.requires === undefined,
    );
    assert.ok(ready.length > 0, 'the scan proposed fixes');
    const config = parse(readFileSync(join(dir, 'rampart.yaml'), 'utf8')) as {
      routes: Array<{ policies?: Record<string, unknown> }>;
    };
    for (const finding of ready) {
      for (const name of Object.keys(finding.fix!.policies)) {
        assert.ok(
          config.routes.some((route) => route.policies?.[name] !== undefined) || name === 'openapi-validate',
          `${name} merged into a route`,
        );
      }
    }
  });

  test('refuses a file that is not a scan report', async () => {
    const init = await runCliInProcess(
      ['init', '--spec', SPEC, '--upstream', lab.url, '--out', 'x.yaml', '--from-scan', SPEC],
      { cwd: dir, env: {} },
    );
    assert.equal(init.code, 1);
    assert.match(init.stderr, /--from-scan/);
  });
});
