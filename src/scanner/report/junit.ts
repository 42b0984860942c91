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
  lines.push(
    `<testsuites name="rampart scan" tests="${result.checks.length}" failures="${result.findings.length}" time="${(result.durationMs / 1000).toFixed(3)}">`,
  );
  for (const check of result.checks) {
    const findings = result.findings.filter((f) => f.check === check.id);
    lines.push(
      `  <testsuite name="${xmlEscape(check.id)}" tests="${Math.max(1, findings.length)}" failures="${findings.length}">`,
    );
    if (findings.length === 0)
      lines.push(`    <testcase classname="${xmlEscape(check.id)}" name="no finding"/>`);
    for (const f of findings) {
      lines.push(
        `    <testcase classname="${xmlEscape(check.id)}" name="${xmlEscape(`${f.operation}: ${f.title}`)}">`,
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
