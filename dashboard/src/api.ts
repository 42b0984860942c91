// The dashboard's only way out: the admin API on this origin, with the session token as a bearer
// token. The admin token is sent once (POST /session) and never kept; the session token lives in
// sessionStorage (this tab only, gone when it closes), never in the URL, localStorage or a cookie.

/** A dashboard session, as POST /session answers. */
export interface Session {
  readonly token: string;
  readonly scope: 'read' | 'write';
  readonly expiresAt: number;
  readonly idleExpiresAt: number;
}

const STORAGE_KEY = 'rampart.session';

/** An answer other than 2xx: its status and problem code (problem+json), when there is one. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string | undefined;
  constructor(status: number, code: string | undefined, detail: string) {
    super(detail);
    this.status = status;
    this.code = code;
  }
}

/** The session kept in this tab, if it has not expired by its own clock. */
export function currentSession(): Session | undefined {
  const text = sessionStorage.getItem(STORAGE_KEY);
  if (text === null) return undefined;
  try {
    const session = JSON.parse(text) as Session;
    if (typeof session.token === 'string' && session.expiresAt > Date.now()) return session;
  } catch {
    // A damaged entry is dropped below.
  }
  sessionStorage.removeItem(STORAGE_KEY);
  return undefined;
}

async function failure(response: Response): Promise<ApiError> {
  let code: string | undefined;
  let detail = `${response.status} ${response.statusText}`;
  try {
    const problem = (await response.json()) as { code?: string; title?: string; detail?: string };
    code = problem.code;
    detail = problem.detail ?? problem.title ?? detail;
  } catch {
    // Not problem+json: the status says enough.
  }
  return new ApiError(response.status, code, detail);
}

/** Opens a session with an admin or read-only token; the token itself is not kept. */
export async function login(adminToken: string): Promise<Session> {
  const response = await fetch('/session', {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: '{}',
    credentials: 'omit',
    cache: 'no-store',
  });
  if (!response.ok) throw await failure(response);
  const session = (await response.json()) as Session;
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  return session;
}

/** Listeners told when the server no longer knows the session (expired or ended). */
const expiredListeners = new Set<() => void>();
export function onSessionExpired(listener: () => void): () => void {
  expiredListeners.add(listener);
  return () => expiredListeners.delete(listener);
}

/** Calls the admin API; JSON in and out. A 401 ends the session here too. */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const session = currentSession();
  const headers: Record<string, string> = {};
  if (session !== undefined) headers.authorization = `Bearer ${session.token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    credentials: 'omit',
    cache: 'no-store',
  });
  if (response.status === 401) {
    sessionStorage.removeItem(STORAGE_KEY);
    for (const listener of expiredListeners) listener();
  }
  if (!response.ok) throw await failure(response);
  return (await response.json()) as T;
}

/**
 * Renews the session (GET /session answers a new token with the idle end pushed back): the dashboard
 * calls it while the operator uses the page, so a session ends after 15 minutes without use even with
 * a page polling on screen.
 */
export async function renew(): Promise<Session | undefined> {
  const renewed = await api<Partial<Session>>('GET', '/session');
  if (typeof renewed.token !== 'string') return undefined;
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(renewed));
  return renewed as Session;
}

/** Ends the session on the server and forgets it here. */
export async function logout(): Promise<void> {
  try {
    await api('DELETE', '/session');
  } finally {
    sessionStorage.removeItem(STORAGE_KEY);
  }
}
