// The demo API: a small JSON API on node:http with deliberate weaknesses for Rampart to fix.
// Run it with `npx node examples/demo-api/server.ts --port 3000`.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { registerAdminRoutes } from './admin.ts';
import { registerGuardedRoutes } from './guarded-routes.ts';
import { HttpError, type Reply, type RequestContext, Router, readJson } from './http.ts';
import { registerLabRoutes } from './lab-routes.ts';
import { createGuard, type SecurityMode } from './modes.ts';
import { registerOrderRoutes } from './orders.ts';
import { createStore } from './store.ts';
import { registerSystemRoutes } from './system.ts';
import { registerUserRoutes } from './users.ts';

/** Where the demo API listens (port 0 picks a free port) and which security mode it runs. */
export interface DemoApiOptions {
  readonly host?: string;
  readonly port?: number;
  /** Bearer-token identity with every planted flaw of README.md "Vulnerable and secure modes". */
  readonly vulnerable?: boolean;
  /** Bearer-token identity without the planted flaws. */
  readonly secure?: boolean;
}

/** A running demo API. */
export interface DemoApi {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

// Deliberate weakness: banner headers that tell an attacker what runs behind the API.
const BANNER_HEADERS = {
  server: 'DemoAPI/1.4.2',
  'x-powered-by': `Node.js/${process.version.slice(1)}`,
};

// Secure mode's answer headers: no banners, no sniffing, no caching, no framing (OWASP API8).
const SECURE_HEADERS = {
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
};

/** Starts the demo API with freshly seeded in-memory data. */
export async function startDemoApi({
  host = '127.0.0.1',
  port = 0,
  vulnerable = false,
  secure = false,
}: DemoApiOptions = {}): Promise<DemoApi> {
  if (vulnerable && secure) throw new RangeError('the demo API is either vulnerable or secure');
  const mode: SecurityMode = vulnerable ? 'vulnerable' : secure ? 'secure' : 'classic';
  const store = createStore();
  const router = new Router();
  if (mode === 'classic') {
    registerSystemRoutes(router, store);
    registerUserRoutes(router, store);
    registerOrderRoutes(router, store);
    registerAdminRoutes(router, store);
  } else {
    // Registered first, so its /login wins over the classic one of the system routes.
    const guard = createGuard(mode, store);
    registerGuardedRoutes(router, guard);
    registerLabRoutes(router, guard);
    registerSystemRoutes(router, store);
  }

  const server = createServer((req, res) => {
    handle(router, mode, req, res).catch((error: unknown) => {
      res.destroy(error instanceof Error ? error : undefined);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${bound}`,
    port: bound,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function handle(
  router: Router,
  mode: SecurityMode,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  let reply: Reply;
  try {
    const url = new URL(req.url ?? '/', 'http://demo.invalid');
    const method = req.method ?? 'GET';
    // Planted flaw (vulnerable): TRACE echoes the request, credentials included (cross-site tracing).
    if (mode === 'vulnerable' && method === 'TRACE') {
      const echo = [
        `TRACE ${req.url ?? '/'} HTTP/1.1`,
        ...Object.entries(req.headers).map(([k, v]) => `${k}: ${String(v)}`),
      ];
      const payload = `${echo.join('\r\n')}\r\n`;
      res.writeHead(200, {
        ...BANNER_HEADERS,
        'content-type': 'message/http',
        'content-length': Buffer.byteLength(payload),
      });
      res.end(payload);
      return;
    }
    const match = router.match(method, url.pathname);
    if (match.kind === 'none') throw new HttpError(404, 'not found');
    if (match.kind === 'method')
      throw new HttpError(405, 'method not allowed', { allow: match.allow.join(', ') });
    const ctx: RequestContext = {
      req,
      method,
      path: url.pathname,
      query: url.searchParams,
      params: match.params,
      json: () => readJson(req),
    };
    reply = await match.handler(ctx);
  } catch (error) {
    reply = errorReply(error, mode);
  }
  send(req, res, reply, mode);
}

function errorReply(error: unknown, mode: SecurityMode): Reply {
  if (error instanceof HttpError) {
    return { status: error.status, body: { error: error.message }, headers: error.headers };
  }
  if (mode === 'secure') return { status: 500, body: { error: 'internal error' } };
  // Deliberate weakness (verbose errors): the client gets the message and the stack trace.
  const err = error instanceof Error ? error : new Error(String(error));
  return { status: 500, body: { error: err.message, stack: err.stack } };
}

function send(req: IncomingMessage, res: ServerResponse, reply: Reply, mode: SecurityMode): void {
  const base = mode === 'secure' ? SECURE_HEADERS : BANNER_HEADERS;
  const headers: Record<string, string | number> = { ...base, ...reply.headers };
  const origin = req.headers.origin;
  // Planted flaw (vulnerable): any Origin is reflected with credentials allowed (Fetch §3.2.5).
  if (mode === 'vulnerable' && typeof origin === 'string') {
    headers['access-control-allow-origin'] = origin;
    headers['access-control-allow-credentials'] = 'true';
  }
  // A body left unread (an early 4xx) must not stay on a kept-alive connection.
  if (hasBody(req) && !req.readableEnded) headers.connection = 'close';
  if (reply.body === undefined) {
    res.writeHead(reply.status, headers).end();
    return;
  }
  const payload = JSON.stringify(reply.body);
  headers['content-type'] = 'application/json; charset=utf-8';
  headers['content-length'] = Buffer.byteLength(payload);
  res.writeHead(reply.status, headers).end(payload);
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '3000' },
      vulnerable: { type: 'boolean', default: false },
      secure: { type: 'boolean', default: false },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new RangeError(`invalid --port ${values.port}`);
  const api = await startDemoApi({
    host: values.host,
    port,
    vulnerable: values.vulnerable,
    secure: values.secure,
  });
  process.stdout.write(`demo API listening on ${api.url}\n`);
  const stop = (): void => {
    api.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (import.meta.main) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
