// Where the audit trail is kept: a small interface, so a backend is a page of code. node:sqlite is
// sqlite-storage.ts (the identity store's file, its own tables); a PostgreSQL one takes the same shape
// (append inside a transaction holding a lock on the head, e.g. SELECT … FOR UPDATE or an advisory lock).
import type { AuditRecord, ChainHead, Checkpoint, StoredRecord } from './record.ts';

/** Records ready to store after a head: what `chainEntries` returns. */
export type ChainedRecords = ReadonlyArray<{ readonly record: AuditRecord; readonly hash: string }>;

/** The audit trail's storage. */
export interface AuditStorage {
  /**
   * Appends atomically. `build` receives the current head while the storage holds its write lock, so
   * several writers (workers, a CLI) extend one chain without forking it; resolves to the new head.
   */
  append(build: (head: ChainHead | undefined) => ChainedRecords): Promise<ChainHead | undefined>;
  addCheckpoint(checkpoint: Checkpoint): Promise<void>;
  /** Up to `limit` stored records from position `from` on, in position order. */
  read(from: number, limit: number): Promise<StoredRecord[]>;
  /** The position of the first record at or after `time` (ms), if any. */
  positionAt(time: number): Promise<number | undefined>;
  /** Every checkpoint, oldest first (at most MAX_CHECKPOINTS). */
  checkpoints(): Promise<Checkpoint[]>;
  close(): Promise<void>;
}

/** Checkpoints read at most; one per thousand records or per hour keeps far below. */
export const MAX_CHECKPOINTS = 100_000;
