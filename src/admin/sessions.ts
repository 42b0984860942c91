// Dashboard sessions: the admin (or read-only) token is exchanged once for a random session token with
// the same scope that expires when idle and at a fixed age. The dashboard keeps only that token, in
// sessionStorage, and sends it as a bearer token: no cookie is involved, so a cross-site page cannot
// make the browser write on the operator's behalf (CSRF), and closing the tab forgets it.
import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../lib/clock.ts';

/** What a session may do: `read` (GET and HEAD) or `write` (everything). */
export type SessionScope = 'read' | 'write';

/** A session as the dashboard sees it. */
export interface SessionView {
  readonly scope: SessionScope;
  /** Milliseconds since the epoch: the session ends then unless used before (idle expiry)... */
  readonly idleExpiresAt: number;
  /** ...and at this time in any case. */
  readonly expiresAt: number;
}

/** The sessions of one admin listener, in memory. */
export interface AdminSessions {
  /** Opens a session; returns its token (shown to the caller once) and its view. */
  open(scope: SessionScope): { readonly token: string; readonly session: SessionView };
  /** The live session of `token` (its idle expiry pushed back), or undefined. */
  touch(token: string): SessionView | undefined;
  /** Ends the session of `token`; true when there was one. */
  close(token: string): boolean;
  readonly size: number;
}

/** Options of `createAdminSessions`. */
export interface AdminSessionsOptions {
  readonly clock?: Clock;
  /** A session unused for this long ends; 15 minutes by default. */
  readonly idleMs?: number;
  /** A session ends this long after it opened, used or not; 8 hours by default. */
  readonly maxAgeMs?: number;
  /** Live sessions kept at most; opening one more ends the oldest. 256 by default. */
  readonly max?: number;
}

/** The prefix of session tokens, so they are recognisable in a secret scanner. */
export const SESSION_TOKEN_PREFIX = 'rmp_session_';

interface Entry {
  readonly scope: SessionScope;
  readonly expiresAt: number;
  idleExpiresAt: number;
}

const digest = (token: string): string => createHash('sha256').update(token).digest('base64url');

/** Creates the session table; tokens are kept by their SHA-256 only. */
export function createAdminSessions(options: AdminSessionsOptions = {}): AdminSessions {
  const clock = options.clock ?? { now: () => Date.now() };
  const idleMs = options.idleMs ?? 15 * 60_000;
  const maxAgeMs = options.maxAgeMs ?? 8 * 3_600_000;
  const max = options.max ?? 256;
  // Insertion order is age order: the first entry is the oldest session.
  const entries = new Map<string, Entry>();
  const view = (entry: Entry): SessionView => ({
    scope: entry.scope,
    idleExpiresAt: entry.idleExpiresAt,
    expiresAt: entry.expiresAt,
  });
  const sweep = (now: number): void => {
    for (const [key, entry] of entries) {
      if (entry.expiresAt <= now || entry.idleExpiresAt <= now) entries.delete(key);
    }
  };
  return {
    open(scope) {
      const now = clock.now();
      sweep(now);
      while (entries.size >= max) entries.delete(entries.keys().next().value!);
      const token = `${SESSION_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
      const entry: Entry = {
        scope,
        expiresAt: now + maxAgeMs,
        idleExpiresAt: Math.min(now + idleMs, now + maxAgeMs),
      };
      entries.set(digest(token), entry);
      return { token, session: view(entry) };
    },
    touch(token) {
      if (!token.startsWith(SESSION_TOKEN_PREFIX)) return undefined;
      const key = digest(token);
      const entry = entries.get(key);
      if (entry === undefined) return undefined;
      const now = clock.now();
      if (entry.expiresAt <= now || entry.idleExpiresAt <= now) {
        entries.delete(key);
        return undefined;
      }
      entry.idleExpiresAt = Math.min(now + idleMs, entry.expiresAt);
      return view(entry);
    },
    close(token) {
      return entries.delete(digest(token));
    },
    get size() {
      return entries.size;
    },
  };
}
