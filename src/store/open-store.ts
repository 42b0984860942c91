// Opens the store a config names: `store.postgres` (a database shared by every instance) or
// `store.sqlite` (a file relative to the config file's directory).
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseDuration } from '../lib/durations.ts';
import { resolveSecret } from '../lib/secrets.ts';
import { createPostgresStore } from './postgres-store.ts';
import { createSqliteStore } from './sqlite-store.ts';
import type { IdentityStore } from './store.ts';

/** The `store:` section of the config. */
export interface StoreSettings {
  readonly sqlite: string;
  readonly postgres?: {
    readonly url: string;
    readonly poolSize?: number;
    readonly statementTimeout?: number | string;
  };
}

/** Where the sqlite file of `settings` is, given the config's directory. */
export function storePath(settings: StoreSettings, baseDir: string): string {
  if (settings.sqlite === ':memory:') return settings.sqlite;
  return isAbsolute(settings.sqlite) ? settings.sqlite : resolve(baseDir, settings.sqlite);
}

/** Whether `text` names a PostgreSQL database (`--db postgres://…`) rather than a file. */
export function isPostgresUrl(text: string): boolean {
  return text.startsWith('postgres://') || text.startsWith('postgresql://');
}

/** Opens (creating when missing, mode 0600, with its directory) the store at `path`. */
export function openStore(path: string): IdentityStore {
  if (path !== ':memory:') {
    mkdirSync(dirname(path), { recursive: true });
    // A new store is created readable by its owner only: it may hold hmac signing secrets (SQLite gives
    // the -wal and -shm files the database's permissions). An existing file keeps its mode.
    closeSync(openSync(path, 'a', 0o600));
  }
  return createSqliteStore(path);
}

/** What opening a configured store may take besides its settings. */
export interface OpenStoreOptions {
  /** The environment `env:` references read (process.env when absent). */
  readonly env?: NodeJS.ProcessEnv;
  /** A gateway listens for change notices from the start (PostgreSQL); the CLI does not. */
  readonly listen?: boolean;
  /** Told about lost database connections (they are reopened); never given the URL. */
  readonly onError?: (error: Error) => void;
}

/** Opens the store `settings` describe: PostgreSQL when `postgres` is set, else the sqlite file. */
export async function openConfiguredStore(
  settings: StoreSettings,
  baseDir: string,
  options: OpenStoreOptions = {},
): Promise<IdentityStore> {
  const pg = settings.postgres;
  if (pg === undefined) return openStore(storePath(settings, baseDir));
  const url = isPostgresUrl(pg.url) ? pg.url : await resolveSecret(pg.url, baseDir, options.env);
  return createPostgresStore({
    url,
    ...(pg.poolSize === undefined ? {} : { poolSize: pg.poolSize }),
    ...(pg.statementTimeout === undefined ? {} : { statementTimeoutMs: parseDuration(pg.statementTimeout) }),
    ...(options.listen === undefined ? {} : { listen: options.listen }),
    ...(options.onError === undefined ? {} : { onError: options.onError }),
  });
}
