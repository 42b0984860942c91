// `rampart audit` on the demo API's spec and on GitHub's public description: stable findings
// (snapshots in test/fixtures) and SARIF 2.1.0 that validates against the OASIS JSON schema.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { type AuditReport, auditSpecFile, formatSarif, formatText, reaches } from '../src/audit/index.ts';
import { runCliInProcess } from './helpers/cli.ts';
import { sarifValidator } from './helpers/sarif.ts';

const ROOT = resolve(import.meta.dirname, '..');
const DEMO = 'examples/demo-api/openapi.yaml';
const require = createRequire(import.meta.url);
const GITHUB = relative(
  ROOT,
  join(dirname(require.resolve('@octokit/openapi/package.json')), 'generated/api.github.com.json'),
);
const UPDATE = process.env.UPDATE_SNAPSHOTS === '1';

/** Compares with a stored snapshot (written instead when UPDATE_SNAPSHOTS=1). */
function matchesSnapshot(name: string, value: unknown): void {
  const file = join(ROOT, 'test/fixtures', name);
  const text = `${JSON.stringify(value, null, 2)}\n`;
  if (UPDATE) writeFileSync(file, text);
  assert.deepEqual(JSON.parse(text), JSON.parse(readFileSync(file, 'utf8')));
}

function summary(report: AuditReport) {
  const perRule: Record<string, number> = {};
  for (const finding of report.findings) perRule[finding.rule] = (perRule[finding.rule] ?? 0) + 1;
  return { operations: report.operations, score: report.score, perRule };
}

describe('rampart audit', () => {
  const demo = auditSpecFile(join(ROOT, DEMO), DEMO);

  test('gives the demo spec stable findings with lines and a score', () => {
    matchesSnapshot('audit-demo.snapshot.json', {
      score: demo.score,
      findings: demo.findings.map((f) => `${f.severity} ${f.rule} ${f.line ?? '-'} ${f.pointer}`),
    });
    assert.ok(demo.findings.every((f) => f.line !== undefined));
  });

  test('finds what the demo contract leaves open: plain HTTP and integer ids', () => {
    const rules = new Set(demo.findings.map((f) => f.rule));
    assert.ok(rules.has('server-http'));
    assert.ok(rules.has('sequential-id'));
    assert.equal(rules.has('body-open-object'), false);
  });

  test('gives GitHub’s public description stable findings', () => {
    matchesSnapshot('audit-github.snapshot.json', summary(auditSpecFile(join(ROOT, GITHUB), GITHUB)));
  });

  test('writes SARIF 2.1.0 that validates against the SARIF schema, for both specs', () => {
    const validate = sarifValidator();
    for (const report of [demo, auditSpecFile(join(ROOT, GITHUB), GITHUB)]) {
      const log = JSON.parse(formatSarif(report, '0.1.0'));
      assert.equal(validate(log), true, JSON.stringify(validate.errors?.slice(0, 3)));
      assert.equal(log.runs[0].results.length, report.findings.length);
    }
    assert.equal(validate({ version: '2.1.0', runs: [{ tool: {} }] }), false);
  });

  test('groups the terminal report by severity without color when asked', () => {
    const text = formatText(demo, false);
    assert.ok(text.indexOf('MEDIUM') < text.indexOf('LOW'));
    assert.equal(text.includes('\u001b['), false);
  });

  test('orders severities for --fail-on', () => {
    assert.equal(reaches('high', 'medium'), true);
    assert.equal(reaches('low', 'medium'), false);
  });

  test('exits 1 when a finding reaches --fail-on and 0 when none does', async () => {
    const failing = await runCliInProcess(['audit', DEMO, '--fail-on', 'medium', '--format', 'json'], {
      cwd: ROOT,
    });
    assert.equal(failing.code, 1);
    assert.equal(JSON.parse(failing.stdout).file, DEMO);
    assert.equal((await runCliInProcess(['audit', DEMO, '--fail-on', 'high'], { cwd: ROOT })).code, 0);
    assert.equal((await runCliInProcess(['audit', DEMO, '--format', 'xml'], { cwd: ROOT })).code, 2);
  });
});
