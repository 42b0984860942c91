// Opens the store a config names (`store.sqlite`, relative to the config file's directory).
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { createSqliteStore } from './sqlite-store.ts';
import type { IdentityStore } from './store.ts';

/** The `store:` section of the config. */
export interface StoreSettings {
  readonly sqlite: string;
}

/** Where the sqlite file of `settings` is, given the config's directory. */
export function storePath(settings: StoreSettings, baseDir: string): string {
  if (settings.sqlite === ':memory:') return settings.sqlite;
  return isAbsolute(settings.sqlite) ? settings.sqlite : resolve(baseDir, settings.sqlite);
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
