// `rampart verify -c rampart.yaml`: proves against the running gateway that the config's policies
// hold: 401 without credentials, 429 within a bounded burst, unknown fields refused.
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { demoConfigText } from '../config/defaults.ts';
import { formatConfigError } from '../config/errors.ts';
import { loadConfigFile, loadConfigText } from '../config/load.ts';
import type { RampartConfig } from '../config/schema.ts';
import { POLICY_DEFINITIONS } from '../policies/registry.ts';
import { headersOf, temporaryApiKey, type VerifyIdentity } from '../scanner/verify/identity.ts';
import { planOf } from '../scanner/verify/plan.ts';
import { runVerify, type VerifyReport } from '../scanner/verify/verify.ts';
import { openConfiguredStore } from '../store/open-store.ts';
import { type CliIo, pathIn } from './io.ts';
import { parseList } from './store-args.ts';

const HELP = `Usage: rampart verify [-c rampart.yaml] [--target URL] [options]

Sends probes to the running gateway to prove its config holds, route by route:
  authentication   401 (the gateway's own) without credentials where api-key/jwt/basic/hmac/mtls run
  rate-limit       a 429 within a burst of the tightest rule's capacity + 3 (never more than --max-burst)
  unknown-fields   400 for an undeclared query parameter / body member where openapi-validate runs
Only GET and POST are sent. Rate-limit bursts use up the verify caller's allowance.

  -c, --config FILE    the gateway config (default ./rampart.yaml)
  --demo               the embedded demo config of \`rampart start --demo\` (npm start)
  --target URL         where the gateway listens (default: the config's server.http host and port)
  --header "N: V"      credentials to send (repeatable), e.g. "authorization: Bearer …"
  --roles LIST         without --header: roles of the temporary consumer verify creates in the
                       config's store, with an API key revoked when verify ends
  --max-burst N        the largest burst sent to prove a limit (default 100)
  --format text|json

Exit code: 0 every probe passed, 1 a probe failed, 2 usage or config error.`;

function targetOf(config: RampartConfig, given: string | undefined): URL {
  if (given !== undefined) return new URL(given);
  const http = config.server?.http;
  if (http === undefined || http.port === 0)
    throw new RangeError('give --target: the config has no fixed http port');
  const host = http.host === '0.0.0.0' || http.host === '::' ? '127.0.0.1' : http.host;
  return new URL(`http://${host.includes(':') ? `[${host}]` : host}:${http.port}`);
}

function apiKeyHeader(config: RampartConfig): string | undefined {
  const blocks = [config.defaults?.policies, ...config.routes.map((r) => r.policies)];
  for (const block of blocks) {
    const apiKey = (block as Record<string, { header?: string } | undefined> | undefined)?.['api-key'];
    if (apiKey !== undefined) return apiKey.header ?? 'x-api-key';
  }
  return undefined;
}

async function identityOf(
  config: RampartConfig,
  /** The config file, absolute. */
  file: string,
  headers: Record<string, string>,
  roles: string[],
): Promise<VerifyIdentity> {
  const none = { headers, description: 'the --header credentials', dispose: async () => {} };
  if (Object.keys(headers).length > 0) return none;
  const header = apiKeyHeader(config);
  if (
    config.store === undefined ||
    (config.store.postgres === undefined && config.store.sqlite === ':memory:') ||
    header === undefined
  )
    return {
      headers: {},
      description: 'none (no --header, and no api-key policy with a file store)',
      dispose: async () => {},
    };
  const store = await openConfiguredStore(config.store, dirname(file));
  const identity = await temporaryApiKey(store, header, roles);
  return {
    ...identity,
    async dispose() {
      try {
        await identity.dispose();
      } finally {
        await store.close();
      }
    },
  };
}

/** Formats a report for the terminal. */
export function formatVerify(report: VerifyReport, identity: string): string {
  const lines = [`rampart verify ${report.target} as ${identity}`, ''];
  for (const r of report.results)
    lines.push(
      `${r.outcome.toUpperCase().padEnd(4)}  ${r.route.padEnd(16)} ${r.check.padEnd(15)} ${r.detail}`,
    );
  const count = (outcome: string) => report.results.filter((r) => r.outcome === outcome).length;
  lines.push(
    '',
    `${count('pass')} passed, ${count('fail')} failed, ${count('skip')} skipped; ${report.requests} requests in ${report.durationMs} ms`,
  );
  return `${lines.join('\n')}\n`;
}

function parseOptions(args: readonly string[]) {
  return parseArgs({
    args: [...args],
    options: {
      config: { type: 'string', short: 'c', default: 'rampart.yaml' },
      demo: { type: 'boolean' },
      target: { type: 'string' },
      header: { type: 'string', multiple: true, default: [] },
      roles: { type: 'string' },
      'max-burst': { type: 'string', default: '100' },
      format: { type: 'string', default: 'text' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  }).values;
}

/** Runs `rampart verify`; resolves to the exit code. */
export async function runVerifyCommand(args: readonly string[], io: CliIo): Promise<number> {
  let values: ReturnType<typeof parseOptions>;
  try {
    values = parseOptions(args);
  } catch (error) {
    io.stderr.write(`rampart verify: ${(error as Error).message}\n\n${HELP}\n`);
    return 2;
  }
  if (values.help === true) {
    io.stdout.write(`${HELP}\n`);
    return 0;
  }
  const maxBurst = Number(values['max-burst']);
  if (
    !Number.isInteger(maxBurst) ||
    maxBurst < 1 ||
    maxBurst > 10_000 ||
    !['text', 'json'].includes(values.format)
  ) {
    io.stderr.write(`${HELP}\n`);
    return 2;
  }
  // The demo's embedded config: its upstream is never contacted by verify, only the gateway is.
  const loaded =
    values.demo === true
      ? await loadConfigText(
          demoConfigText('http://127.0.0.1:3000', { http: 8080, admin: 9901 }),
          'embedded demo config',
          POLICY_DEFINITIONS,
        )
      : await loadConfigFile(values.config, POLICY_DEFINITIONS, { cwd: io.cwd, env: io.env });
  if (!loaded.ok) {
    for (const error of loaded.errors) io.stderr.write(`${formatConfigError(error)}\n`);
    return 2;
  }
  let target: URL;
  let headers: Record<string, string>;
  try {
    target = targetOf(loaded.config, values.target);
    headers = headersOf(values.header);
  } catch (error) {
    io.stderr.write(`rampart verify: ${(error as Error).message}\n`);
    return 2;
  }
  const configFile = pathIn(io, values.config);
  const plans = planOf(loaded.config, configFile);
  const identity = await identityOf(loaded.config, configFile, headers, parseList(values.roles));
  let report: VerifyReport;
  try {
    report = await runVerify({ target, plans, credentials: identity.headers, maxBurst });
  } finally {
    await identity.dispose();
  }
  io.stdout.write(
    values.format === 'json'
      ? `${JSON.stringify({ identity: identity.description, ...report }, null, 2)}\n`
      : formatVerify(report, identity.description),
  );
  return report.results.some((r) => r.outcome === 'fail') ? 1 : 0;
}
