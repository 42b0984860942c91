// Dashboard sessions: the admin (or read-only) token is exchanged once for a session token of the same
// scope that ends when idle and at a fixed age. The dashboard keeps only that token, in sessionStorage,
// and sends it as a bearer token: no cookie is involved, so a cross-site page cannot make the browser
// write on the operator's behalf (CSRF), and closing the tab forgets it.
//
// A session token is signed, not stored: HMAC-SHA256 over its scope and times with a key derived from
// the token of that scope. So every worker sharing the admin port (`--workers`) accepts it, and changing
// the admin token ends every session opened with it. Its idle end is in the token: GET /session renews
// it (a new token, same start); ending a session is remembered by the process that was asked.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../lib/clock.ts';

/** What a session may do: `read` (GET and HEAD) or `write` (everything). */
export type SessionScope = 'read' | 'write';

/** A session as the dashboard sees it. */
export interface SessionView {
  readonly scope: SessionScope;
  /** Milliseconds since the epoch: the session ends then unless renewed before (idle expiry)... */
  readonly idleExpiresAt: number;
  /** ...and at this time in any case. */
  readonly expiresAt: number;
}

/** The sessions of one admin listener. */
export interface AdminSessions {
  /** Opens a session; returns its token (shown to the caller once) and its view. */
  open(scope: SessionScope): { readonly token: string; readonly session: SessionView };
  /** The live session of `token`, or undefined (unknown signature, expired, ended). */
  touch(token: string): SessionView | undefined;
  /** A new token for a live session: idle end pushed back, the same start and maximum age. */
  renew(token: string): { readonly token: string; readonly session: SessionView } | undefined;
  /** Ends the session of `token` (in this process); true when it was live. */
  close(token: string): boolean;
}

/** Options of `createAdminSessions`. */
export interface AdminSessionsOptions {
  /** The admin token and the read-only token (the signing keys derive from them); random when absent. */
  readonly secrets?: { readonly write?: string | undefined; readonly read?: string | undefined };
  readonly clock?: Clock;
  /** A session not renewed for this long ends; 15 minutes by default. */
  readonly idleMs?: number;
  /** A session ends this long after it opened, renewed or not; 8 hours by default. */
  readonly maxAgeMs?: number;
  /** Ended sessions remembered at most (until their expiry); 10 000 by default. */
  readonly maxEnded?: number;
}

/** The prefix of session tokens, so they are recognisable (secret scanners, the audit's actor). */
export const SESSION_TOKEN_PREFIX = 'rmp_session_';
const MAX_TOKEN_LENGTH = 512;

interface Payload {
  /** Scope. */
  readonly s: SessionScope;
  /** Opened at (ms). */
  readonly o: number;
  /** Idle end (ms). */
  readonly i: number;
  /** Nonce, base64url: names the session (ending it). */
  readonly n: string;
}

function keyOf(secret: string | undefined, scope: SessionScope): Buffer {
  // Distinct from any other use of the token; a random key when the scope has no token (open mode).
  if (secret === undefined) return randomBytes(32);
  return createHash('sha256').update(`rampart dashboard session\n${scope}\n${secret}`).digest();
}

function isPayload(value: unknown): value is Payload {
  if (value === null || typeof value !== 'object') return false;
  const p = value as Record<string, unknown>;
  return (
    (p.s === 'read' || p.s === 'write') &&
    Number.isSafeInteger(p.o) &&
    Number.isSafeInteger(p.i) &&
    typeof p.n === 'string'
  );
}

/** Creates the session signer. */
export function createAdminSessions(options: AdminSessionsOptions = {}): AdminSessions {
  const clock = options.clock ?? { now: () => Date.now() };
  const idleMs = options.idleMs ?? 15 * 60_000;
  const maxAgeMs = options.maxAgeMs ?? 8 * 3_600_000;
  const maxEnded = options.maxEnded ?? 10_000;
  const keys: Record<SessionScope, Buffer> = {
    write: keyOf(options.secrets?.write, 'write'),
    read: keyOf(options.secrets?.read, 'read'),
  };
  // Ended sessions by nonce, with the time they would have ended anyway (then they are forgotten).
  const ended = new Map<string, number>();

  const sign = (payload: Payload): string => {
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    const mac = createHmac('sha256', keys[payload.s]).update(body).digest('base64url');
    return `${SESSION_TOKEN_PREFIX}${body}.${mac}`;
  };
  const view = (payload: Payload): SessionView => ({
    scope: payload.s,
    idleExpiresAt: payload.i,
    expiresAt: payload.o + maxAgeMs,
  });
  const verify = (token: string): Payload | undefined => {
    if (!token.startsWith(SESSION_TOKEN_PREFIX) || token.length > MAX_TOKEN_LENGTH) return undefined;
    const rest = token.slice(SESSION_TOKEN_PREFIX.length);
    const dot = rest.indexOf('.');
    if (dot === -1) return undefined;
    const body = rest.slice(0, dot);
    let payload: unknown;
    try {
      payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
    if (!isPayload(payload)) return undefined;
    const expected = createHmac('sha256', keys[payload.s]).update(body).digest();
    const given = Buffer.from(rest.slice(dot + 1), 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    const now = clock.now();
    if (payload.i <= now || payload.o + maxAgeMs <= now || payload.o > now + 60_000) return undefined;
    if (ended.has(payload.n)) return undefined;
    return payload;
  };
  const issue = (payload: Payload) => ({ token: sign(payload), session: view(payload) });

  return {
    open(scope) {
      const now = clock.now();
      const nonce = randomBytes(16).toString('base64url');
      return issue({ s: scope, o: now, i: Math.min(now + idleMs, now + maxAgeMs), n: nonce });
    },
    touch(token) {
      const payload = verify(token);
      return payload === undefined ? undefined : view(payload);
    },
    renew(token) {
      const payload = verify(token);
      if (payload === undefined) return undefined;
      const now = clock.now();
      return issue({ ...payload, i: Math.min(now + idleMs, payload.o + maxAgeMs) });
    },
    close(token) {
      const payload = verify(token);
      if (payload === undefined) return false;
      const now = clock.now();
      for (const [nonce, until] of ended) if (until <= now) ended.delete(nonce);
      while (ended.size >= maxEnded) ended.delete(ended.keys().next().value!);
      ended.set(payload.n, payload.o + maxAgeMs);
      return true;
    },
  };
}
