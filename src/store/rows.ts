// Rows of either backend to records: the column names are the same in SQLite and PostgreSQL; values
// differ only in form (SQLite: JSON text and 0/1, PostgreSQL: JSONB and booleans, BIGINT as text).
import { randomUUID } from 'node:crypto';
import type {
  ApiKeyRecord,
  Consumer,
  NewConsumer,
  SigningAlgorithm,
  SigningKeyRecord,
  TokenRevocation,
} from './store.ts';

/** A row as a driver returns it. */
export type Row = Readonly<Record<string, unknown>>;

const optionalNumber = (value: unknown): number | undefined =>
  value === null || value === undefined ? undefined : Number(value);
const json = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;

/** The consumer in `row`, its columns named `<prefix>id`, `<prefix>name`, … */
export function toConsumer(row: Row, prefix = ''): Consumer {
  const enabled = row[`${prefix}enabled`];
  return {
    id: String(row[`${prefix}id`]),
    name: String(row[`${prefix}name`]),
    roles: json<string[]>(row[`${prefix}roles`]),
    metadata: json<Record<string, string>>(row[`${prefix}metadata`]),
    enabled: enabled === true || Number(enabled) === 1,
    createdAt: Number(row[`${prefix}created_at`]),
  };
}

export function toApiKey(row: Row): ApiKeyRecord {
  return {
    id: String(row.id),
    consumerId: String(row.consumer_id),
    hash: new Uint8Array(row.hash as Uint8Array),
    createdAt: Number(row.created_at),
    expiresAt: optionalNumber(row.expires_at),
    revokedAt: optionalNumber(row.revoked_at),
    replacedBy: row.replaced_by === null ? undefined : String(row.replaced_by),
  };
}

export function toSigningKey(row: Row): SigningKeyRecord {
  return {
    id: String(row.id),
    consumerId: String(row.consumer_id),
    algorithm: String(row.algorithm) as SigningAlgorithm,
    material: new Uint8Array(row.material as Uint8Array),
    createdAt: Number(row.created_at),
    revokedAt: optionalNumber(row.revoked_at),
  };
}

export function toTokenRevocation(row: Row): TokenRevocation & { seq: number } {
  return {
    seq: Number(row.seq),
    kind: String(row.kind) === 'jti' ? 'jti' : 'subject',
    value: String(row.value),
    issuedBefore: Number(row.issued_before),
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
  };
}

/** The password row of a password-with-consumer join (`p_` columns). */
export function toPassword(row: Row) {
  return {
    username: String(row.username),
    consumerId: String(row.p_consumer_id),
    hash: String(row.p_hash),
    createdAt: Number(row.p_created_at),
  };
}

/** The record of a consumer about to be created: a new UUID, enabled. */
export function newConsumer(input: NewConsumer, createdAt: number): Consumer {
  return {
    id: randomUUID(),
    name: input.name,
    roles: [...(input.roles ?? [])],
    metadata: { ...(input.metadata ?? {}) },
    enabled: true,
    createdAt,
  };
}
