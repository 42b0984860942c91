// Walks a stored audit trail and says where it was tampered with: a record whose content no longer
// matches its hash (changed), a missing number (removed), a record out of its place (reordered), a
// broken link to the record before, and checkpoints whose signature or hash does not hold.
import { type ChainHead, type Checkpoint, GENESIS_HASH, hashRecord, type StoredRecord } from './record.ts';
import type { CheckpointSigner } from './signer.ts';
import type { AuditStorage } from './storage.ts';

/** What is wrong, and at which record. */
export interface VerifyProblem {
  readonly seq: number;
  readonly kind: 'changed' | 'removed' | 'reordered' | 'unlinked' | 'checkpoint';
  readonly message: string;
}

/** The outcome of a verification. */
export interface VerifyReport {
  readonly ok: boolean;
  readonly records: number;
  readonly head: ChainHead | undefined;
  readonly checkpoints: number;
  /** Checkpoints whose signature was checked (a key was given and it is theirs). */
  readonly checkpointsVerified: number;
  /** Records after the last checkpoint: not yet covered by a signature. */
  readonly unsignedTail: number;
  /** The first problems found, in chain order (at most MAX_PROBLEMS). */
  readonly problems: readonly VerifyProblem[];
}

const PAGE = 1000;
const MAX_PROBLEMS = 100;

function recordProblems(stored: StoredRecord, expected: number, prevHash: string): VerifyProblem[] {
  const { position, record } = stored;
  let computed: string | undefined;
  try {
    computed = hashRecord(record);
  } catch {
    computed = undefined;
  }
  const problems: VerifyProblem[] = [];
  if (computed !== stored.hash) {
    problems.push({
      seq: position,
      kind: 'changed',
      message: `record ${position}: its content does not match its hash (changed)`,
    });
  }
  if (record.seq !== position) {
    problems.push({
      seq: position,
      kind: 'reordered',
      message: `record ${position}: the store holds record ${String(record.seq)} in its place (reordered)`,
    });
    return problems;
  }
  if (position > expected) {
    const span =
      position - 1 === expected ? `record ${expected} is` : `records ${expected}-${position - 1} are`;
    problems.push({ seq: expected, kind: 'removed', message: `${span} missing (removed)` });
    return problems;
  }
  if (problems.length === 0 && record.prev !== prevHash) {
    problems.push({
      seq: position,
      kind: 'unlinked',
      message: `record ${position}: does not follow record ${position - 1} (that record was changed, or one between them removed)`,
    });
  }
  return problems;
}

function checkpointProblems(
  checkpoint: Checkpoint,
  signer: CheckpointSigner | undefined,
  hashAt: ReadonlyMap<number, string>,
): { problems: VerifyProblem[]; verified: boolean } {
  const problems: VerifyProblem[] = [];
  let verified = false;
  if (
    signer !== undefined &&
    signer.algorithm === checkpoint.algorithm &&
    signer.keyId === checkpoint.keyId
  ) {
    verified = signer.verify(checkpoint);
    if (!verified) {
      problems.push({
        seq: checkpoint.seq,
        kind: 'checkpoint',
        message: `checkpoint at record ${checkpoint.seq}: its signature does not hold (forged or changed)`,
      });
    }
  } else if (signer !== undefined) {
    problems.push({
      seq: checkpoint.seq,
      kind: 'checkpoint',
      message: `checkpoint at record ${checkpoint.seq}: signed with another key (${checkpoint.keyId})`,
    });
  }
  const hash = hashAt.get(checkpoint.seq);
  if (hash === undefined) {
    problems.push({
      seq: checkpoint.seq,
      kind: 'removed',
      message: `record ${checkpoint.seq}: signed by a checkpoint but missing (removed)`,
    });
  } else if (hash !== checkpoint.hash) {
    problems.push({
      seq: checkpoint.seq,
      kind: 'changed',
      message: `record ${checkpoint.seq}: differs from its signed checkpoint (the chain up to it was rewritten)`,
    });
  }
  return { problems, verified };
}

/** Verifies the whole trail; `signer` (the checkpoint key) makes signed checkpoints count. */
export async function verifyAuditTrail(
  storage: AuditStorage,
  signer?: CheckpointSigner,
): Promise<VerifyReport> {
  const checkpoints = await storage.checkpoints();
  const wanted = new Set(checkpoints.map((checkpoint) => checkpoint.seq));
  const hashAt = new Map<number, string>();
  const problems: VerifyProblem[] = [];
  let records = 0;
  let expected = 1;
  let prevHash = GENESIS_HASH;
  let head: ChainHead | undefined;
  for (let from = 1; ; ) {
    const page = await storage.read(from, PAGE);
    for (const stored of page) {
      records += 1;
      if (problems.length < MAX_PROBLEMS) problems.push(...recordProblems(stored, expected, prevHash));
      if (wanted.has(stored.position) && stored.record.seq === stored.position) {
        hashAt.set(stored.position, stored.hash);
      }
      prevHash = stored.hash;
      expected = stored.position + 1;
      head = { seq: stored.position, hash: stored.hash };
    }
    if (page.length < PAGE) break;
    from = page.at(-1)!.position + 1;
  }
  let verified = 0;
  for (const checkpoint of checkpoints) {
    const outcome = checkpointProblems(checkpoint, signer, hashAt);
    if (outcome.verified) verified += 1;
    problems.push(...outcome.problems);
  }
  problems.sort((a, b) => a.seq - b.seq);
  const lastSigned = checkpoints.at(-1)?.seq ?? 0;
  return {
    ok: problems.length === 0,
    records,
    head,
    checkpoints: checkpoints.length,
    checkpointsVerified: verified,
    unsignedTail: Math.max(0, (head?.seq ?? 0) - lastSigned),
    problems: problems.slice(0, MAX_PROBLEMS),
  };
}
