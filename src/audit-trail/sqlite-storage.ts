// The audit trail on node:sqlite: the identity store's database file, its own versioned tables
// (audit_trail, audit_checkpoints), appends in BEGIN IMMEDIATE transactions so processes sharing the
// file extend one chain.
import { DatabaseSync, type SQLInputValue } from 'node:sqlite';
import { canonicalJson, type JsonValue } from './canonical-json.ts';
import type { AuditRecord, Checkpoint, CheckpointAlgorithm, StoredRecord } from './record.ts';
import { type AuditStorage, MAX_CHECKPOINTS } from './storage.ts';

/** Schema versions in order; a database at version N gets the steps after N, each in a transaction. */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE audit_trail (
     position INTEGER PRIMARY KEY,
     time INTEGER NOT NULL,
     body TEXT NOT NULL,
     hash TEXT NOT NULL
   );
   CREATE INDEX audit_trail_time ON audit_trail(time);
   CREATE TABLE audit_checkpoints (
     seq INTEGER PRIMARY KEY,
     hash TEXT NOT NULL,
     time INTEGER NOT NULL,
     algorithm TEXT NOT NULL,
     key_id TEXT NOT NULL,
     signature TEXT NOT NULL
   );`,
];

type Row = Record<string, SQLInputValue>;

function migrate(db: DatabaseSync): void {
  db.exec('CREATE TABLE IF NOT EXISTS audit_trail_schema (version INTEGER NOT NULL)');
  db.exec('BEGIN IMMEDIATE');
  try {
    const row = db.prepare('SELECT version FROM audit_trail_schema').get() as Row | undefined;
    const current = row === undefined ? 0 : Number(row.version);
    if (current > MIGRATIONS.length) {
      throw new Error(`the audit trail's schema (version ${current}) is newer than this rampart knows`);
    }
    for (let version = current; version < MIGRATIONS.length; version++) db.exec(MIGRATIONS[version]!);
    if (row === undefined)
      db.prepare('INSERT INTO audit_trail_schema (version) VALUES (?)').run(MIGRATIONS.length);
    else db.prepare('UPDATE audit_trail_schema SET version = ?').run(MIGRATIONS.length);
    db.exec('COMMIT');
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}

/** A record as read back; a body that is not JSON (someone edited it) reads as a broken record. */
function toStored(row: Row): StoredRecord {
  let record: AuditRecord;
  try {
    record = JSON.parse(String(row.body)) as AuditRecord;
  } catch {
    record = { seq: Number.NaN, time: Number.NaN, prev: '', kind: 'gap', action: '', actor: '', outcome: '' };
  }
  return { position: Number(row.position), record, hash: String(row.hash) };
}

function toCheckpoint(row: Row): Checkpoint {
  return {
    seq: Number(row.seq),
    hash: String(row.hash),
    time: Number(row.time),
    algorithm: String(row.algorithm) as CheckpointAlgorithm,
    keyId: String(row.key_id),
    signature: String(row.signature),
  };
}

/**
 * Opens the audit trail in the sqlite database at `path` (creating its tables when missing).
 * node:sqlite is synchronous: waiting for another writer's lock blocks the event loop, so a gateway
 * passes a short `busyTimeoutMs` (its append then fails and is retried with the next batch).
 */
export function createSqliteAuditStorage(
  path: string,
  options: { busyTimeoutMs?: number } = {},
): AuditStorage {
  const db = new DatabaseSync(path);
  db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000))};`);
  if (path !== ':memory:') db.exec('PRAGMA journal_mode = WAL;');
  migrate(db);
  const statements = {
    head: db.prepare('SELECT position, hash FROM audit_trail ORDER BY position DESC LIMIT 1'),
    insert: db.prepare('INSERT INTO audit_trail (position, time, body, hash) VALUES (?, ?, ?, ?)'),
    read: db.prepare('SELECT * FROM audit_trail WHERE position >= ? ORDER BY position LIMIT ?'),
    positionAt: db.prepare('SELECT MIN(position) AS position FROM audit_trail WHERE time >= ?'),
    addCheckpoint: db.prepare(
      `INSERT OR REPLACE INTO audit_checkpoints (seq, hash, time, algorithm, key_id, signature)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ),
    checkpoints: db.prepare('SELECT * FROM audit_checkpoints ORDER BY seq LIMIT ?'),
  };
  return {
    async append(build) {
      db.exec('BEGIN IMMEDIATE');
      try {
        const row = statements.head.get() as Row | undefined;
        const head = row === undefined ? undefined : { seq: Number(row.position), hash: String(row.hash) };
        const records = build(head);
        for (const { record, hash } of records) {
          // The body is the text the hash covers, so what is stored is what was hashed.
          statements.insert.run(record.seq, record.time, canonicalJson(record as unknown as JsonValue), hash);
        }
        db.exec('COMMIT');
        const last = records.at(-1);
        return last === undefined ? head : { seq: last.record.seq, hash: last.hash };
      } catch (error) {
        if (db.isTransaction) db.exec('ROLLBACK');
        throw error;
      }
    },
    async addCheckpoint(c) {
      statements.addCheckpoint.run(c.seq, c.hash, c.time, c.algorithm, c.keyId, c.signature);
    },
    read: async (from, limit) => (statements.read.all(from, limit) as Row[]).map(toStored),
    async positionAt(time) {
      const row = statements.positionAt.get(time) as Row | undefined;
      return row?.position === null || row === undefined ? undefined : Number(row.position);
    },
    checkpoints: async () => (statements.checkpoints.all(MAX_CHECKPOINTS) as Row[]).map(toCheckpoint),
    async close() {
      if (db.isOpen) db.close();
    },
  };
}

/** Whether the sqlite file at `path` holds an audit trail (without creating anything). */
export function hasSqliteAuditTrail(path: string): boolean {
  if (path === ':memory:') return false;
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(path, { readOnly: true });
    return (
      db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_trail_schema'").get() !==
      undefined
    );
  } catch {
    return false;
  } finally {
    db?.close();
  }
}
