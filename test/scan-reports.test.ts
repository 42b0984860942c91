// Tests of `rampart scan` reports through the real CLI: SARIF valid against the SARIF 2.1.0 schema,
// JUnit and self-contained HTML, and the exit code chosen by --fail-on.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type DemoApi, startDemoApi } from '../examples/demo-api/server.ts';
import { runCliInProcess as runCli } from './helpers/cli.ts';
import { sarifValidator } from './helpers/sarif.ts';

const SPEC = fileURLToPath(new URL('../examples/demo-api/openapi.yaml', import.meta.url));
const AUTH = fileURLToPath(new URL('../examples/demo-api/scan-auth.yaml', import.meta.url));

let vulnerable: DemoApi;
let secure: DemoApi;
let dir: string;

before(async () => {
  vulnerable = await startDemoApi({ port: 0, vulnerable: true });
  secure = await startDemoApi({ port: 0, secure: true });
  dir = mkdtempSync(join(tmpdir(), 'rampart-scan-'));
});

after(async () => {
  await Promise.all([vulnerable.close(), secure.close()]);
  rmSync(dir, { recursive: true, force: true });
});

function scan(target: string, ...extra: string[]): ReturnType<typeof runCli> {
  return runCli(['scan', '--spec', SPEC, '--target', target, '--auth', AUTH, ...extra]);
}

describe('rampart scan reports', () => {
  it('writes SARIF that validates against the SARIF 2.1.0 schema and exits 1 on high findings', async () => {
    const out = join(dir, 'scan.sarif');
    const run = await scan(vulnerable.url, '--format', 'sarif', '--out', out, '--fail-on', 'high');
    assert.equal(run.code, 1, run.stderr);
    const log = JSON.parse(readFileSync(out, 'utf8')) as { runs: Array<{ results: unknown[] }> };
    const validate = sarifValidator();
    assert.equal(validate(log), true, JSON.stringify(validate.errors?.slice(0, 3)));
    assert.ok((log.runs[0]?.results.length ?? 0) >= 15);
    const broken = { ...log, version: '2.0.0' };
    assert.equal(validate(broken), false);
  });

  it('writes JUnit XML and a self-contained HTML report', async () => {
    const junit = await scan(
      vulnerable.url,
      '--format',
      'junit',
      '--only',
      'bola,transport',
      '--fail-on',
      'critical',
    );
    assert.equal(junit.code, 1, junit.stderr);
    assert.match(junit.stdout, /^<\?xml/);
    assert.match(junit.stdout, /<testsuite name="bola" tests="\d+" failures="[1-9]/);
    const html = await scan(vulnerable.url, '--format', 'html', '--only', 'bfla');
    assert.match(html.stdout, /<!doctype html>/);
    assert.doesNotMatch(html.stdout, /<script|<link|src="http/);
  });

  it('exits 0 against the secure mode and 2 on a usage error', async () => {
    const run = await scan(secure.url, '--format', 'json', '--fail-on', 'low');
    assert.equal(run.code, 0, run.stderr);
    assert.equal((JSON.parse(run.stdout) as { findings: unknown[] }).findings.length, 0);
    assert.equal((await runCli(['scan', '--spec', SPEC])).code, 2);
    assert.equal((await scan(secure.url, '--only', 'no-such-check')).code, 2);
  });
});
