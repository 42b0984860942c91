// A deliberately vulnerable API in the shape of real third-party ones (test/fixtures/shaped-api/
// openapi.yaml): HS256 tokens signed with a weak shared secret and no iss/aud, a login that answers 200
// with different failure messages, no ownership checks, mass assignment on register, a debug dump of
// passwords, a database reset, a SQL-injectable lookup. The gateway, configured by `rampart init`,
// must keep all of it from clients while every normal call still works.
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The API's own signing secret: weak on purpose (a dictionary word). */
export const SHAPED_API_SECRET = 'secret123';

interface User {
  username: string;
  password: string;
  email: string;
  admin: boolean;
}

interface Book {
  book_title: string;
  secret: string;
  owner: string;
}

/** A running shaped API with its state open for assertions. */
export interface ShapedApi {
  readonly url: string;
  readonly users: Map<string, User>;
  readonly books: Map<string, Book>;
  /** Every request that reached the API, as `METHOD /path`. */
  readonly seen: string[];
  close(): Promise<void>;
}

function base64url(input: string | Buffer): string {
  return Buffer.from(input).toString('base64url');
}

/** Signs a token the way the API does (HS256, `sub`, `iat`, `exp`; no iss/aud). */
export function signShapedToken(sub: string, secret = SHAPED_API_SECRET, lifetimeSeconds = 600): string {
  const now = Math.floor(Date.now() / 1000);
  const head = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = base64url(JSON.stringify({ sub, iat: now, exp: now + lifetimeSeconds }));
  const signature = createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${signature}`;
}

function subjectOf(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization ?? '';
  if (!header.startsWith('Bearer ')) return undefined;
  const [head, body, signature] = header.slice(7).split('.');
  if (head === undefined || body === undefined || signature === undefined) return undefined;
  const expected = createHmac('sha256', SHAPED_API_SECRET).update(`${head}.${body}`).digest('base64url');
  if (expected !== signature) return undefined;
  const claims = JSON.parse(Buffer.from(body, 'base64url').toString()) as { sub?: string; exp?: number };
  if ((claims.exp ?? 0) < Date.now() / 1000) return undefined;
  return claims.sub;
}

function send(res: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function seed(users: Map<string, User>, books: Map<string, Book>): void {
  users.clear();
  books.clear();
  for (const [username, password, admin] of [
    ['name1', 'pass1', false],
    ['name2', 'pass2', false],
    ['admin', 'pass1', true],
  ] as const) {
    users.set(username, { username, password, email: `${username}@mail.test`, admin });
    books.set(`book-of-${username}`, {
      book_title: `book-of-${username}`,
      secret: `secret of ${username}`,
      owner: username,
    });
  }
}

/** Starts the API on 127.0.0.1 with three users (name1, name2, admin) and a book each. */
export async function startShapedApi(): Promise<ShapedApi> {
  const users = new Map<string, User>();
  const books = new Map<string, Book>();
  const seen: string[] = [];
  seed(users, books);

  const handle = (req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>) => {
    const url = new URL(req.url ?? '/', 'http://api.test');
    const path = decodeURIComponent(url.pathname);
    seen.push(`${req.method} ${path}`);
    const parts = path.split('/').filter((p) => p !== '');
    const me = subjectOf(req);
    if (req.method === 'GET' && path === '/api/v1/reset') {
      seed(users, books);
      return send(res, 200, { message: 'Database populated.' });
    }
    if (req.method === 'GET' && path === '/api/v1/users') {
      return send(res, 200, {
        users: [...users.values()].map(({ username, email }) => ({ username, email })),
      });
    }
    if (req.method === 'GET' && path === '/api/v1/users/_debug')
      return send(res, 200, { users: [...users.values()] });
    if (req.method === 'POST' && path === '/api/v1/users/register') {
      const username = String(body.username ?? '');
      if (username === '' || users.has(username))
        return send(res, 200, { status: 'fail', message: 'User already exists.' });
      // Mass assignment: whatever the body says, including `admin`.
      users.set(username, {
        username,
        password: String(body.password),
        email: String(body.email ?? ''),
        admin: body.admin === true,
      });
      return send(res, 200, { status: 'success', message: 'Successfully registered.' });
    }
    if (req.method === 'POST' && path === '/api/v1/users/login') {
      const user = users.get(String(body.username ?? ''));
      if (user === undefined) return send(res, 200, { status: 'fail', message: 'Username does not exist' });
      if (user.password !== body.password)
        return send(res, 200, { status: 'fail', message: 'Password is not correct for the given username.' });
      return send(res, 200, {
        auth_token: signShapedToken(user.username),
        status: 'success',
        message: 'Successfully logged in.',
      });
    }
    if (parts[0] === 'api' && parts[2] === 'users' && parts.length === 4) {
      const name = parts[3]!;
      if (req.method === 'GET') {
        // The lookup pastes the name into SQL: a quote is a syntax error, `' OR '1'='1` returns the first user.
        if (name.includes("'")) {
          if (name.toLowerCase().includes(' or ')) {
            const first = [...users.values()][0]!;
            return send(res, 200, { username: first.username, email: first.email });
          }
          return send(res, 500, { error: `sqlite3.OperationalError: near "${name}": syntax error` });
        }
        const user = users.get(name);
        return user === undefined
          ? send(res, 404, { status: 'fail' })
          : send(res, 200, { username: user.username, email: user.email });
      }
      if (req.method === 'DELETE') {
        if (me === undefined || users.get(me)?.admin !== true)
          return send(res, 401, { status: 'fail', message: 'Only Admins may delete users!' });
        users.delete(name);
        return send(res, 200, { status: 'success', message: 'User deleted.' });
      }
    }
    if (req.method === 'PUT' && parts[2] === 'users' && parts[4] === 'password') {
      if (me === undefined) return send(res, 401, { status: 'fail' });
      // No ownership check: any signed-in user changes anyone's password.
      const user = users.get(parts[3]!);
      if (user === undefined) return send(res, 404, { status: 'fail' });
      user.password = String(body.password);
      return send(res, 204);
    }
    if (req.method === 'POST' && path === '/api/v1/books') {
      if (me === undefined) return send(res, 401, { status: 'fail' });
      const title = String(body.book_title ?? '');
      books.set(title, { book_title: title, secret: String(body.secret ?? ''), owner: me });
      return send(res, 200, { status: 'success', message: 'Book has been added.' });
    }
    if (req.method === 'GET' && parts[2] === 'books' && parts.length === 4) {
      if (me === undefined) return send(res, 401, { status: 'fail' });
      // No ownership check: any signed-in user reads any book's secret.
      const book = books.get(parts[3]!);
      return book === undefined ? send(res, 404, { status: 'fail' }) : send(res, 200, book);
    }
    send(res, 404, { status: 'fail', message: 'not found' });
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let body: Record<string, unknown> = {};
      if (chunks.length > 0) {
        try {
          body = JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>;
        } catch {
          return send(res, 400, { status: 'fail', message: 'bad JSON' });
        }
      }
      handle(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    users,
    books,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
