// The admin listener (127.0.0.1 by default): /healthz, /readyz, /metrics and the admin routes mounted
// on it, behind a bearer token when one is configured.
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ErrorCode } from '../errors/codes.ts';
import { PROBLEM_CONTENT_TYPE, problemFor, renderProblem } from '../errors/gateway-error.ts';
import type { Logger } from '../observe/logger.ts';
import type { Metrics } from '../observe/metrics.ts';
import { type AdminRoute, matchAdminRoute } from './routes.ts';

export type { AdminReply, AdminRequest, AdminRoute } from './routes.ts';

/** Options of `startAdminServer`. */
export interface AdminServerOptions {
  /** Address to bind; 127.0.0.1 when absent. */
  readonly host?: string;
  readonly port: number;
  readonly metrics: Pick<Metrics, 'render' | 'contentType'>;
  readonly isReady: () => boolean;
  /** The resolved admin token; when set, every endpoint but /healthz and /readyz requires it. */
  readonly token?: string | undefined;
  readonly logger: Logger;
  readonly routes?: readonly AdminRoute[];
}

/** A started admin listener. */
export interface AdminServer {
  readonly url: string;
  readonly port: number;
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
} as const satisfies Record<string, ErrorCode>;

const MAX_BODY_BYTES = 1024 * 1024;
const OPEN_PATHS = new Set(['/healthz', '/readyz']);
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
const BASE_HEADERS = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' } as const;

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

// RFC 6750 §2.1: `Authorization: Bearer <token>`, scheme case-insensitive (RFC 9110 §11.1).
function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined || header.length > 4096) return undefined;
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
  // A loopback listener refuses foreign Host names, so a web page cannot reach it by DNS rebinding.
  const checkHost = LOOPBACK_HOSTS.has(host);
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
  ];
  const routes = [...builtin, ...(options.routes ?? [])];

  const authorized = (request: IncomingMessage): boolean => {
    if (tokenDigest === undefined) return true;
    const presented = bearerToken(request.headers.authorization);
    // Comparing digests keeps the comparison constant-time and hides the token's length.
    return presented !== undefined && timingSafeEqual(digest(presented), tokenDigest);
  };

  const problem = (
    response: ServerResponse,
    requestId: string,
    code: ErrorCode,
    headers: Record<string, string> = {},
  ): void => {
    const body = problemFor(code, requestId);
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
    // Authentication comes before routing, so an anonymous caller cannot list the admin paths.
    if (!OPEN_PATHS.has(path) && !authorized(request)) {
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
    const body = method === 'GET' || method === 'HEAD' ? undefined : await readBody(request);
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
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      });
    },
  };
}
