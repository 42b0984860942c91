// The store option shared by `rampart consumers` and `rampart keys`: `--db PATH` (a node:sqlite file),
// `--db postgres://…` (a PostgreSQL database) or `-c FILE` (the store the config names), so both work
// before any gateway runs.
import { dirname } from 'node:path';
import { formatConfigError } from '../config/errors.ts';
import { loadConfigFile } from '../config/load.ts';
import { POLICY_DEFINITIONS } from '../policies/registry.ts';
import { isPostgresUrl, openConfiguredStore, openStore } from '../store/open-store.ts';
import { createPostgresStore } from '../store/postgres-store.ts';
import type { IdentityStore } from '../store/store.ts';
import { type CliAuditTrail, openCliAuditTrail } from './audit-log.ts';
import { type CliIo, pathIn } from './io.ts';

/** parseArgs options every store command accepts. */
export const STORE_OPTIONS = {
  config: { type: 'string', short: 'c' },
  db: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** A usage or lookup problem: printed as one line, exit code 1 (2 for usage). */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/** Opens the store named by `--db`, else by the config file (`-c`, default ./rampart.yaml). */
export async function openStoreFromArgs(
  values: { config?: string; db?: string },
  io: CliIo,
): Promise<IdentityStore> {
  if (values.db !== undefined) {
    if (isPostgresUrl(values.db)) return createPostgresStore({ url: values.db });
    return openStore(values.db === ':memory:' ? values.db : pathIn(io, values.db));
  }
  const file = values.config ?? 'rampart.yaml';
  const loaded = await loadConfigFile(file, POLICY_DEFINITIONS, { cwd: io.cwd, env: io.env });
  if (!loaded.ok) throw new CliError(loaded.errors.map(formatConfigError).join('\n'));
  if (loaded.config.store === undefined) {
    throw new CliError(`${file} has no store: section (add one, or pass --db PATH)`);
  }
  return openConfiguredStore(loaded.config.store, dirname(pathIn(io, file)), { env: io.env });
}

/** Runs a store command body, closing the store and turning CliErrors into exit codes. */
export async function withStore(
  values: { config?: string; db?: string },
  io: CliIo,
  body: (store: IdentityStore) => Promise<number>,
): Promise<number> {
  let store: IdentityStore | undefined;
  let trail: CliAuditTrail | undefined;
  try {
    store = await openStoreFromArgs(values, io);
    // Changes made here are admin changes too: recorded when the store keeps an audit trail.
    trail = await openCliAuditTrail(values, io);
    return await body(trail === undefined ? store : trail.wrap(store));
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    io.stderr.write(`rampart: ${error.message}\n`);
    return error.exitCode;
  } finally {
    await trail?.close();
    await store?.close();
  }
}

/** Splits `a,b , c` into names; refuses empty or oversized entries. */
export function parseList(text: string | undefined): string[] {
  if (text === undefined || text.trim() === '') return [];
  const names = text.split(',').map((name) => name.trim());
  for (const name of names) {
    if (!/^[A-Za-z0-9_.:/-]{1,128}$/.test(name)) throw new CliError(`invalid role or scope "${name}"`, 2);
  }
  return [...new Set(names)];
}
