// The PostgreSQL store's schema, one migration per version (the `rampart_migrations` table records
// which ran). Never edit a shipped migration: add the next one. Times are milliseconds (BIGINT).

/** Migration N is at index N - 1. */
export const POSTGRES_MIGRATIONS: readonly string[] = [
  // 1: consumers, API keys (hashes), passwords (scrypt), signing keys, JWT revocations.
  `
  CREATE TABLE consumers (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    roles JSONB NOT NULL,
    metadata JSONB NOT NULL,
    enabled BOOLEAN NOT NULL,
    created_at BIGINT NOT NULL
  );
  CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    consumer_id TEXT NOT NULL REFERENCES consumers(id),
    hash BYTEA NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT,
    revoked_at BIGINT,
    replaced_by TEXT
  );
  CREATE INDEX api_keys_consumer ON api_keys(consumer_id);
  CREATE TABLE passwords (
    username TEXT PRIMARY KEY,
    consumer_id TEXT NOT NULL REFERENCES consumers(id),
    hash TEXT NOT NULL,
    created_at BIGINT NOT NULL
  );
  CREATE TABLE signing_keys (
    id TEXT PRIMARY KEY,
    consumer_id TEXT NOT NULL REFERENCES consumers(id),
    algorithm TEXT NOT NULL,
    material BYTEA NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
  );
  CREATE INDEX signing_keys_consumer ON signing_keys(consumer_id);
  CREATE TABLE token_revocations (
    seq BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    issued_before BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    UNIQUE (kind, value)
  );
  `,
];
