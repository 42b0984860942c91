// The `rampart` command: parses the command word and hands over to one module per command.
import { runAudit } from './audit.ts';
import { runAuditLog } from './audit-log.ts';
import { runCheck } from './check.ts';
import { runConfig } from './config-diff.ts';
import { runConsumers } from './consumers.ts';
import { runDetect } from './detect.ts';
import { runDiscover } from './discover.ts';
import { runInit } from './init.ts';
import { runInventory } from './inventory.ts';
import { type CliIo, processIo } from './io.ts';
import { runKeys } from './keys.ts';
import { runRisk } from './risk.ts';
import { runScanCommand } from './scan.ts';
import { runSchema } from './schema.ts';
import { runStart } from './start.ts';
import { runTokens } from './tokens.ts';
import { runValidate } from './validate.ts';
import { runVerifyCommand } from './verify.ts';
import { VERSION } from './version.ts';

const USAGE = `Usage: rampart <command> [options]

Commands:
  init --spec FILE --upstream URL      write a hardened config from an API's OpenAPI spec
  start [-c rampart.yaml] [--demo] [--workers N|auto]
                                     start the gateway (embedded demo defaults when no config is found)
  validate -c rampart.yaml           check a config file without starting; exit 1 when it is bad
  schema                             print the config's JSON Schema (editor completion)
  config diff A.yaml B.yaml          what B changes from A, after defaults; exit 1 when they differ
  detect [--json] [--paranoia N] [VALUE | --request FILE]
                                     explain the threat engine's verdict; exit 1 on an attack
  audit SPEC [--format text|json|sarif] [--fail-on low|medium|high]
                                     security review of an OpenAPI document
  check [-c rampart.yaml] [--format text|json] [--fail-on L]
                                     posture report of a gateway config: what each route enforces
  scan --spec SPEC --target URL [--auth FILE] [--safe] [--format F] [--fail-on L]
                                     attack an API from its OpenAPI spec; exit 1 on findings
  verify [-c rampart.yaml] [--target URL] [--header "N: V"]
                                     prove the running gateway enforces its config; exit 1 on a failure
  consumers add|list|disable|enable|roles|password   manage consumers (-c FILE or --db PATH)
  keys create|list|rotate|revoke     manage API keys and signing keys; a new secret is printed once
  tokens revoke|list                 revoke JWTs by jti or subject
  inventory list|show|diff|export|learn
                                     endpoints learned from traffic, HAR files or access logs;
                                     shadow, zombie and unauthenticated endpoints against the spec
  risk [-c rampart.yaml] [--all]     risk register: APIs overdue for review or whose risk rose
  discover --target URL...           probe hosts for API specs, GraphQL, version, framework and debug paths
  audit-log verify|export [--since T] check the tamper-evident audit trail, or print it as JSON lines
  help                               this text
  --version, -v                      the version of rampart

Run "rampart <command> --help" for a command's options.`;

/**
 * Runs the CLI with the given arguments; resolves to the process exit code. `io` is the process's
 * streams, environment and directory unless a caller (a test) passes its own; `start` always runs
 * on the process's.
 */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'audit':
      return runAudit(rest, io);
    case 'audit-log':
      return runAuditLog(rest, io);
    case 'check':
      return runCheck(rest, io);
    case 'start':
      return runStart(rest);
    case 'init':
      return runInit(rest, io);
    case 'validate':
      return runValidate(rest, io);
    case 'schema':
      return runSchema(rest, io);
    case 'config':
      return runConfig(rest, io);
    case 'consumers':
      return runConsumers(rest, io);
    case 'keys':
      return runKeys(rest, io);
    case 'tokens':
      return runTokens(rest, io);
    case 'detect':
      return runDetect(rest, io);
    case 'inventory':
      return runInventory(rest, io);
    case 'discover':
      return runDiscover(rest, io);
    case 'risk':
      return runRisk(rest, io);
    case 'scan':
      return runScanCommand(rest, io);
    case 'verify':
      return runVerifyCommand(rest, io);
    case '--version':
    case '-v':
      io.stdout.write(`${VERSION}\n`);
      return 0;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.stdout.write(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    default:
      io.stderr.write(`rampart: unknown command "${command}"\n\n${USAGE}\n`);
      return 2;
  }
}

if (import.meta.main) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`rampart: ${(error as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}
