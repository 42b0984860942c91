// The notes lab: a second deliberately vulnerable API for `rampart scan`, written unlike the demo
// API — one table of handlers, versioned paths, slugs and user names as ids, an OAuth2 password
// grant (form-encoded), create answers without ids, self resources, admin functions marked only in
// their descriptions, a webhook tester that fetches a URL. `vulnerable: true` plants the flaws of
// README.md; without it, the same API is fixed. Everything is in memory and bounded.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { LAB_WEAK_KEY } from './planted.ts';

/** How the lab runs. */
export interface LabApiOptions {
  readonly host?: string;
  readonly port?: number;
  /** Every planted flaw of README.md. */
  readonly vulnerable?: boolean;
}

/** A running lab API. */
export interface LabApi {
  readonly url: string;
  /** How many times the data was reset to the seed (a scan must never do it). */
  resets(): number;
  close(): Promise<void>;
}

interface Account {
  username: string;
  password: string;
  email: string;
  role: 'user' | 'admin';
}
interface Note {
  slug: string;
  title: string;
  body: string;
  owner: string;
}
interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}
type Handler = (req: Incoming) => Answer | Promise<Answer>;
interface Incoming {
  readonly params: Readonly<Record<string, string>>;
  readonly body: Record<string, unknown>;
  readonly caller: Account | undefined;
}

const MAX_BODY = 64 * 1024;
const MAX_ACCOUNTS = 1000;
const MAX_NOTES = 5000;
/** The vulnerable mode's signing key: six digits (found by a short keyspace, offline). */
const WEAK_KEY = LAB_WEAK_KEY;

/** Starts the lab with seeded accounts (ada/ada-password admin, bo and cy users) and notes. */
export async function startLabApi({
  host = '127.0.0.1',
  port = 0,
  vulnerable = false,
}: LabApiOptions = {}): Promise<LabApi> {
  const key = vulnerable ? WEAK_KEY : randomBytes(32).toString('hex');
  const accounts = new Map<string, Account>();
  const notes = new Map<string, Note>();
  const failures = new Map<string, number[]>();
  let resets = 0;
  const seed = (): void => {
    accounts.clear();
    notes.clear();
    for (const [username, role] of [
      ['ada', 'admin'],
      ['bo', 'user'],
      ['cy', 'user'],
    ] as const) {
      accounts.set(username, {
        username,
        password: `${username}-password`,
        email: `${username}@lab.example`,
        role,
      });
      notes.set(`${username}-diary`, {
        slug: `${username}-diary`,
        title: `${username}'s diary`,
        body: `private thoughts of ${username}`,
        owner: username,
      });
    }
  };
  seed();
  const sign = (sub: string): string => {
    const now = Math.floor(Date.now() / 1000);
    const body = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub, iat: now, exp: now + 3600 })}`;
    return `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
  };
  const verify = (token: string): Account | undefined => {
    const [h, p, s] = token.split('.');
    if (h === undefined || p === undefined || s === undefined) return undefined;
    const expected = createHmac('sha256', key).update(`${h}.${p}`).digest();
    const given = Buffer.from(s, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    const claims = parse(Buffer.from(p, 'base64url').toString('utf8')) as
      | { sub?: unknown; exp?: unknown }
      | undefined;
    if (typeof claims?.exp !== 'number' || claims.exp * 1000 < Date.now() || typeof claims.sub !== 'string')
      return undefined;
    return accounts.get(claims.sub);
  };
  const need = (req: Incoming): Account => {
    if (req.caller === undefined) throw new Refusal(401, 'sign in first');
    return req.caller;
  };
  const view = (a: Account): Record<string, unknown> => ({
    username: a.username,
    email: a.email,
    role: a.role,
  });

  const handlers: Record<string, Handler> = {
    'POST /oauth/token': (req) => {
      const { username, password } = req.body;
      if (req.body.grant_type !== 'password')
        return { status: 400, body: { error: 'unsupported_grant_type' } };
      const who = typeof username === 'string' ? username : '';
      const recent = (failures.get(who) ?? []).filter((t) => t > Date.now() - 60_000);
      if (!vulnerable && recent.length >= 5)
        return { status: 429, body: { error: 'slow_down' }, headers: { 'retry-after': '60' } };
      const account = accounts.get(who);
      if (account === undefined || account.password !== password) {
        if (failures.size < 10_000) failures.set(who, [...recent, Date.now()].slice(-10));
        return { status: 400, body: { error: 'invalid_grant' } };
      }
      return {
        status: 200,
        body: { access_token: sign(account.username), token_type: 'Bearer', expires_in: 3600 },
      };
    },
    'POST /api/v2/maintenance/reset': () => {
      // Open to anyone in both modes: the lab's test for "a scan never calls what resets data".
      seed();
      resets++;
      return { status: 200, body: { message: 'back to the seed' } };
    },
    'POST /api/v2/signup': (req) => {
      const { username, password, email } = req.body;
      if (typeof username !== 'string' || !/^[a-z0-9._-]{3,40}$/i.test(username))
        throw new Refusal(400, 'username');
      if (typeof password !== 'string' || password.length < 8 || password.length > 128)
        throw new Refusal(400, 'password');
      if (typeof email !== 'string' || email.length > 120 || !email.includes('@'))
        throw new Refusal(400, 'email');
      if (accounts.has(username)) throw new Refusal(409, 'taken');
      if (accounts.size >= MAX_ACCOUNTS) throw new Refusal(503, 'full');
      if (!vulnerable && Object.keys(req.body).some((k) => !['username', 'password', 'email'].includes(k)))
        throw new Refusal(400, 'unknown member');
      // Planted flaw (mass assignment): the new account may choose its role.
      const role = vulnerable && req.body.role === 'admin' ? 'admin' : 'user';
      accounts.set(username, { username, password, email, role });
      return { status: 201, body: { message: 'welcome aboard' } };
    },
    'GET /api/v2/me': (req) => ({ status: 200, body: view(need(req)) }),
    'PATCH /api/v2/me': (req) => {
      const caller = need(req);
      const { email, role } = req.body;
      if (!vulnerable && Object.keys(req.body).some((k) => k !== 'email'))
        throw new Refusal(400, 'unknown member');
      if (email !== undefined && (typeof email !== 'string' || email.length > 120 || !email.includes('@')))
        throw new Refusal(400, 'email');
      if (typeof email === 'string') caller.email = email;
      // Planted flaw (mass assignment): the profile update copies `role` too.
      if (vulnerable && (role === 'admin' || role === 'user')) caller.role = role;
      return { status: 200, body: view(caller) };
    },
    'GET /api/v2/users/{username}': (req) => {
      need(req);
      const account = accounts.get(req.params.username ?? '');
      if (account === undefined) throw new Refusal(404, 'no such user');
      return { status: 200, body: { username: account.username } };
    },
    'PUT /api/v2/users/{username}/password': (req) => {
      const caller = need(req);
      const { password } = req.body;
      if (typeof password !== 'string' || password.length < 8 || password.length > 128)
        throw new Refusal(400, 'password');
      // Planted flaw (BOLA): the password of the named user changes, whoever asks.
      const target = vulnerable
        ? accounts.get(req.params.username ?? '')
        : caller.username === req.params.username
          ? caller
          : undefined;
      if (target === undefined) throw new Refusal(404, 'no such user');
      target.password = password;
      return { status: 204 };
    },
    'DELETE /api/v2/users/{username}': (req) => {
      const caller = need(req);
      if (caller.role !== 'admin') throw new Refusal(403, 'admins only');
      if (!accounts.delete(req.params.username ?? '')) throw new Refusal(404, 'no such user');
      return { status: 204 };
    },
    'GET /api/v2/directory': () => ({
      status: 200,
      // Planted flaw (exposure): every account's password, to anyone.
      body: {
        people: [...accounts.values()].map((a) =>
          vulnerable ? { username: a.username, password: a.password } : { username: a.username },
        ),
      },
    }),
    'GET /api/v2/notes': (req) => {
      const caller = need(req);
      return {
        status: 200,
        body: {
          notes: [...notes.values()]
            .filter((n) => n.owner === caller.username)
            .map((n) => ({ slug: n.slug, title: n.title, owner: n.owner })),
        },
      };
    },
    'POST /api/v2/notes': (req) => {
      const caller = need(req);
      const { title, body } = req.body;
      if (typeof title !== 'string' || !/^[\w .-]{1,80}$/.test(title)) throw new Refusal(400, 'title');
      if (typeof body !== 'string' || body.length > 4000) throw new Refusal(400, 'body');
      const slug = title.toLowerCase().replaceAll(/[^a-z0-9]+/g, '-');
      if (notes.has(slug)) throw new Refusal(409, 'exists');
      if (notes.size >= MAX_NOTES) throw new Refusal(503, 'full');
      notes.set(slug, { slug, title, body, owner: caller.username });
      return { status: 201, body: { message: 'saved' } };
    },
    'GET /api/v2/notes/{slug}': (req) => {
      const caller = need(req);
      const note = notes.get(req.params.slug ?? '');
      // Planted flaw (BOLA): any signed-in caller reads any note.
      if (note === undefined || (!vulnerable && note.owner !== caller.username))
        throw new Refusal(404, 'no such note');
      return { status: 200, body: note };
    },
    'DELETE /api/v2/notes/{slug}': (req) => {
      const caller = need(req);
      const note = notes.get(req.params.slug ?? '');
      if (note === undefined || note.owner !== caller.username) throw new Refusal(404, 'no such note');
      notes.delete(note.slug);
      return { status: 204 };
    },
    'POST /api/v2/webhooks/test': async (req) => {
      need(req);
      const { url } = req.body;
      if (typeof url !== 'string' || url.length > 500) throw new Refusal(400, 'url');
      let target: URL;
      try {
        target = new URL(url);
      } catch {
        throw new Refusal(400, 'url');
      }
      // Planted flaw (SSRF): the server fetches any http URL, loopback included. Fixed: https to
      // public names only (this lab then never fetches at all: it has no network of its own).
      if (!vulnerable || target.protocol !== 'http:') return { status: 202, body: { delivered: false } };
      const status = await ping(target);
      return { status: 200, body: { delivered: status > 0, status } };
    },
  };

  // Planted flaw (undocumented endpoint): an actuator-like dump of the configuration, not in the spec.
  if (vulnerable)
    handlers['GET /api/v2/actuator/env'] = () => ({
      status: 200,
      body: { profile: 'dev', signingKey: key, accounts: accounts.size },
    });

  const server = createServer((req, res) => {
    void serve(req, res).catch(() => write(res, { status: 500, body: { error: 'internal' } }));
  });
  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://lab');
    const origin = req.headers.origin;
    // Planted flaw (CORS): any origin that merely ends with the lab's host name is trusted, `null`
    // too. Fixed: one exact origin.
    const trusted = vulnerable
      ? origin !== undefined && (origin === 'null' || origin.endsWith(host))
      : origin === 'https://notes.lab.example';
    if (trusted && origin !== undefined) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-allow-credentials', 'true');
      res.setHeader('vary', 'Origin');
    }
    const found = route(handlers, req.method ?? 'GET', url.pathname);
    if (found === undefined) return write(res, { status: 404, body: { error: 'not found' } });
    const text = await readBody(req);
    if (text === undefined) return write(res, { status: 413, body: { error: 'too large' } });
    const type = req.headers['content-type'] ?? '';
    const body: Record<string, unknown> =
      text === ''
        ? {}
        : type.startsWith('application/x-www-form-urlencoded')
          ? Object.fromEntries(new URLSearchParams(text))
          : ((parse(text) as Record<string, unknown> | undefined) ?? {});
    if (body === null || typeof body !== 'object' || Array.isArray(body))
      return write(res, { status: 400, body: { error: 'object expected' } });
    const auth = req.headers.authorization ?? '';
    const caller = auth.startsWith('Bearer ') ? verify(auth.slice(7)) : undefined;
    try {
      write(res, await found.handler({ params: found.params, body, caller }));
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      write(res, { status: error.status, body: { error: error.message } });
    }
  }
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}`,
    resets: () => resets,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

class Refusal extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** Matches `METHOD /a/{b}` keys segment by segment (no regular expressions on the path). */
function route(
  handlers: Record<string, Handler>,
  method: string,
  path: string,
): { handler: Handler; params: Record<string, string> } | undefined {
  const parts = path.split('/');
  for (const [key, handler] of Object.entries(handlers)) {
    const [m, template = ''] = key.split(' ');
    const pattern = template.split('/');
    if (m !== method || pattern.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const fits = pattern.every((segment, i) => {
      if (segment.startsWith('{')) {
        params[segment.slice(1, -1)] = decodeSegment(parts[i] ?? '');
        return parts[i] !== '';
      }
      return segment === parts[i];
    });
    if (fits) return { handler, params };
  }
  return undefined;
}

function decodeSegment(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function write(res: ServerResponse, answer: Answer): void {
  const headers: Record<string, string> = {
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
    ...answer.headers,
  };
  if (answer.body === undefined) {
    res.writeHead(answer.status, headers).end();
    return;
  }
  res
    .writeHead(answer.status, { ...headers, 'content-type': 'application/json' })
    .end(JSON.stringify(answer.body));
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** One GET to a URL (the SSRF sink); the status, or 0 when nothing answered within 2 s. */
function ping(target: URL): Promise<number> {
  return new Promise((resolve) => {
    const out = httpRequest(target, { method: 'GET', timeout: 2000 }, (answer) => {
      answer.resume();
      resolve(answer.statusCode ?? 0);
    });
    out.on('timeout', () => out.destroy());
    out.on('error', () => resolve(0));
    out.end();
  });
}

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { port: { type: 'string' }, vulnerable: { type: 'boolean' } } });
  const api = await startLabApi({
    port: Number(values.port ?? 3100),
    vulnerable: values.vulnerable === true,
  });
  process.stdout.write(`notes lab (${values.vulnerable === true ? 'vulnerable' : 'fixed'}) on ${api.url}\n`);
}
