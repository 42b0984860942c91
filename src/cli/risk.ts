// `rampart risk -c rampart.yaml`: the risk register — per API a score from its audit, the gateway's
// posture, its last scan and the inventory — listing the APIs overdue for review or whose risk rose
// since the last run (each run records the scores in the store).
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { formatConfigError } from '../config/errors.ts';
import { loadConfigFile } from '../config/load.ts';
import { buildRiskRegister, formatRiskRegister } from '../inventory/risk.ts';
import { createSqliteInventoryStore } from '../inventory/sqlite-store.ts';
import { POLICY_DEFINITIONS } from '../policies/registry.ts';
import { storePath } from '../store/open-store.ts';
import { type CliIo, pathIn } from './io.ts';

const HELP = `Usage: rampart risk [-c rampart.yaml] [--scan [API=]REPORT.json]... [--all] [--json] [--no-record]

Scores each API 0 (no risk seen) to 100 from four parts: its spec's audit, the config's posture for
its routes, its last scan report (JSON of rampart scan; inventory.apis[].scan or --scan), and the
inventory (shadow and zombie endpoints, secured operations answered anonymously, sensitive answers).
APIs are the config's inventory.apis (owner, reviewedAt, reviewEvery), every other spec the policies
name, and the traffic no spec documents. Lists the APIs overdue for review or whose score rose since
the previous run (--all: every API); each run records the scores unless --no-record.
Exit code 1 when an API is listed, 2 on usage errors.`;

/** Runs `rampart risk`. */
export async function runRisk(
  args: readonly string[],
  io: CliIo,
  now: () => number = Date.now,
): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (error) {
    io.stderr.write(`rampart risk: ${(error as Error).message}\n\n${HELP}\n`);
    return 2;
  }
  const { values } = parsed;
  if (values.help === true) {
    io.stdout.write(`${HELP}\n`);
    return 0;
  }
  const file = values.config ?? 'rampart.yaml';
  const loaded = await loadConfigFile(file, POLICY_DEFINITIONS, { cwd: io.cwd, env: io.env });
  if (!loaded.ok) {
    for (const error of loaded.errors) io.stderr.write(`${formatConfigError(error)}\n`);
    return 2;
  }
  const baseDir = dirname(pathIn(io, file));
  const scans: Record<string, string> = {};
  for (const scan of values.scan ?? []) {
    const eq = scan.indexOf('=');
    if (eq === -1) scans['*'] = pathIn(io, scan);
    else scans[scan.slice(0, eq)] = pathIn(io, scan.slice(eq + 1));
  }
  const { config } = loaded;
  const store = createSqliteInventoryStore(
    config.store === undefined ? ':memory:' : storePath(config.store, baseDir),
  );
  try {
    const at = now();
    const entries = await buildRiskRegister({
      config,
      baseDir,
      definitions: POLICY_DEFINITIONS,
      endpoints: await store.list(),
      store,
      now: at,
      scans,
    });
    if (values['no-record'] !== true)
      for (const e of entries) await store.recordRisk({ api: e.name, at, score: e.score });
    const all = values.all === true;
    io.stdout.write(
      values.json === true ? `${JSON.stringify(entries, null, 2)}\n` : formatRiskRegister(entries, all),
    );
    return entries.some((e) => e.overdue || e.risen) ? 1 : 0;
  } finally {
    await store.close();
  }
}

function parse(args: readonly string[]) {
  return parseArgs({
    args: [...args],
    options: {
      config: { type: 'string', short: 'c' },
      scan: { type: 'string', multiple: true },
      all: { type: 'boolean' },
      json: { type: 'boolean' },
      'no-record': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
}
