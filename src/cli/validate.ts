// `rampart validate -c FILE`: loads and builds a config exactly as `start` would, without listening.
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { formatConfigError } from '../config/errors.ts';
import { loadConfigFile } from '../config/load.ts';
import { buildPolicies } from '../instance/build-check.ts';
import { configSpecWarnings, formatSpecWarning } from '../openapi/index.ts';
import { POLICY_DEFINITIONS } from '../policies/registry.ts';
import { type CliIo, pathIn } from './io.ts';

const HELP = `Usage: rampart validate -c rampart.yaml

Checks the file: YAML syntax, the schema (with defaults), references between sections, secret
references, and that every policy block builds. Prints each problem as file:line:column path: reason.
Exit code 0 when the config is good, 1 when it is not.`;

/** Runs `rampart validate`. */
export async function runValidate(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: { config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  });
  if (values.help === true) {
    io.stdout.write(`${HELP}\n`);
    return 0;
  }
  const file = values.config ?? 'rampart.yaml';
  const loaded = await loadConfigFile(file, POLICY_DEFINITIONS, { cwd: io.cwd, env: io.env });
  const errors = loaded.ok ? buildPolicies(loaded) : loaded.errors;
  if (errors.length > 0) {
    for (const error of errors) io.stderr.write(`${formatConfigError(error)}\n`);
    io.stderr.write(`${file}: ${errors.length} problem${errors.length === 1 ? '' : 's'}; not valid\n`);
    return 1;
  }
  // Spec places not validated as written: warnings, not errors (the config still runs).
  const warnings = loaded.ok ? configSpecWarnings(loaded.config, dirname(pathIn(io, file))) : [];
  for (const warning of warnings) io.stderr.write(`warning: ${formatSpecWarning(warning)}\n`);
  io.stdout.write(`${file}: valid\n`);
  return 0;
}
