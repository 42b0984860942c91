// The audit trail's writer: `record` queues an entry and returns at once (the request path and the
// admin API never wait on the store); batches are chained and appended together, a signed checkpoint
// follows every N records or T milliseconds and on close. A full queue drops entries and says so in
// the chain (a `gap` record with the count), never silently.
import { type Clock, systemClock } from '../lib/clock.ts';
import { redactSecretsInText } from '../observe/redact-text.ts';
import { type AuditDetails, type AuditEntry, type ChainHead, chainEntries } from './record.ts';
import type { CheckpointSigner } from './signer.ts';
import type { AuditStorage } from './storage.ts';

/** Options of `createAuditTrail`. */
export interface AuditTrailOptions {
  readonly storage: AuditStorage;
  readonly clock?: Clock;
  /** Signs checkpoints; without one the chain is still hashed, but a rewritten chain is undetectable. */
  readonly signer?: CheckpointSigner | undefined;
  /** A checkpoint after this many records (default 1000)… */
  readonly checkpointEvery?: number;
  /** …or once this much time passed since the last one with records in between (default 1 h). */
  readonly checkpointIntervalMs?: number;
  /** Records per append (default 64: a few milliseconds of synchronous sqlite work at most). */
  readonly batchSize?: number;
  /** Longest a record waits before its batch is written (default 250 ms). */
  readonly flushMs?: number;
  /** Entries waiting at most (default 10 000); beyond, entries are dropped and counted. */
  readonly maxQueue?: number;
  /** A failed append or checkpoint (logged by the caller; the entries are retried). */
  readonly onError?: (error: unknown) => void;
  /** Entries dropped because the queue was full. */
  readonly onDrop?: (count: number) => void;
}

/** A running audit trail. */
export interface AuditTrail {
  /** Queues an entry; never throws, never waits. */
  record(entry: AuditEntry): void;
  /** Resolves once every entry queued so far is stored. */
  flush(): Promise<void>;
  /** Flushes, writes a last checkpoint and stops taking entries (the storage stays open). */
  close(): Promise<void>;
}

const MAX_TEXT = 256;
const MAX_DETAILS = 32;
const MAX_LIST = 64;

// Identifiers the code supplies (`requestId`, `keyId`, `digest`): random-looking by design, so the
// secret detector would hide them; they are kept when they have the shape of an id, redacted otherwise.
const ID_KEY = /(?:Id|^id|^digest|^version)$/;
const ID_VALUE = /^[A-Za-z0-9_.:-]{1,128}$/;

function cleanText(key: string, value: string): string {
  if (ID_KEY.test(key) && ID_VALUE.test(value)) return value;
  return redactSecretsInText(value, MAX_TEXT);
}

/** Bounded, secret-free details: long values cut, anything that looks like a credential redacted. */
function cleanDetails(details: AuditDetails | undefined): AuditDetails | undefined {
  if (details === undefined) return undefined;
  const out: Record<string, string | number | boolean | string[]> = {};
  for (const [key, value] of Object.entries(details).slice(0, MAX_DETAILS)) {
    if (value === undefined) continue;
    const name = key.slice(0, 64);
    if (typeof value === 'string') out[name] = cleanText(name, value);
    else if (typeof value === 'number') out[name] = Number.isFinite(value) ? value : String(value);
    else if (typeof value === 'boolean') out[name] = value;
    else out[name] = value.slice(0, MAX_LIST).map((item) => redactSecretsInText(String(item), MAX_TEXT));
  }
  return out;
}

function cleanEntry(entry: AuditEntry, now: number): AuditEntry & { time: number } {
  const target = cleanDetails(entry.target);
  const details = cleanDetails(entry.details);
  return {
    kind: entry.kind,
    // Actions are names the code chooses (a route's pattern, `reload`), never request text.
    action: entry.action.slice(0, MAX_TEXT),
    actor: redactSecretsInText(entry.actor, 64),
    outcome: redactSecretsInText(entry.outcome, 64),
    ...(target === undefined ? {} : { target }),
    ...(details === undefined ? {} : { details }),
    time: entry.time ?? now,
  };
}

/** Starts an audit trail writer over `storage`. */
export function createAuditTrail(options: AuditTrailOptions): AuditTrail {
  const { storage, signer } = options;
  const clock = options.clock ?? systemClock;
  const batchSize = options.batchSize ?? 64;
  const flushMs = options.flushMs ?? 250;
  const maxQueue = options.maxQueue ?? 10_000;
  const checkpointEvery = options.checkpointEvery ?? 1000;
  const checkpointIntervalMs = options.checkpointIntervalMs ?? 3_600_000;
  let queue: Array<AuditEntry & { time: number }> = [];
  let droppedSinceGap = 0;
  let timer: NodeJS.Timeout | undefined;
  let immediate = false;
  let writing: Promise<void> = Promise.resolve();
  let closed = false;
  let head: ChainHead | undefined;
  let checkpointed: { seq: number; time: number } = { seq: 0, time: clock.now() };

  const report = (error: unknown) => options.onError?.(error);

  const checkpoint = async (force: boolean): Promise<void> => {
    if (signer?.sign === undefined || head === undefined || head.seq <= checkpointed.seq) return;
    const now = clock.now();
    const due =
      force ||
      head.seq - checkpointed.seq >= checkpointEvery ||
      now - checkpointed.time >= checkpointIntervalMs;
    if (!due) return;
    const unsigned = {
      seq: head.seq,
      hash: head.hash,
      time: now,
      algorithm: signer.algorithm,
      keyId: signer.keyId,
    };
    await storage.addCheckpoint({ ...unsigned, signature: signer.sign(unsigned) });
    checkpointed = { seq: head.seq, time: now };
  };

  const writeOnce = async (force: boolean): Promise<void> => {
    while (queue.length > 0 || droppedSinceGap > 0) {
      const batch = queue.slice(0, batchSize);
      const dropped = droppedSinceGap;
      if (dropped > 0) {
        batch.unshift({
          kind: 'gap',
          action: 'entries-dropped',
          actor: 'gateway',
          outcome: 'failure',
          details: { dropped },
          time: clock.now(),
        });
      }
      try {
        head = await storage.append((current) => chainEntries(current, batch));
      } catch (error) {
        report(error);
        return;
      }
      queue = queue.slice(batchSize);
      droppedSinceGap -= dropped;
      await checkpoint(false).catch(report);
      // Between batches, let requests run: a flood of denials is written in slices, not one long stall.
      if (queue.length > 0) await new Promise<void>((resume) => setImmediate(resume));
    }
    if (force) await checkpoint(true).catch(report);
  };

  const write = (force = false): Promise<void> => {
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    writing = writing.then(() => writeOnce(force));
    return writing;
  };

  return {
    record(entry) {
      if (closed) return;
      if (queue.length >= maxQueue) {
        droppedSinceGap += 1;
        options.onDrop?.(1);
        return;
      }
      queue.push(cleanEntry(entry, clock.now()));
      if (queue.length >= batchSize) {
        if (!immediate) {
          immediate = true;
          setImmediate(() => {
            immediate = false;
            void write();
          });
        }
      }
      // Unreferenced: a pending batch never keeps the process alive; close() writes it.
      else timer ??= setTimeout(() => void write(), flushMs).unref();
    },
    flush: () => write(),
    async close() {
      if (closed) return writing;
      closed = true;
      return write(true);
    },
  };
}
