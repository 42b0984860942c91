// `rampart check -c rampart.yaml`: the posture of a gateway config in one screen — per route, which
// protections are enforced, monitored or missing; exit code 1 when a finding reaches --fail-on.
import { parseArgs } from 'node:util';
import { reaches, SEVERITIES, type Severity } from '../audit/index.ts';
import { formatPosture, postureOf } from '../audit/posture.ts';
import { formatConfigError } from '../config/errors.ts';
import { loadConfigFile } from '../config/load.ts';
import { weakJwtSecrets } from '../policies/jwt/key-binding.ts';
import { POLICY_DEFINITIONS } from '../policies/registry.ts';
import type { CliIo } from './io.ts';

const HELP = `Usage: rampart check [-c rampart.yaml] [--format text|json] [--fail-on low|medium|high]

Reports, per route, the enforced policies by stage (authentication, authorization, limits, schema,
threat detection), the policies only in monitor mode, and what is missing: routes anyone can call,
routes without an authorization rule, a rate limit or a contract. Exit code 1 when a finding reaches
--fail-on (default: high), 2 when the config cannot be loaded or the options are wrong.`;

/** Runs `rampart check`. */
export async function runCheck(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      config: { type: 'string', short: 'c', default: 'rampart.yaml' },
      format: { type: 'string', default: 'text' },
      'fail-on': { type: 'string', default: 'high' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help === true) {
    io.stdout.write(`${HELP}\n`);
    return 0;
  }
  const failOn = values['fail-on'] as Severity;
  if (!SEVERITIES.includes(failOn) || (values.format !== 'text' && values.format !== 'json')) {
    io.stderr.write(`${HELP}\n`);
    return 2;
  }
  const loaded = await loadConfigFile(values.config, POLICY_DEFINITIONS, { cwd: io.cwd, env: io.env });
  if (!loaded.ok) {
    for (const error of loaded.errors) io.stderr.write(`${formatConfigError(error)}\n`);
    return 2;
  }
  const posture = postureOf(loaded.config, POLICY_DEFINITIONS);
  // A weak jwt secret only loads with allowWeakSecret: true; it is a high finding all the same.
  const weak = weakJwtSecrets(loaded.config, loaded.secrets).map((finding) => ({
    route: finding.path,
    severity: finding.severity,
    rule: 'weak-jwt-secret' as const,
    message: `${finding.reason}: tokens signed with it can be forged; use a random secret of 32+ bytes, or token-shield`,
  }));
  const report = { routes: posture.routes, findings: [...posture.findings, ...weak] };
  io.stdout.write(values.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatPosture(report));
  return report.findings.some((finding) => reaches(finding.severity, failOn)) ? 1 : 0;
}
