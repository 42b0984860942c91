// `rampart audit-log verify|export`: check the hash chain and signed checkpoints of the audit trail
// (and say which record was changed, removed or reordered), or print its records as JSON lines.
import { userInfo } from 'node:os';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { auditedStore } from '../audit-trail/audited-store.ts';
import type { CheckpointAlgorithm } from '../audit-trail/record.ts';
import { CheckpointKeyError, type CheckpointSigner, createCheckpointSigner } from '../audit-trail/signer.ts';
import { createSqliteAuditStorage, hasSqliteAuditTrail } from '../audit-trail/sqlite-storage.ts';
import type { AuditStorage } from '../audit-trail/storage.ts';
import { createAuditTrail } from '../audit-trail/trail.ts';
import { verifyAuditTrail } from '../audit-trail/verify.ts';
import { formatConfigError } from '../config/errors.ts';
import { loadConfigFile } from '../config/load.ts';
import { parseDuration } from '../lib/durations.ts';
import { resolveSecret, SecretError } from '../lib/secrets.ts';
import { POLICY_DEFINITIONS } from '../policies/registry.ts';
import { storePath } from '../store/open-store.ts';
import type { IdentityStore } from '../store/store.ts';
import { type CliIo, pathIn } from './io.ts';
import { CliError } from './store-args.ts';

const HELP = `Usage: rampart audit-log <verify|export> [options]

  verify                       check every record's hash, the chain's order and the signed
                               checkpoints; exit 1 naming the first record changed, removed or reordered
  export --since TIME          print records from TIME on as JSON lines (TIME: ISO 8601, or a
                               duration back from now such as 24h or 7d); --until TIME to stop

Store: -c FILE (the config's store and auditTrail.checkpoints key; default ./rampart.yaml)
       or --db PATH (a node:sqlite file) with --key env:NAME|file:PATH [--algorithm hmac-sha256|ed25519]
      --json   verify: the report as JSON`;

const OPTIONS = {
  config: { type: 'string', short: 'c' },
  db: { type: 'string' },
  key: { type: 'string' },
  algorithm: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = {
  config?: string;
  db?: string;
  key?: string;
  algorithm?: string;
  since?: string;
  until?: string;
  json?: boolean;
};

interface Opened {
  readonly storage: AuditStorage;
  readonly signer: CheckpointSigner | undefined;
}

function signerFor(algorithm: string | undefined, key: string | undefined): CheckpointSigner | undefined {
  if (key === undefined) return undefined;
  const name = algorithm ?? 'hmac-sha256';
  if (name !== 'hmac-sha256' && name !== 'ed25519')
    throw new CliError('--algorithm: hmac-sha256 or ed25519', 2);
  try {
    return createCheckpointSigner(name as CheckpointAlgorithm, key);
  } catch (error) {
    if (error instanceof CheckpointKeyError) throw new CliError(error.message);
    throw error;
  }
}

/** Opens the trail; `existing`: refuse a file without one (a mistyped path must not verify as empty). */
async function open(values: Values, io: CliIo, existing: boolean): Promise<Opened> {
  const storageAt = (path: string, shown: string) => {
    if (existing && !hasSqliteAuditTrail(path)) throw new CliError(`${shown} holds no audit trail`);
    return createSqliteAuditStorage(path);
  };
  if (values.db !== undefined) {
    let key: string | undefined;
    if (values.key !== undefined) {
      try {
        key = await resolveSecret(values.key, io.cwd, io.env);
      } catch (error) {
        if (error instanceof SecretError) throw new CliError(`--key: ${error.message}`);
        throw error;
      }
    }
    const path = values.db === ':memory:' ? values.db : pathIn(io, values.db);
    return { storage: storageAt(path, values.db), signer: signerFor(values.algorithm, key) };
  }
  const file = values.config ?? 'rampart.yaml';
  const loaded = await loadConfigFile(file, POLICY_DEFINITIONS, { cwd: io.cwd, env: io.env });
  if (!loaded.ok) throw new CliError(loaded.errors.map(formatConfigError).join('\n'));
  const { store, auditTrail } = loaded.config;
  if (store === undefined) throw new CliError(`${file} has no store: section (or pass --db PATH)`);
  const checkpoints = auditTrail?.checkpoints;
  const key = checkpoints === undefined ? undefined : loaded.secrets.get(checkpoints.key);
  return {
    storage: storageAt(storePath(store, dirname(pathIn(io, file))), `the store of ${file}`),
    signer: signerFor(values.algorithm ?? checkpoints?.algorithm, key),
  };
}

/** Who runs a CLI change: `cli:<login name>` when the system says. */
function cliActor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}

/** The audit trail store commands record their changes in. */
export interface CliAuditTrail {
  wrap(store: IdentityStore): IdentityStore;
  /** Writes the records and a signed checkpoint (when the key is known), then closes. */
  close(): Promise<void>;
}

/**
 * The audit trail a store command (`consumers`, `keys`, `tokens`) records in: the config's when it
 * enables `auditTrail` (with its checkpoint key), or the one a `--db` file already holds.
 */
export async function openCliAuditTrail(
  values: { config?: string; db?: string },
  io: CliIo,
): Promise<CliAuditTrail | undefined> {
  if (values.db !== undefined && !hasSqliteAuditTrail(pathIn(io, values.db))) return undefined;
  if (values.db === undefined) {
    const file = values.config ?? 'rampart.yaml';
    const loaded = await loadConfigFile(file, POLICY_DEFINITIONS, { cwd: io.cwd, env: io.env });
    if (!loaded.ok || loaded.config.auditTrail?.enabled !== true || loaded.config.store === undefined) {
      return undefined;
    }
  }
  const opened = await open(values, io, false);
  const trail = createAuditTrail({ storage: opened.storage, signer: opened.signer });
  const actor = cliActor();
  return {
    wrap: (store) => auditedStore(store, (entry) => trail.record(entry), actor),
    async close() {
      try {
        await trail.close();
      } finally {
        await opened.storage.close();
      }
    },
  };
}

async function verify(opened: Opened, values: Values, io: CliIo): Promise<number> {
  const report = await verifyAuditTrail(opened.storage, opened.signer);
  if (values.json === true) {
    io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return report.ok ? 0 : 1;
  }
  const head =
    report.head === undefined ? 'empty' : `head ${report.head.seq} (${report.head.hash.slice(0, 12)}…)`;
  const signatures =
    opened.signer === undefined
      ? 'signatures not checked: no key'
      : `${report.checkpointsVerified} signatures verified`;
  io.stdout.write(
    `audit trail: ${report.records} records, ${head}, ${report.checkpoints} checkpoints (${signatures})\n`,
  );
  if (report.unsignedTail > 0 && opened.signer !== undefined) {
    io.stdout.write(`note: the last ${report.unsignedTail} records are not covered by a checkpoint yet\n`);
  }
  if (report.ok) {
    io.stdout.write('ok: the chain is intact\n');
    return 0;
  }
  for (const problem of report.problems) io.stdout.write(`TAMPERED: ${problem.message}\n`);
  return 1;
}

/** An instant given as ISO 8601 or as a duration back from now. */
function instant(text: string, what: string, now: number): number {
  try {
    return now - parseDuration(text);
  } catch {}
  const at = Date.parse(text);
  if (Number.isNaN(at)) throw new CliError(`${what}: an ISO 8601 time or a duration such as 24h`, 2);
  return at;
}

const PAGE = 1000;

async function exportLines(opened: Opened, values: Values, io: CliIo): Promise<number> {
  if (values.since === undefined) throw new CliError('audit-log export: --since TIME is required', 2);
  const now = Date.now();
  const since = instant(values.since, '--since', now);
  const until = values.until === undefined ? Number.POSITIVE_INFINITY : instant(values.until, '--until', now);
  let from = await opened.storage.positionAt(since);
  while (from !== undefined) {
    const page = await opened.storage.read(from, PAGE);
    for (const { record, hash } of page) {
      if (record.time > until) return 0;
      // The record as hashed, its hash, and its time in ISO 8601 for readers.
      io.stdout.write(
        `${JSON.stringify({ ...record, hash, timestamp: new Date(record.time).toISOString() })}\n`,
      );
    }
    from = page.length < PAGE ? undefined : page.at(-1)!.position + 1;
  }
  return 0;
}

/** Runs `rampart audit-log`; resolves to the exit code. */
export async function runAuditLog(args: readonly string[], io: CliIo): Promise<number> {
  let parsed: { values: Values & { help?: boolean }; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...args], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    io.stderr.write(`rampart: ${(error as Error).message}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [action] = positionals;
  if (values.help === true || (action !== 'verify' && action !== 'export')) {
    io[values.help === true ? 'stdout' : 'stderr'].write(`${HELP}\n`);
    return values.help === true ? 0 : 2;
  }
  let opened: Opened | undefined;
  try {
    opened = await open(values, io, true);
    return action === 'verify' ? await verify(opened, values, io) : await exportLines(opened, values, io);
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    io.stderr.write(`rampart: ${error.message}\n`);
    return error.exitCode;
  } finally {
    await opened?.storage.close();
  }
}
