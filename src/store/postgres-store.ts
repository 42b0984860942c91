// The identity store on PostgreSQL (the `pg` package): one database shared by every gateway instance.
// Writes that can invalidate a cache announce themselves with NOTIFY in the same statement, so the
// notice is delivered exactly when the change commits; `watch` LISTENs on a connection of its own.
import { Client, type ClientConfig, Pool, type PoolClient } from 'pg';
import { POSTGRES_MIGRATIONS } from './postgres-migrations.ts';
import {
  newConsumer,
  type Row,
  toApiKey,
  toConsumer,
  toPassword,
  toSigningKey,
  toTokenRevocation,
} from './rows.ts';
import { type IdentityStore, type StoreChange, StoreConflictError } from './store.ts';
import { parseStoreChange } from './store-change.ts';

/** The channel change notices travel on. */
export const STORE_CHANNEL = 'rampart_store';

/** What `createPostgresStore` takes. */
export interface PostgresStoreOptions {
  /** postgres://user:password@host:port/database (a secret: never logged). */
  readonly url: string;
  /** Connections in the pool (default 10). */
  readonly poolSize?: number;
  /** Per-statement limit in ms (default 5000): a stuck database fails a lookup instead of hanging it. */
  readonly statementTimeoutMs?: number;
  readonly clock?: () => number;
  /**
   * Opens the LISTEN connection before resolving (a gateway: its caches hear every change from its
   * first request on); otherwise on the first `watch` (the CLI never opens it).
   */
  readonly listen?: boolean;
  /** Told about connection losses (the pool reconnects by itself); never given the URL. */
  readonly onError?: (error: Error) => void;
}

const num = (value: unknown): number => Number(value);

const CONSUMER_COLUMNS = `c.id AS c_id, c.name AS c_name, c.roles AS c_roles, c.metadata AS c_metadata,
  c.enabled AS c_enabled, c.created_at AS c_created_at`;

// SQLSTATE 23505: unique_violation (PostgreSQL Appendix A).
const isUniqueViolation = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';

/** Applies the migrations this version knows, once, under an advisory lock (instances may start together). */
async function migrate(client: PoolClient): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('rampart_store_migrations'))");
    await client.query(
      'CREATE TABLE IF NOT EXISTS rampart_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)',
    );
    const { rows } = await client.query(
      'SELECT COALESCE(MAX(version), 0) AS version FROM rampart_migrations',
    );
    const current = num(rows[0]?.version);
    if (current > POSTGRES_MIGRATIONS.length) {
      throw new Error(
        `the store's schema is version ${current}, newer than this rampart knows (${POSTGRES_MIGRATIONS.length}): upgrade rampart`,
      );
    }
    for (let version = current + 1; version <= POSTGRES_MIGRATIONS.length; version++) {
      await client.query(POSTGRES_MIGRATIONS[version - 1]!);
      await client.query('INSERT INTO rampart_migrations (version, applied_at) VALUES ($1, $2)', [
        version,
        Date.now(),
      ]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}

/** Connects, migrates, and returns the store; rejects when the database cannot be reached or migrated. */
export async function createPostgresStore(options: PostgresStoreOptions): Promise<IdentityStore> {
  const clock = options.clock ?? Date.now;
  const onError = options.onError ?? (() => {});
  const connection: ClientConfig = {
    connectionString: options.url,
    connectionTimeoutMillis: 5000,
    statement_timeout: options.statementTimeoutMs ?? 5000,
    application_name: 'rampart',
  };
  const pool = new Pool({ ...connection, max: options.poolSize ?? 10 });
  // An idle connection that breaks emits on the pool; without a listener it would crash the process.
  pool.on('error', onError);
  try {
    const client = await pool.connect();
    try {
      await migrate(client);
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end();
    throw error;
  }
  const query = async (text: string, values: unknown[] = []): Promise<Row[]> =>
    (await pool.query(text, values)).rows as Row[];
  const changed = async (text: string, values: unknown[]): Promise<boolean> =>
    ((await pool.query(text, values)).rowCount ?? 0) > 0;
  const listening = createListener(connection, onError);
  if (options.listen === true) await listening.start();

  return {
    async createConsumer(input) {
      const consumer = newConsumer(input, clock());
      try {
        await query(
          'INSERT INTO consumers (id, name, roles, metadata, enabled, created_at) VALUES ($1, $2, $3, $4, TRUE, $5)',
          [
            consumer.id,
            consumer.name,
            JSON.stringify(consumer.roles),
            JSON.stringify(consumer.metadata),
            consumer.createdAt,
          ],
        );
      } catch (error) {
        if (isUniqueViolation(error)) throw new StoreConflictError(`consumer "${input.name}" already exists`);
        throw error;
      }
      return consumer;
    },
    async findConsumer(idOrName) {
      const rows = await query(
        'SELECT * FROM consumers WHERE id = $1 OR name = $1 ORDER BY (id = $1) DESC LIMIT 1',
        [idOrName],
      );
      return rows[0] === undefined ? undefined : toConsumer(rows[0]);
    },
    listConsumers: async () =>
      (await query('SELECT * FROM consumers ORDER BY name COLLATE "C"')).map((row) => toConsumer(row)),
    setConsumerEnabled: (id, enabled) =>
      changed(
        `WITH u AS (UPDATE consumers SET enabled = $1 WHERE id = $2 RETURNING id)
         SELECT pg_notify('${STORE_CHANNEL}', 'consumer:' || id) FROM u`,
        [enabled, id],
      ),
    setConsumerRoles: (id, roles) =>
      changed(
        `WITH u AS (UPDATE consumers SET roles = $1 WHERE id = $2 RETURNING id)
         SELECT pg_notify('${STORE_CHANNEL}', 'consumer:' || id) FROM u`,
        [JSON.stringify([...roles]), id],
      ),
    async insertApiKey(record) {
      try {
        // Announced too: an instance may have cached "no such key" for this id.
        await query(
          `WITH i AS (INSERT INTO api_keys (id, consumer_id, hash, created_at, expires_at, revoked_at, replaced_by)
                      VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id)
           SELECT pg_notify('${STORE_CHANNEL}', 'key:' || id) FROM i`,
          [
            record.id,
            record.consumerId,
            Buffer.from(record.hash),
            record.createdAt,
            record.expiresAt ?? null,
            record.revokedAt ?? null,
            record.replacedBy ?? null,
          ],
        );
      } catch (error) {
        if (isUniqueViolation(error)) throw new StoreConflictError('api key id already exists');
        throw error;
      }
    },
    async findApiKey(id) {
      const rows = await query(
        `SELECT k.*, ${CONSUMER_COLUMNS} FROM api_keys k JOIN consumers c ON c.id = k.consumer_id WHERE k.id = $1`,
        [id],
      );
      const row = rows[0];
      return row === undefined ? undefined : { key: toApiKey(row), consumer: toConsumer(row, 'c_') };
    },
    listApiKeys: async (consumerId) =>
      (consumerId === undefined
        ? await query('SELECT * FROM api_keys ORDER BY created_at DESC, id COLLATE "C"')
        : await query(
            'SELECT * FROM api_keys WHERE consumer_id = $1 ORDER BY created_at DESC, id COLLATE "C"',
            [consumerId],
          )
      ).map(toApiKey),
    updateApiKey: (id, update) =>
      changed(
        `WITH u AS (UPDATE api_keys SET expires_at = COALESCE($1, expires_at),
                      revoked_at = COALESCE($2, revoked_at), replaced_by = COALESCE($3, replaced_by)
                    WHERE id = $4 RETURNING id)
         SELECT pg_notify('${STORE_CHANNEL}', 'key:' || id) FROM u`,
        [update.expiresAt ?? null, update.revokedAt ?? null, update.replacedBy ?? null, id],
      ),
    async setPassword(record) {
      await query(
        `INSERT INTO passwords (username, consumer_id, hash, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (username) DO UPDATE SET consumer_id = EXCLUDED.consumer_id, hash = EXCLUDED.hash,
           created_at = EXCLUDED.created_at`,
        [record.username, record.consumerId, record.hash, record.createdAt],
      );
    },
    async findPassword(username) {
      const rows = await query(
        `SELECT p.username, p.consumer_id AS p_consumer_id, p.hash AS p_hash, p.created_at AS p_created_at,
                ${CONSUMER_COLUMNS}
           FROM passwords p JOIN consumers c ON c.id = p.consumer_id WHERE p.username = $1`,
        [username],
      );
      const row = rows[0];
      if (row === undefined) return undefined;
      return {
        password: toPassword(row),
        consumer: toConsumer(row, 'c_'),
      };
    },
    async insertSigningKey(record) {
      try {
        await query(
          `WITH i AS (INSERT INTO signing_keys (id, consumer_id, algorithm, material, created_at, revoked_at)
                      VALUES ($1, $2, $3, $4, $5, $6) RETURNING id)
           SELECT pg_notify('${STORE_CHANNEL}', 'signing-key:' || id) FROM i`,
          [
            record.id,
            record.consumerId,
            record.algorithm,
            Buffer.from(record.material),
            record.createdAt,
            record.revokedAt ?? null,
          ],
        );
      } catch (error) {
        if (isUniqueViolation(error)) throw new StoreConflictError('signing key id already exists');
        throw error;
      }
    },
    async findSigningKey(id) {
      const rows = await query(
        `SELECT k.*, ${CONSUMER_COLUMNS} FROM signing_keys k JOIN consumers c ON c.id = k.consumer_id WHERE k.id = $1`,
        [id],
      );
      const row = rows[0];
      return row === undefined ? undefined : { key: toSigningKey(row), consumer: toConsumer(row, 'c_') };
    },
    listSigningKeys: async (consumerId) =>
      (consumerId === undefined
        ? await query('SELECT * FROM signing_keys ORDER BY created_at DESC, id COLLATE "C"')
        : await query(
            'SELECT * FROM signing_keys WHERE consumer_id = $1 ORDER BY created_at DESC, id COLLATE "C"',
            [consumerId],
          )
      ).map(toSigningKey),
    revokeSigningKey: (id, revokedAt) =>
      changed(
        `WITH u AS (UPDATE signing_keys SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2 RETURNING id)
         SELECT pg_notify('${STORE_CHANNEL}', 'signing-key:' || id) FROM u`,
        [revokedAt, id],
      ),
    async insertTokenRevocation(r) {
      // The same kind and value replaces the earlier row under a new sequence number (as SQLite's
      // ON CONFLICT REPLACE does), so instances reading "after seq" see the replacement.
      const rows = await query(
        `WITH i AS (
           INSERT INTO token_revocations (kind, value, issued_before, created_at, expires_at)
           VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (kind, value) DO UPDATE SET seq = nextval(pg_get_serial_sequence('token_revocations', 'seq')),
             issued_before = EXCLUDED.issued_before, created_at = EXCLUDED.created_at,
             expires_at = EXCLUDED.expires_at
           RETURNING *)
         SELECT seq, pg_notify('${STORE_CHANNEL}', 'token:' || json_build_object('kind', kind, 'value', value,
           'issuedBefore', issued_before, 'createdAt', created_at, 'expiresAt', expires_at)::text) FROM i`,
        [r.kind, r.value, r.issuedBefore, r.createdAt, r.expiresAt],
      );
      return num(rows[0]?.seq);
    },
    listTokenRevocations: async (after, now) =>
      (
        await query(
          'SELECT * FROM token_revocations WHERE seq > $1 AND expires_at > $2 ORDER BY seq LIMIT 100000',
          [after, now],
        )
      ).map(toTokenRevocation),
    watch: (listener) => listening.add(listener),
    async close() {
      await listening.close();
      await pool.end();
    },
  };
}

/** Largest pause between attempts to get the listening connection back. */
const MAX_RECONNECT_MS = 5000;

/**
 * The LISTEN connection, opened on the first `add` and reopened (with backoff) when lost; after a
 * loss listeners get `resync`, since notices sent meanwhile are gone.
 */
function createListener(connection: ClientConfig, onError: (error: Error) => void) {
  const listeners = new Set<(change: StoreChange) => void>();
  let client: Client | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  let delayMs = 100;
  const emit = (change: StoreChange) => {
    for (const listener of listeners) listener(change);
  };
  const connect = async (afterLoss: boolean): Promise<void> => {
    const next = new Client(connection);
    next.on('notification', (message) => {
      const change = message.channel === STORE_CHANNEL ? parseStoreChange(message.payload ?? '') : undefined;
      if (change !== undefined) emit(change);
    });
    const lost = (error?: Error) => {
      if (client !== next) return;
      client = undefined;
      if (error !== undefined) onError(error);
      next.end().catch(() => {});
      schedule();
    };
    next.on('error', lost);
    next.on('end', () => lost());
    try {
      await next.connect();
      await next.query(`LISTEN ${STORE_CHANNEL}`);
    } catch (error) {
      next.end().catch(() => {});
      if (!closed) onError(error as Error);
      schedule();
      return;
    }
    if (closed) {
      await next.end();
      return;
    }
    client = next;
    delayMs = 100;
    if (afterLoss) emit({ kind: 'resync' });
  };
  const schedule = () => {
    if (closed || timer !== undefined) return;
    timer = setTimeout(() => {
      timer = undefined;
      connect(true).catch(onError);
    }, delayMs);
    timer.unref();
    delayMs = Math.min(delayMs * 2, MAX_RECONNECT_MS);
  };
  let started: Promise<void> | undefined;
  const start = (): Promise<void> => {
    started ??= connect(false);
    return started;
  };
  return {
    start,
    add(listener: (change: StoreChange) => void): () => void {
      listeners.add(listener);
      start().catch(onError);
      return () => listeners.delete(listener);
    },
    async close() {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      await started;
      const open = client;
      client = undefined;
      await open?.end();
    },
  };
}
