// Renders an audit report: a grouped terminal summary (colored on a TTY), JSON, or SARIF 2.1.0 for
// code-scanning UIs (OASIS SARIF v2.1.0: one run, rules in tool.driver, one result per finding).
import { type AuditReport, RULES, SEVERITIES, type Severity } from './findings.ts';

const COLOR: Record<Severity, string> = { high: '\u001b[31m', medium: '\u001b[33m', low: '\u001b[36m' };
const RESET = '\u001b[0m';

/** The terminal report: score, then findings grouped by severity (highest first) and rule. */
export function formatText(report: AuditReport, color: boolean): string {
  const paint = (severity: Severity, text: string) => (color ? `${COLOR[severity]}${text}${RESET}` : text);
  const lines = [
    `${report.file}: ${report.title} — ${report.operations} operations, score ${report.score}/100`,
  ];
  for (const severity of [...SEVERITIES].reverse()) {
    const group = report.findings.filter((f) => f.severity === severity);
    if (group.length === 0) continue;
    lines.push('', paint(severity, `${severity.toUpperCase()} (${group.length})`));
    for (const rule of RULES.filter((r) => r.severity === severity)) {
      const hits = group.filter((f) => f.rule === rule.id);
      if (hits.length === 0) continue;
      lines.push(`  ${rule.id}: ${rule.title} (${hits.length})`, `    fix: ${rule.fix}`);
      for (const hit of hits.slice(0, 10)) {
        lines.push(`    ${report.file}${hit.line === undefined ? '' : `:${hit.line}`} ${hit.message}`);
      }
      if (hits.length > 10) lines.push(`    … and ${hits.length - 10} more`);
    }
  }
  if (report.findings.length === 0) lines.push('', 'no findings');
  return `${lines.join('\n')}\n`;
}

/** The JSON report. */
export function formatJson(report: AuditReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  high: 'error',
  medium: 'warning',
  low: 'note',
};

/** The SARIF 2.1.0 log. */
export function formatSarif(report: AuditReport, version: string): string {
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'rampart-audit',
            version,
            informationUri: 'https://github.com/rampart-gateway/rampart',
            rules: RULES.map((rule) => ({
              id: rule.id,
              shortDescription: { text: rule.title },
              help: { text: rule.fix },
              defaultConfiguration: { level: LEVEL[rule.severity] },
              properties: { severity: rule.severity },
            })),
          },
        },
        results: report.findings.map((finding) => ({
          ruleId: finding.rule,
          ruleIndex: RULES.findIndex((rule) => rule.id === finding.rule),
          level: LEVEL[finding.severity],
          message: { text: finding.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: report.file },
                ...(finding.line === undefined ? {} : { region: { startLine: finding.line } }),
              },
              logicalLocations: [{ fullyQualifiedName: finding.pointer, kind: 'member' }],
            },
          ],
        })),
        properties: { score: report.score, operations: report.operations },
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
