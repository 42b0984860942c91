// `rampart audit SPEC`: a static security review of an OpenAPI document, as text, JSON or SARIF;
// exit code 1 when a finding reaches the --fail-on threshold (for CI).
import { parseArgs } from 'node:util';
import {
  auditSpecFile,
  formatJson,
  formatSarif,
  formatText,
  reaches,
  SEVERITIES,
  type Severity,
} from '../audit/index.ts';
import { type CliIo, pathIn } from './io.ts';
import { VERSION } from './version.ts';

const HELP = `Usage: rampart audit SPEC [--format text|json|sarif] [--fail-on low|medium|high]

Reviews an OpenAPI 3.0/3.1 document for security gaps: operations without security requirements,
plain-HTTP servers, unbounded request strings/arrays/numbers, request objects open to undeclared
members (mass assignment), undocumented 401/403/429 responses, sensitive-looking response members
and integer ids in paths (BOLA risk). Prints a score out of 100 and each finding with file:line.
Exit code 1 when a finding's severity reaches --fail-on (default: high), 2 on usage errors.`;

const FORMATS = ['text', 'json', 'sarif'] as const;

/** Runs `rampart audit`. */
export async function runAudit(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      format: { type: 'string', default: 'text' },
      'fail-on': { type: 'string', default: 'high' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help === true) {
    io.stdout.write(`${HELP}\n`);
    return 0;
  }
  const format = values.format as (typeof FORMATS)[number];
  const failOn = values['fail-on'] as Severity;
  if (positionals.length !== 1 || !FORMATS.includes(format) || !SEVERITIES.includes(failOn)) {
    io.stderr.write(`${HELP}\n`);
    return 2;
  }
  const file = positionals[0]!;
  let report: ReturnType<typeof auditSpecFile>;
  try {
    report = auditSpecFile(pathIn(io, file), file);
  } catch (error) {
    io.stderr.write(`rampart audit: ${(error as Error).message}\n`);
    return 2;
  }
  const output =
    format === 'json'
      ? formatJson(report)
      : format === 'sarif'
        ? formatSarif(report, VERSION)
        : formatText(report, io.stdout.isTTY === true);
  io.stdout.write(output);
  return report.findings.some((finding) => reaches(finding.severity, failOn)) ? 1 : 0;
}
