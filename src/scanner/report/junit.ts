// JUnit XML for CI: one test case per check (and per operation it judged), a failure per finding.
import type { ScanResult } from '../runner.ts';

/** Escapes text for XML character data and attribute values. */
export function xmlEscape(text: string): string {
  return text.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c,
  );
}

/** Renders a scan result as JUnit XML. */
export function toJunit(result: ScanResult): string {
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
  // Findings are counted under the check that reported them (a chain may report under another id).
  const ids = [...new Set([...result.checks.map((c) => c.id), ...result.findings.map((f) => f.check)])];
  const suites = ids.map((id) => ({ id, findings: result.findings.filter((f) => f.check === id) }));
  const tests = suites.reduce((sum, s) => sum + Math.max(1, s.findings.length), 0);
  lines.push(
    `<testsuites name="rampart scan" tests="${tests}" failures="${result.findings.length}" time="${(result.durationMs / 1000).toFixed(3)}">`,
  );
  for (const { id, findings } of suites) {
    const check = result.checks.find((c) => c.id === id);
    const untested = check !== undefined && check.tested === 0 && check.skipped.length > 0;
    lines.push(
      `  <testsuite name="${xmlEscape(id)}" tests="${Math.max(1, findings.length)}" failures="${findings.length}" skipped="${findings.length === 0 && untested ? 1 : 0}">`,
    );
    if (findings.length === 0 && untested)
      lines.push(
        `    <testcase classname="${xmlEscape(id)}" name="not tested"><skipped message="${xmlEscape(check.skipped[0]?.reason ?? '')}"/></testcase>`,
      );
    else if (findings.length === 0)
      lines.push(`    <testcase classname="${xmlEscape(id)}" name="no finding"/>`);
    for (const f of findings) {
      lines.push(
        `    <testcase classname="${xmlEscape(id)}" name="${xmlEscape(`${f.operation}: ${f.title}`)}">`,
      );
      lines.push(
        `      <failure message="${xmlEscape(`${f.severity} ${f.owasp} CWE-${f.cwe}`)}" type="${xmlEscape(f.severity)}">${xmlEscape(`${f.description}\n\n${f.curl}`)}</failure>`,
      );
      lines.push('    </testcase>');
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}
