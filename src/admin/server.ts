// The admin listener (127.0.0.1 by default): /healthz, /readyz, /metrics and the admin routes mounted
// on it, behind bearer tokens when configured (a write token, and a read-only one for monitoring); every
// answer it writes itself is problem+json with code and request id, every change an audit log line.
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ERROR_CODES, type ErrorCode } from '../errors/codes.ts';
import { PROBLEM_CONTENT_TYPE, problemFor, renderProblem } from '../errors/gateway-error.ts';
import type { Logger } from '../observe/logger.ts';
import type { Metrics } from '../observe/metrics.ts';
import { createGuessLimit, type GuessLimit } from './guess-limit.ts';
import { ADMIN_OPENAPI } from './openapi.ts';
import { type AdminAuditDetails, type AdminRoute, matchAdminRoute } from './routes.ts';
import {
  type AdminSessions,
  createAdminSessions,
  SESSION_TOKEN_PREFIX,
  type SessionScope,
} from './sessions.ts';
import { DASHBOARD_PREFIX, DEFAULT_DASHBOARD_DIR, loadStaticFiles, staticFileFor } from './static.ts';

export type { AdminReply, AdminRequest, AdminRoute } from './routes.ts';

/** An admin call that changes something (or tried to), for the audit trail. */
export interface AdminChangeReport {
  readonly requestId: string;
  readonly actor: string;
  readonly peer: string | undefined;
  readonly action: string;
  readonly target: Readonly<Record<string, string>>;
  readonly status: number;
  readonly details?: AdminAuditDetails | undefined;
}

/** Options of `startAdminServer`. */
export interface AdminServerOptions {
  /** Address to bind; 127.0.0.1 when absent. */
  readonly host?: string;
  readonly port: number;
  readonly metrics: Pick<Metrics, 'render' | 'contentType'>;
  readonly isReady: () => boolean;
  /** The resolved admin token; when set, every endpoint but /healthz and /readyz requires it. */
  readonly token?: string | undefined;
  /** A read-only token: GET and HEAD only (metrics scrapers, dashboards); writes answer 403. */
  readonly readToken?: string | undefined;
  readonly logger: Logger;
  readonly routes?: readonly AdminRoute[];
  /** Dashboard sessions (POST /session); signed with keys derived from the tokens when absent. */
  readonly sessions?: AdminSessions;
  /** The built dashboard served under /dashboard/; `false` serves none. dashboard/dist by default. */
  readonly dashboardDir?: string | false;
  /** Every write call once answered (also refused ones): the audit trail's feed. */
  readonly onChange?: (change: AdminChangeReport) => void;
  /** Wrong tokens per address before a lockout (10 in a minute lock out for 5 minutes by default). */
  readonly guessLimit?: GuessLimit;
}

/** A started admin listener. */
export interface AdminServer {
  readonly url: string;
  readonly port: number;
  /** Every route mounted (method and path), for the OpenAPI document's test. */
  readonly routes: readonly { readonly method: string; readonly path: string }[];
  close(): Promise<void>;
}

/** The codes the admin listener answers with. */
export const ADMIN_CODES = {
  unauthorized: 'RAMPART_ADMIN_UNAUTHORIZED',
  badHost: 'RAMPART_ADMIN_HOST_REFUSED',
  notFound: 'RAMPART_ROUTE_NOT_FOUND',
  methodNotAllowed: 'RAMPART_ROUTE_METHOD_NOT_ALLOWED',
  bodyTooLarge: 'RAMPART_INGRESS_BODY_TOO_LARGE',
  internal: 'RAMPART_INTERNAL_ERROR',
  forbidden: 'RAMPART_ADMIN_FORBIDDEN',
  badRequest: 'RAMPART_ADMIN_BAD_REQUEST',
  lockedOut: 'RAMPART_ADMIN_LOCKED_OUT',
} as const satisfies Record<string, ErrorCode>;

const MAX_BODY_BYTES = 1024 * 1024;

/** What a caller may do: `open` when no token is configured (loopback only, flagged by `check`). */
type Scope = 'open' | 'write' | 'read';
const OPEN_PATHS = new Set(['/healthz', '/readyz']);
/** Where a token is exchanged for a dashboard session (any scope may open, read and end its own). */
const SESSION_PATH = '/session';
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
const BASE_HEADERS = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' } as const;

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

// RFC 6750 §2.1: `Authorization: Bearer <token>`, scheme case-insensitive (RFC 9110 §11.1).
function bearerToken(header: unknown): string | undefined {
  if (typeof header !== 'string' || header.length > 4096) return undefined;
  if (header.length < 8 || header.slice(0, 7).toLowerCase() !== 'bearer ') return undefined;
  const token = header.slice(7).trim();
  return token.length === 0 ? undefined : token;
}

// The Host's name without its port; `[::1]:9901` → `[::1]`.
function hostName(host: string | undefined): string {
  if (host === undefined) return '';
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    return end === -1 ? host : host.slice(0, end + 1);
  }
  const colon = host.indexOf(':');
  return (colon === -1 ? host : host.slice(0, colon)).toLowerCase();
}

function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        request.removeAllListeners('data');
        request.resume();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/** Starts the admin listener; resolves once it listens. */
export async function startAdminServer(options: AdminServerOptions): Promise<AdminServer> {
  const host = options.host ?? '127.0.0.1';
  const { logger, metrics } = options;
  const tokenDigest = options.token === undefined ? undefined : digest(options.token);
  const guesses = options.guessLimit ?? createGuessLimit();
  const readDigest = options.readToken === undefined ? undefined : digest(options.readToken);
  // A loopback listener refuses foreign Host names, so a web page cannot reach it by DNS rebinding.
  const checkHost = LOOPBACK_HOSTS.has(host);
  const sessions =
    options.sessions ?? createAdminSessions({ secrets: { write: options.token, read: options.readToken } });
  const dashboardFiles = loadStaticFiles(
    options.dashboardDir === false ? '' : (options.dashboardDir ?? DEFAULT_DASHBOARD_DIR),
  );
  const builtin: AdminRoute[] = [
    { method: 'GET', path: '/healthz', handle: () => ({ status: 200, json: { status: 'ok' } }) },
    {
      method: 'GET',
      path: '/readyz',
      handle: () => {
        let ready = false;
        try {
          ready = options.isReady();
        } catch (error) {
          logger.error({ err: error }, 'readiness check failed');
        }
        return ready
          ? { status: 200, json: { status: 'ready' } }
          : { status: 503, json: { status: 'not_ready' } };
      },
    },
    {
      method: 'GET',
      path: '/metrics',
      handle: async () => ({ status: 200, body: await metrics.render(), contentType: metrics.contentType }),
    },
    { method: 'GET', path: '/openapi.json', handle: () => ({ status: 200, json: ADMIN_OPENAPI }) },
  ];

  /** The caller's scope: `write` (the admin token, or no token configured at all), `read`, or none. */
  // A session token (from POST /session) stands for the token it was opened with, until it expires.
  const scopeOf = (authorization: unknown): Scope | undefined => {
    const presented = bearerToken(authorization);
    const session = presented === undefined ? undefined : sessions.touch(presented);
    if (session !== undefined) return session.scope;
    if (tokenDigest === undefined && readDigest === undefined) return 'open';
    if (presented === undefined) return undefined;
    // Comparing digests keeps the comparison constant-time and hides the token's length.
    const presentedDigest = digest(presented);
    if (tokenDigest !== undefined && timingSafeEqual(presentedDigest, tokenDigest)) return 'write';
    if (readDigest !== undefined && timingSafeEqual(presentedDigest, readDigest)) return 'read';
    return undefined;
  };
  const sessionRoutes: AdminRoute[] = [
    {
      method: 'POST',
      path: SESSION_PATH,
      handle: (request) => {
        const presented = bearerToken(request.headers.authorization);
        // A session opens from a token, never from another session (its age would be reset).
        if (presented !== undefined && sessions.touch(presented) !== undefined)
          return { problem: ADMIN_CODES.badRequest, detail: 'open a session with the admin token' };
        const scope: SessionScope = scopeOf(request.headers.authorization) === 'read' ? 'read' : 'write';
        const opened = sessions.open(scope);
        return { status: 201, json: { token: opened.token, ...opened.session } };
      },
    },
    {
      method: 'GET',
      path: SESSION_PATH,
      // With a session: a renewed token (idle end pushed back); with a token: its scope.
      handle: (request) => {
        const presented = bearerToken(request.headers.authorization);
        const renewed = presented === undefined ? undefined : sessions.renew(presented);
        if (renewed !== undefined) return { status: 200, json: { token: renewed.token, ...renewed.session } };
        const scope = scopeOf(request.headers.authorization);
        return { status: 200, json: { scope: scope === 'read' ? 'read' : 'write' } };
      },
    },
    {
      method: 'DELETE',
      path: SESSION_PATH,
      handle: (request) => {
        const presented = bearerToken(request.headers.authorization);
        const closed = presented !== undefined && sessions.close(presented);
        return { status: 200, json: { closed } };
      },
    },
  ];
  const routes = [...builtin, ...sessionRoutes, ...(options.routes ?? [])];

  const problem = (
    response: ServerResponse,
    requestId: string,
    code: ErrorCode,
    headers: Readonly<Record<string, string>> = {},
    detail?: string,
  ): void => {
    const body = problemFor(code, requestId, detail);
    response.writeHead(body.status, { ...headers, 'content-type': PROBLEM_CONTENT_TYPE });
    response.end(renderProblem(body));
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const requestId = randomUUID();
    for (const [name, value] of Object.entries(BASE_HEADERS)) response.setHeader(name, value);
    response.setHeader('x-request-id', requestId);
    if (checkHost && !LOOPBACK_HOSTS.has(hostName(request.headers.host))) {
      problem(response, requestId, ADMIN_CODES.badHost);
      return;
    }
    const target = request.url ?? '/';
    const q = target.indexOf('?');
    const path = q === -1 ? target : target.slice(0, q);
    const method = request.method ?? 'GET';
    // The dashboard's files hold no data (it comes from the API with a token): served to anyone.
    if ((method === 'GET' || method === 'HEAD') && path.startsWith('/dashboard')) {
      if (path === '/dashboard' && dashboardFiles.size > 0) {
        response.writeHead(308, { location: DASHBOARD_PREFIX });
        response.end();
        return;
      }
      const file = staticFileFor(dashboardFiles, path);
      if (file !== undefined) {
        response.writeHead(200, { ...file.headers, 'content-length': String(file.body.length) });
        response.end(method === 'HEAD' ? undefined : file.body);
        return;
      }
    }
    // Authentication comes before routing, so an anonymous caller cannot list the admin paths.
    const peer = request.socket.remoteAddress ?? '';
    const open = OPEN_PATHS.has(path);
    const lockedFor = open ? 0 : guesses.lockedFor(peer);
    if (lockedFor > 0) {
      problem(response, requestId, ADMIN_CODES.lockedOut, {
        'retry-after': String(Math.ceil(lockedFor / 1000)),
      });
      return;
    }
    const scope = open ? 'open' : scopeOf(request.headers.authorization);
    if (scope === undefined && bearerToken(request.headers.authorization) !== undefined) guesses.failed(peer);
    // A dashboard session acts with its token's scope; the audit names it apart from the token itself.
    const viaSession = bearerToken(request.headers.authorization)?.startsWith(SESSION_TOKEN_PREFIX) === true;
    if (scope === undefined) {
      problem(response, requestId, ADMIN_CODES.unauthorized, {
        'www-authenticate': 'Bearer realm="rampart-admin"',
      });
      return;
    }
    const match = matchAdminRoute(routes, method === 'HEAD' ? 'GET' : method, path);
    if (match.kind === 'not-found') {
      problem(response, requestId, ADMIN_CODES.notFound);
      return;
    }
    if (match.kind === 'method-not-allowed') {
      problem(response, requestId, ADMIN_CODES.methodNotAllowed, {
        allow: match.allow.join(', '),
      });
      return;
    }
    const reads = method === 'GET' || method === 'HEAD';
    // Who, what, when (the log line's time), never a body: keys and secrets travel in bodies only.
    const audit = (status: number, details?: AdminAuditDetails): void => {
      if (reads) return;
      const change: AdminChangeReport = {
        requestId,
        actor: scope === 'open' ? 'anonymous' : `${scope}-${viaSession ? 'session' : 'token'}`,
        peer: request.socket.remoteAddress,
        action: `${method} ${match.route.path}`,
        target: match.params,
        status,
        details,
      };
      logger.info({ type: 'audit', event: 'admin.change', ...change }, 'admin change');
      options.onChange?.(change);
    };
    if (scope === 'read' && !reads && path !== SESSION_PATH) {
      audit(ERROR_CODES[ADMIN_CODES.forbidden].status);
      problem(response, requestId, ADMIN_CODES.forbidden);
      return;
    }
    const body = reads ? undefined : await readBody(request);
    if (body === undefined && method !== 'GET' && method !== 'HEAD') {
      problem(response, requestId, ADMIN_CODES.bodyTooLarge, { connection: 'close' });
      return;
    }
    const reply = await match.route.handle({
      requestId,
      method,
      path,
      query: new URLSearchParams(q === -1 ? '' : target.slice(q + 1)),
      headers: request.headers,
      params: match.params,
      body,
    });
    if ('problem' in reply) {
      audit(ERROR_CODES[reply.problem].status);
      problem(response, requestId, reply.problem, reply.headers, reply.detail);
      return;
    }
    audit(reply.status, 'audit' in reply ? reply.audit : undefined);
    const payload = 'json' in reply ? JSON.stringify(reply.json) : reply.body;
    const contentType = 'json' in reply ? 'application/json' : reply.contentType;
    response.writeHead(reply.status, { ...reply.headers, 'content-type': contentType });
    response.end(payload);
  };

  const server = createServer({ requestTimeout: 30_000, headersTimeout: 10_000 }, (request, response) => {
    handle(request, response).catch((error: unknown) => {
      logger.error({ err: error, path: request.url?.split('?')[0] }, 'admin request failed');
      const requestId = String(response.getHeader('x-request-id') ?? randomUUID());
      if (!response.headersSent) problem(response, requestId, ADMIN_CODES.internal);
      else response.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  logger.info({ url }, 'admin listener started');

  return {
    url,
    port,
    routes: routes.map(({ method, path }) => ({ method, path })),
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      });
    },
  };
}
