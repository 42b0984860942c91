// JWT revocations: one token (`jti`) or every token of a subject issued before an instant. Recorded
// durably in the store (the source of truth, also for the CLI), marked in the state (so instances that
// share only the state see them on a fresh verification) and announced on its pub/sub (so every
// instance applies them at once, cached verifications included). Each jwt policy keeps an in-memory
// index, loaded from the store and refreshed on a timer: the bound when a notice is lost.
import { createHash } from 'node:crypto';
import type { MaybePromise, StateStore } from '../state/state.ts';
import type { IdentityStore, TokenRevocation } from '../store/store.ts';

/** The state channel token revocations travel on. */
export const TOKEN_REVOCATION_CHANNEL = 'identity:token-revocations';
/** Longest `jti` or subject a revocation accepts. */
export const MAX_REVOKED_VALUE_LENGTH = 256;

const stateKey = (kind: TokenRevocation['kind'], value: string): string =>
  `jwtrev:${kind}:${createHash('sha256').update(value).digest('base64url')}`;

/** Parses a channel message; undefined for anything malformed. */
export function decodeTokenRevocation(message: string): TokenRevocation | undefined {
  try {
    const r = JSON.parse(message) as Partial<TokenRevocation>;
    if (r.kind !== 'jti' && r.kind !== 'subject') return undefined;
    if (typeof r.value !== 'string' || r.value === '' || r.value.length > MAX_REVOKED_VALUE_LENGTH)
      return undefined;
    if (![r.issuedBefore, r.createdAt, r.expiresAt].every((n) => typeof n === 'number')) return undefined;
    return r as TokenRevocation;
  } catch {
    return undefined;
  }
}

/** Records a revocation in the store, marks it in the state and announces it to every instance. */
export async function revokeTokens(
  store: IdentityStore | undefined,
  state: StateStore | undefined,
  revocation: TokenRevocation,
): Promise<void> {
  await store?.insertTokenRevocation(revocation);
  if (state === undefined) return;
  const ttl = Math.max(1, revocation.expiresAt - revocation.createdAt);
  await state.set(stateKey(revocation.kind, revocation.value), String(revocation.issuedBefore), ttl);
  await state.publish(TOKEN_REVOCATION_CHANNEL, JSON.stringify(revocation));
}

/** What identifies a verified token for revocation checks. */
export interface TokenFacts {
  readonly jti: string | undefined;
  readonly subject: string;
  /** `iat` in seconds, when the token has one. */
  readonly iat: number | undefined;
}

/** An instance's view of the revocations in force. */
export interface RevocationIndex {
  /** Whether the index refuses the token (synchronous, two map lookups). */
  isRevoked(token: TokenFacts): boolean;
  /**
   * The full check for a fresh verification: the index, once the store's revocations are loaded, and
   * the state when it is remote (for instances that share it but not the store). Synchronous when
   * neither needs waiting for; rejects while the store cannot be read yet, so a verification fails
   * closed instead of ignoring revocations.
   */
  check(token: TokenFacts): MaybePromise<boolean>;
  close(): void;
}

// `iat` has second precision: a token issued in the second of the revocation is refused too.
const refusedBy = (issuedBefore: number, iat: number | undefined): boolean =>
  iat === undefined || iat * 1000 <= issuedBefore;

/** Builds an index over the store (loaded, then refreshed every `refreshMs`) and the state's notices. */
export function createRevocationIndex(options: {
  store: IdentityStore | undefined;
  state: StateStore | undefined;
  now: () => number;
  refreshMs: number;
  onError: (error: unknown) => void;
}): RevocationIndex {
  const { store, state, now } = options;
  const jtis = new Map<string, number>();
  const subjects = new Map<string, { issuedBefore: number; expiresAt: number }>();
  let lastSeq = 0;
  let isLoaded = store === undefined;
  let pending: Promise<void> | undefined;
  const add = (r: TokenRevocation) => {
    if (r.kind === 'jti') jtis.set(r.value, r.expiresAt);
    else {
      const known = subjects.get(r.value);
      if (known === undefined || known.issuedBefore <= r.issuedBefore) subjects.set(r.value, r);
    }
  };
  const purge = (at: number) => {
    for (const [jti, expiresAt] of jtis) if (expiresAt <= at) jtis.delete(jti);
    for (const [subject, r] of subjects) if (r.expiresAt <= at) subjects.delete(subject);
  };
  const load = async () => {
    if (store === undefined) return;
    const at = now();
    for (const r of await store.listTokenRevocations(lastSeq, at)) {
      add(r);
      lastSeq = Math.max(lastSeq, r.seq);
    }
    purge(at);
    isLoaded = true;
  };
  const refresh = (): Promise<void> => {
    pending ??= load().finally(() => {
      pending = undefined;
    });
    return pending;
  };
  const unsubscribe = state?.subscribe(TOKEN_REVOCATION_CHANNEL, (message) => {
    const r = decodeTokenRevocation(message);
    if (r !== undefined) add(r);
  });
  refresh().catch(options.onError);
  const timer =
    store === undefined
      ? undefined
      : setInterval(() => {
          refresh().catch(options.onError);
        }, options.refreshMs);
  timer?.unref();
  const remote = state !== undefined && state.backend !== 'memory';

  const isRevoked = (token: TokenFacts): boolean => {
    if (jtis.size === 0 && subjects.size === 0) return false;
    if (token.jti !== undefined && jtis.has(token.jti)) return true;
    const subject = subjects.get(token.subject);
    return subject !== undefined && refusedBy(subject.issuedBefore, token.iat);
  };
  const inState = (token: TokenFacts): MaybePromise<boolean> => {
    if (!remote) return false;
    return Promise.all([
      token.jti === undefined ? undefined : state.get(stateKey('jti', token.jti)),
      state.get(stateKey('subject', token.subject)),
    ]).then(
      ([jti, subject]) =>
        jti !== undefined || (subject !== undefined && refusedBy(Number(subject), token.iat)),
    );
  };
  const checkLoaded = (token: TokenFacts): MaybePromise<boolean> => isRevoked(token) || inState(token);

  return {
    isRevoked,
    check: (token) => (isLoaded ? checkLoaded(token) : refresh().then(() => checkLoaded(token))),
    close() {
      unsubscribe?.();
      if (timer !== undefined) clearInterval(timer);
    },
  };
}

/** Revocations are kept this long unless told otherwise: past the lifetime of ordinary tokens. */
export const DEFAULT_REVOCATION_TTL_MS = 30 * 24 * 3_600_000;

/** A revocation request that cannot be honoured (nothing named, both named, bad values). */
export class TokenRevocationError extends Error {
  override readonly name = 'TokenRevocationError';
}

/**
 * Builds a revocation from what an operator gave: a `jti`, or a `subject` (with `before`, default
 * now: its tokens issued earlier are refused); kept `ttlMs` (default 30 days).
 */
export function tokenRevocation(
  input: { jti?: unknown; subject?: unknown; before?: number | undefined; ttlMs?: number | undefined },
  now: number,
): TokenRevocation {
  const valid = (v: unknown): v is string =>
    typeof v === 'string' && v.length > 0 && v.length <= MAX_REVOKED_VALUE_LENGTH;
  if ((input.jti === undefined) === (input.subject === undefined)) {
    throw new TokenRevocationError('name either a jti or a subject');
  }
  const kind = input.jti === undefined ? 'subject' : 'jti';
  const value = input.jti ?? input.subject;
  if (!valid(value)) throw new TokenRevocationError(`${kind}: 1-${MAX_REVOKED_VALUE_LENGTH} characters`);
  const issuedBefore = input.before ?? now;
  if (!Number.isFinite(issuedBefore)) throw new TokenRevocationError('before: an instant');
  return {
    kind,
    value,
    issuedBefore,
    createdAt: now,
    expiresAt: now + (input.ttlMs ?? DEFAULT_REVOCATION_TTL_MS),
  };
}
