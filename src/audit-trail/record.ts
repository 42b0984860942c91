// What the audit trail holds: records chained by hash (each names the SHA-256 of the one before) and
// signed checkpoints over the chain's head. Building and hashing them is here; storing them is
// storage.ts; walking and judging a chain is verify.ts.
import { createHash } from 'node:crypto';
import { canonicalJson, type JsonValue } from './canonical-json.ts';

/** What an audit record is about. */
export const AUDIT_KINDS = ['admin', 'config', 'denial', 'lifecycle', 'gap'] as const;
export type AuditKind = (typeof AUDIT_KINDS)[number];

/** Flat details of a record: names to short strings, numbers, booleans or lists of strings. */
export type AuditDetails = Readonly<
  Record<string, string | number | boolean | readonly string[] | undefined>
>;

/** What a caller records; the trail adds the sequence number, the time and the chain. */
export interface AuditEntry {
  readonly kind: AuditKind;
  /** What happened: `POST /consumers/:id/keys`, `reload`, `policy-mode`, `denied`, `start`. */
  readonly action: string;
  /** Who did it: `write-token`, `read-token`, `anonymous`, `cli`, `file`, `signal`, `gateway`. */
  readonly actor: string;
  /** `success`, `failure`, `denied`, or an HTTP status as text. */
  readonly outcome: string;
  /** What it concerns (ids and names, never a secret). */
  readonly target?: AuditDetails;
  readonly details?: AuditDetails;
  /** Milliseconds since the epoch; the trail's clock when absent. */
  readonly time?: number;
}

/** A record as hashed and stored. */
export interface AuditRecord extends AuditEntry {
  /** 1, 2, 3… without gaps. */
  readonly seq: number;
  readonly time: number;
  /** The hash of the record before (GENESIS_HASH for the first). */
  readonly prev: string;
}

/** A stored record: its position in the store, its content and the hash stored beside it. */
export interface StoredRecord {
  /** Where the store keeps it (its key); equal to `record.seq` unless someone moved it. */
  readonly position: number;
  readonly record: AuditRecord;
  readonly hash: string;
}

/** A signed statement "the chain up to `seq` ends in `hash`". */
export interface Checkpoint {
  readonly seq: number;
  readonly hash: string;
  readonly time: number;
  readonly algorithm: CheckpointAlgorithm;
  /** Names the key (a fingerprint, not the key). */
  readonly keyId: string;
  /** base64url. */
  readonly signature: string;
}

export type CheckpointAlgorithm = 'hmac-sha256' | 'ed25519';

/** The head of a chain: the last record's number and hash. */
export interface ChainHead {
  readonly seq: number;
  readonly hash: string;
}

/** The `prev` of the first record. */
export const GENESIS_HASH = '0'.repeat(64);

/** The SHA-256 (hex) of a record's canonical JSON. */
export function hashRecord(record: AuditRecord): string {
  return createHash('sha256')
    .update(canonicalJson(record as unknown as JsonValue))
    .digest('hex');
}

/** Chains `entries` after `head`: numbers, times and hashes. */
export function chainEntries(
  head: ChainHead | undefined,
  entries: readonly (AuditEntry & { readonly time: number })[],
): Array<{ record: AuditRecord; hash: string }> {
  let seq = head?.seq ?? 0;
  let prev = head?.hash ?? GENESIS_HASH;
  return entries.map((entry) => {
    seq += 1;
    const record: AuditRecord = { ...entry, seq, prev };
    const hash = hashRecord(record);
    prev = hash;
    return { record, hash };
  });
}

/** The text a checkpoint's signature covers. */
export function checkpointPayload(checkpoint: Omit<Checkpoint, 'signature'>): string {
  const { seq, hash, time, algorithm, keyId } = checkpoint;
  return canonicalJson({ type: 'rampart-audit-checkpoint', seq, hash, time, algorithm, keyId });
}
