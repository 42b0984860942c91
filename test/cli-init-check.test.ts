// rampart init and rampart check on the command line: init refuses what it must not do (overwrite,
// a secret given inline), check reports a weak JWT secret that was let in with allowWeakSecret.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCliInProcess } from './helpers/cli.ts';

const SPEC = fileURLToPath(new URL('./fixtures/shaped-api/openapi.yaml', import.meta.url));

describe('rampart init and check', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rampart-init-cli-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('init writes a config that validate accepts, and never overwrites one without --force', async () => {
    const args = ['init', '--spec', SPEC, '--upstream', 'http://127.0.0.1:9', '--admins', 'admin'];
    const first = await runCliInProcess(args, { cwd: dir, env: {} });
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /decided:/);
    const valid = await runCliInProcess(['validate', '-c', 'rampart.yaml'], { cwd: dir, env: {} });
    assert.equal(valid.code, 0, valid.stderr + valid.stdout);
    const again = await runCliInProcess(args, { cwd: dir, env: {} });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /--force/);
  });

  test('init takes the JWT secret only as a reference', async () => {
    const inline = await runCliInProcess(
      [
        'init',
        '--spec',
        SPEC,
        '--upstream',
        'http://127.0.0.1:9',
        '--out',
        'x.yaml',
        '--jwt-secret',
        'random',
      ],
      { cwd: dir, env: {} },
    );
    assert.equal(inline.code, 2);
    assert.match(inline.stderr, /reference/);
  });

  test('check reports a weak JWT secret as high even when allowWeakSecret let it load', async () => {
    writeFileSync(
      join(dir, 'weak.yaml'),
      `version: 1
upstreams: { api: { url: "http://127.0.0.1:9" } }
routes:
  - name: api
    match: { path: /api/* }
    upstream: api
    policies:
      jwt: { secret: "env:API_SECRET", requireIssuer: false, requireAudience: false, allowWeakSecret: true }
`,
    );
    const result = await runCliInProcess(['check', '-c', 'weak.yaml', '--format', 'json'], {
      cwd: dir,
      env: { API_SECRET: 'random' },
    });
    const report = JSON.parse(result.stdout) as {
      findings: Array<{ rule: string; severity: string; route: string }>;
    };
    const weak = report.findings.find((finding) => finding.rule === 'weak-jwt-secret');
    assert.equal(weak?.severity, 'high');
    assert.equal(weak?.route, 'routes[0].policies.jwt');
    assert.equal(result.code, 1);
    assert.doesNotMatch(result.stdout, /"random"/);
  });
});
