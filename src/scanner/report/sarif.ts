// SARIF 2.1.0 (OASIS) output for code-scanning UIs: one rule per check and title, one result per finding.
import type { ScanResult } from '../runner.ts';
import { OWASP, type Severity } from '../types.ts';

const LEVEL: Record<Severity, 'note' | 'warning' | 'error'> = {
  info: 'note',
  low: 'note',
  medium: 'warning',
  high: 'error',
  critical: 'error',
};
const SCORE: Record<Severity, string> = {
  info: '0.0',
  low: '3.0',
  medium: '5.0',
  high: '8.0',
  critical: '9.5',
};

function ruleId(check: string, title: string): string {
  return `${check}/${title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60)}`;
}

/** Renders a scan result as a SARIF 2.1.0 log. */
export function toSarif(result: ScanResult, specUri: string, version: string): object {
  const rules = new Map<string, object>();
  for (const f of result.findings) {
    const id = ruleId(f.check, f.title.replace(/:.*$/, ''));
    if (rules.has(id)) continue;
    rules.set(id, {
      id,
      name: f.check,
      shortDescription: { text: f.title.replace(/:.*$/, '') },
      helpUri: 'https://owasp.org/API-Security/editions/2023/en/0x11-t10/',
      properties: { tags: ['security', f.owasp, `CWE-${f.cwe}`], 'security-severity': SCORE[f.severity] },
    });
  }
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'rampart-scan',
            version,
            informationUri: 'https://github.com/rampart',
            rules: [...rules.values()],
          },
        },
        invocations: [
          {
            executionSuccessful: true,
            properties: {
              target: result.target,
              requests: result.requests,
              durationMs: result.durationMs,
              startedAt: result.startedAt,
              leftovers: result.leftovers,
            },
          },
        ],
        results: result.findings.map((f) => ({
          ruleId: ruleId(f.check, f.title.replace(/:.*$/, '')),
          level: LEVEL[f.severity],
          message: { text: `${f.title}. ${f.description}` },
          locations: [
            {
              physicalLocation: { artifactLocation: { uri: specUri } },
              logicalLocations: [{ name: f.operation, kind: 'function' }],
            },
          ],
          properties: {
            severity: f.severity,
            owasp: `${f.owasp} ${OWASP[f.owasp] ?? ''}`.trim(),
            cwe: `CWE-${f.cwe}`,
            curl: f.curl,
            evidence: f.evidence,
            ...(f.fix === undefined ? {} : { rampartFix: f.fix }),
          },
        })),
      },
    ],
  };
}
