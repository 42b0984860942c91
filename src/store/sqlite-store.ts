// The identity store on node:sqlite: one file (or `:memory:`), WAL journal, prepared statements.
import { DatabaseSync, type SQLInputValue } from 'node:sqlite';
import { newConsumer, toApiKey, toConsumer, toPassword, toSigningKey, toTokenRevocation } from './rows.ts';
import {
  type ApiKeyUpdate,
  type Consumer,
  type IdentityStore,
  type NewConsumer,
  type PasswordRecord,
  StoreConflictError,
} from './store.ts';

/**
 * The schema, one migration per version (recorded in `PRAGMA user_version`); migration N is at index
 * N - 1. Never edit a shipped migration: add the next one. Migration 1 uses IF NOT EXISTS because
 * stores created before versioning (user_version 0) already hold its tables.
 */
const SQLITE_MIGRATIONS: readonly string[] = [
  `
CREATE TABLE IF NOT EXISTS consumers (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  roles TEXT NOT NULL,
  metadata TEXT NOT NULL,
  enabled INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS api_keys (
  id TEXT PRIMARY KEY,
  consumer_id TEXT NOT NULL REFERENCES consumers(id),
  hash BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER,
  revoked_at INTEGER,
  replaced_by TEXT
);
CREATE INDEX IF NOT EXISTS api_keys_consumer ON api_keys(consumer_id);
CREATE TABLE IF NOT EXISTS passwords (
  username TEXT PRIMARY KEY,
  consumer_id TEXT NOT NULL REFERENCES consumers(id),
  hash TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS signing_keys (
  id TEXT PRIMARY KEY,
  consumer_id TEXT NOT NULL REFERENCES consumers(id),
  algorithm TEXT NOT NULL,
  material BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE INDEX IF NOT EXISTS signing_keys_consumer ON signing_keys(consumer_id);
CREATE TABLE IF NOT EXISTS token_revocations (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,
  value TEXT NOT NULL,
  issued_before INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  UNIQUE (kind, value) ON CONFLICT REPLACE
);
`,
];

/** Brings the file's schema to the newest version this code knows, in one transaction. */
function migrate(db: DatabaseSync): void {
  db.exec('BEGIN IMMEDIATE');
  try {
    const current = Number((db.prepare('PRAGMA user_version').get() as Row).user_version);
    if (current > SQLITE_MIGRATIONS.length) {
      throw new Error(
        `the store's schema is version ${current}, newer than this rampart knows (${SQLITE_MIGRATIONS.length}): upgrade rampart`,
      );
    }
    for (let version = current + 1; version <= SQLITE_MIGRATIONS.length; version++) {
      db.exec(SQLITE_MIGRATIONS[version - 1]!);
      db.exec(`PRAGMA user_version = ${version}`);
    }
    db.exec('COMMIT');
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}

type Row = Record<string, SQLInputValue>;

const isUniqueViolation = (error: unknown): boolean =>
  error instanceof Error && /UNIQUE constraint failed/.test(error.message);

/** Opens (and creates when missing) a store at `path`; `:memory:` for a throwaway one. */
export function createSqliteStore(path: string, clock: () => number = Date.now): IdentityStore {
  const db = new DatabaseSync(path);
  db.exec('PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;');
  if (path !== ':memory:') db.exec('PRAGMA journal_mode = WAL;');
  try {
    migrate(db);
  } catch (error) {
    db.close();
    throw error;
  }
  const statements = {
    insertConsumer: db.prepare(
      'INSERT INTO consumers (id, name, roles, metadata, enabled, created_at) VALUES (?, ?, ?, ?, 1, ?)',
    ),
    consumerById: db.prepare('SELECT * FROM consumers WHERE id = ?'),
    consumerByName: db.prepare('SELECT * FROM consumers WHERE name = ?'),
    consumers: db.prepare('SELECT * FROM consumers ORDER BY name'),
    setEnabled: db.prepare('UPDATE consumers SET enabled = ? WHERE id = ?'),
    setRoles: db.prepare('UPDATE consumers SET roles = ? WHERE id = ?'),
    insertKey: db.prepare(
      'INSERT INTO api_keys (id, consumer_id, hash, created_at, expires_at, revoked_at, replaced_by) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    keyWithConsumer: db.prepare(
      `SELECT k.*, c.id AS c_id, c.name AS c_name, c.roles AS c_roles, c.metadata AS c_metadata,
              c.enabled AS c_enabled, c.created_at AS c_created_at
         FROM api_keys k JOIN consumers c ON c.id = k.consumer_id WHERE k.id = ?`,
    ),
    keys: db.prepare('SELECT * FROM api_keys ORDER BY created_at DESC, id'),
    keysOf: db.prepare('SELECT * FROM api_keys WHERE consumer_id = ? ORDER BY created_at DESC, id'),
    updateKey: db.prepare(
      `UPDATE api_keys SET expires_at = COALESCE(?, expires_at), revoked_at = COALESCE(?, revoked_at),
              replaced_by = COALESCE(?, replaced_by) WHERE id = ?`,
    ),
    upsertPassword: db.prepare(
      `INSERT INTO passwords (username, consumer_id, hash, created_at) VALUES (?, ?, ?, ?)
       ON CONFLICT(username) DO UPDATE SET consumer_id = excluded.consumer_id, hash = excluded.hash,
              created_at = excluded.created_at`,
    ),
    passwordWithConsumer: db.prepare(
      `SELECT p.username, p.consumer_id AS p_consumer_id, p.hash AS p_hash, p.created_at AS p_created_at,
              c.id AS c_id, c.name AS c_name, c.roles AS c_roles, c.metadata AS c_metadata,
              c.enabled AS c_enabled, c.created_at AS c_created_at
         FROM passwords p JOIN consumers c ON c.id = p.consumer_id WHERE p.username = ?`,
    ),
    insertSigningKey: db.prepare(
      'INSERT INTO signing_keys (id, consumer_id, algorithm, material, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    signingKeyWithConsumer: db.prepare(
      `SELECT k.*, c.id AS c_id, c.name AS c_name, c.roles AS c_roles, c.metadata AS c_metadata,
              c.enabled AS c_enabled, c.created_at AS c_created_at
         FROM signing_keys k JOIN consumers c ON c.id = k.consumer_id WHERE k.id = ?`,
    ),
    signingKeys: db.prepare('SELECT * FROM signing_keys ORDER BY created_at DESC, id'),
    signingKeysOf: db.prepare(
      'SELECT * FROM signing_keys WHERE consumer_id = ? ORDER BY created_at DESC, id',
    ),
    revokeSigningKey: db.prepare('UPDATE signing_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?'),
    insertRevocation: db.prepare(
      `INSERT INTO token_revocations (kind, value, issued_before, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?) RETURNING seq`,
    ),
    revocationsAfter: db.prepare(
      'SELECT * FROM token_revocations WHERE seq > ? AND expires_at > ? ORDER BY seq LIMIT 100000',
    ),
  };
  const findConsumer = (idOrName: string): Consumer | undefined => {
    const row = (statements.consumerById.get(idOrName) ?? statements.consumerByName.get(idOrName)) as
      | Row
      | undefined;
    return row === undefined ? undefined : toConsumer(row);
  };

  return {
    async createConsumer(input: NewConsumer) {
      const consumer = newConsumer(input, clock());
      try {
        statements.insertConsumer.run(
          consumer.id,
          consumer.name,
          JSON.stringify(consumer.roles),
          JSON.stringify(consumer.metadata),
          consumer.createdAt,
        );
      } catch (error) {
        if (isUniqueViolation(error)) throw new StoreConflictError(`consumer "${input.name}" already exists`);
        throw error;
      }
      return consumer;
    },
    findConsumer: async (idOrName) => findConsumer(idOrName),
    listConsumers: async () => (statements.consumers.all() as Row[]).map((row) => toConsumer(row)),
    setConsumerEnabled: async (id, enabled) =>
      Number(statements.setEnabled.run(enabled ? 1 : 0, id).changes) === 1,
    setConsumerRoles: async (id, roles) =>
      Number(statements.setRoles.run(JSON.stringify([...roles]), id).changes) === 1,
    async insertApiKey(record) {
      try {
        statements.insertKey.run(
          record.id,
          record.consumerId,
          record.hash,
          record.createdAt,
          record.expiresAt ?? null,
          record.revokedAt ?? null,
          record.replacedBy ?? null,
        );
      } catch (error) {
        if (isUniqueViolation(error)) throw new StoreConflictError('api key id already exists');
        throw error;
      }
    },
    async findApiKey(id) {
      const row = statements.keyWithConsumer.get(id) as Row | undefined;
      if (row === undefined) return undefined;
      return { key: toApiKey(row), consumer: toConsumer(row, 'c_') };
    },
    listApiKeys: async (consumerId) =>
      ((consumerId === undefined ? statements.keys.all() : statements.keysOf.all(consumerId)) as Row[]).map(
        toApiKey,
      ),
    updateApiKey: async (id, update: ApiKeyUpdate) =>
      Number(
        statements.updateKey.run(
          update.expiresAt ?? null,
          update.revokedAt ?? null,
          update.replacedBy ?? null,
          id,
        ).changes,
      ) === 1,
    async setPassword(record: PasswordRecord) {
      statements.upsertPassword.run(record.username, record.consumerId, record.hash, record.createdAt);
    },
    async findPassword(username) {
      const row = statements.passwordWithConsumer.get(username) as Row | undefined;
      if (row === undefined) return undefined;
      return {
        password: toPassword(row),
        consumer: toConsumer(row, 'c_'),
      };
    },
    async insertSigningKey(record) {
      try {
        statements.insertSigningKey.run(
          record.id,
          record.consumerId,
          record.algorithm,
          record.material,
          record.createdAt,
          record.revokedAt ?? null,
        );
      } catch (error) {
        if (isUniqueViolation(error)) throw new StoreConflictError('signing key id already exists');
        throw error;
      }
    },
    async findSigningKey(id) {
      const row = statements.signingKeyWithConsumer.get(id) as Row | undefined;
      if (row === undefined) return undefined;
      return { key: toSigningKey(row), consumer: toConsumer(row, 'c_') };
    },
    listSigningKeys: async (consumerId) =>
      (
        (consumerId === undefined
          ? statements.signingKeys.all()
          : statements.signingKeysOf.all(consumerId)) as Row[]
      ).map(toSigningKey),
    revokeSigningKey: async (id, revokedAt) =>
      Number(statements.revokeSigningKey.run(revokedAt, id).changes) === 1,
    async insertTokenRevocation(r) {
      const row = statements.insertRevocation.get(
        r.kind,
        r.value,
        r.issuedBefore,
        r.createdAt,
        r.expiresAt,
      ) as Row;
      return Number(row.seq);
    },
    listTokenRevocations: async (after, now) =>
      (statements.revocationsAfter.all(after, now) as Row[]).map(toTokenRevocation),
    async close() {
      if (db.isOpen) db.close();
    },
  };
}
