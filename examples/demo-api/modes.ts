// The demo API's security modes: `classic` (the historic demo), `vulnerable` (planted flaws for
// `rampart scan`) and `secure` (the same API without them), with the bearer-token identity both use.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HttpError } from './http.ts';
import type { Store, User } from './store.ts';

/** How the demo API behaves: see README.md "Vulnerable and secure modes". */
export type SecurityMode = 'classic' | 'vulnerable' | 'secure';

/** Per-instance security state: the mode, the token key and the login attempt counter. */
export interface Guard {
  readonly mode: SecurityMode;
  readonly store: Store;
  /** HS256 key of issued tokens. Planted flaw (vulnerable): the word "secret". */
  readonly key: Buffer;
  /** Failed logins per client address in the current window (secure mode only). */
  readonly failures: Map<string, { count: number; since: number }>;
}

/** Failed logins allowed per client address and minute in secure mode (then 429). */
export const LOGIN_FAILURES_PER_MINUTE = 10;
const TOKEN_TTL_SECONDS = 3600;
const MAX_TRACKED_CLIENTS = 10_000;

/** Creates the guard of one demo API instance. */
export function createGuard(mode: SecurityMode, store: Store): Guard {
  const key = mode === 'vulnerable' ? Buffer.from('secret') : randomBytes(32);
  return { mode, store, key, failures: new Map() };
}

function sign(key: Buffer, input: string): string {
  return createHmac('sha256', key).update(input).digest('base64url');
}

/** Issues an HS256 JWT (RFC 7519) for a user. */
export function issueToken(guard: Guard, user: User): string {
  const now = Math.floor(Date.now() / 1000);
  const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
  const claims = { sub: String(user.id), role: user.role, iat: now, exp: now + TOKEN_TTL_SECONDS };
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${header}.${payload}.${sign(guard.key, `${header}.${payload}`)}`;
}

function decodePart(part: string | undefined): Record<string, unknown> | undefined {
  if (part === undefined || part.length > 4096) return undefined;
  try {
    const value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The user a bearer token names, or undefined when the token is absent or not valid. */
export function tokenUser(guard: Guard, req: IncomingMessage): User | undefined {
  const header = req.headers.authorization;
  if (typeof header !== 'string' || !header.startsWith('Bearer ')) return undefined;
  const parts = header.slice(7).trim().split('.');
  if (parts.length !== 3) return undefined;
  const [h, p, s = ''] = parts as [string, string, string];
  const head = decodePart(h);
  const claims = decodePart(p);
  if (head === undefined || claims === undefined) return undefined;
  // Planted flaw (vulnerable): `alg: none` tokens are taken without any signature (RFC 8725 §2.1).
  const unsigned = guard.mode === 'vulnerable' && String(head.alg).toLowerCase() === 'none';
  if (!unsigned) {
    if (head.alg !== 'HS256') return undefined;
    const expected = Buffer.from(sign(guard.key, `${h}.${p}`));
    const actual = Buffer.from(s);
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return undefined;
  }
  if (typeof claims.exp !== 'number' || claims.exp * 1000 <= Date.now()) return undefined;
  if (typeof claims.sub !== 'string' || !/^[0-9]{1,9}$/.test(claims.sub)) return undefined;
  return guard.store.users.get(Number(claims.sub));
}

/** The authenticated caller; 401 without a valid bearer token. */
export function requireCaller(guard: Guard, req: IncomingMessage): User {
  const user = tokenUser(guard, req);
  if (user === undefined) {
    throw new HttpError(401, 'authentication required', { 'www-authenticate': 'Bearer' });
  }
  return user;
}

/** 403 unless the caller may act on the object of `ownerId` (its owner or an admin). */
export function requireOwner(caller: User, ownerId: number, what: string): void {
  if (caller.role !== 'admin' && caller.id !== ownerId) throw new HttpError(404, `${what} not found`);
}

/** The public view of a user: only the members the contract declares. */
export function publicUser(user: User): Pick<User, 'id' | 'name' | 'email' | 'role' | 'createdAt'> {
  return { id: user.id, name: user.name, email: user.email, role: user.role, createdAt: user.createdAt };
}

/** Refuses members outside `allowed` (the contract's `additionalProperties: false`). */
export function onlyMembers(body: Record<string, unknown>, allowed: readonly string[]): void {
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) throw new HttpError(400, `unknown member "${key.slice(0, 64)}"`);
  }
}

/** Secure mode: 429 once a client address failed too many logins this minute. */
export function checkLoginBudget(guard: Guard, address: string): void {
  const entry = guard.failures.get(address);
  if (entry === undefined || Date.now() - entry.since > 60_000) return;
  if (entry.count >= LOGIN_FAILURES_PER_MINUTE) {
    throw new HttpError(429, 'too many attempts', { 'retry-after': '60' });
  }
}

/** Secure mode: counts a failed login of a client address. */
export function recordLoginFailure(guard: Guard, address: string): void {
  const entry = guard.failures.get(address);
  if (entry === undefined || Date.now() - entry.since > 60_000) {
    if (guard.failures.size >= MAX_TRACKED_CLIENTS) guard.failures.clear();
    guard.failures.set(address, { count: 1, since: Date.now() });
  } else entry.count += 1;
}
