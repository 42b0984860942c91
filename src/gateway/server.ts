// The gateway process core: listeners (HTTP, HTTPS), config versions swapped atomically on reload,
// malformed requests answered as problem+json, and graceful shutdown that drains in-flight requests.

import { randomUUID } from 'node:crypto';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { RampartConfig } from '../config/schema.ts';
import type { ErrorCode } from '../errors/codes.ts';
import { parseBytes } from '../lib/bytes.ts';
import { systemClock } from '../lib/clock.ts';
import { parseDuration } from '../lib/durations.ts';
import type { GatewayObserver } from '../observe/gateway-records.ts';
import type { RequestTracer } from '../observe/tracing/tracer.ts';
import type { Clock, PolicyDefinition, PolicyHandlers, PolicyLogger } from '../policies/policy.ts';
import type { StateStore } from '../state/state.ts';
import type { IdentityStore } from '../store/store.ts';
import {
  createConnectionLimiter,
  DEFAULT_MAX_CONNECTIONS_PER_IP,
  limitConnections,
  within,
} from './connection-limits.ts';
import { createRequestHandler, type ListenerFacts, type Runtime } from './handler.ts';
import { createHttp2Sessions, http2Front, http2Limits } from './http2.ts';
import { headerOverflowCode } from './normalize-path.ts';
import { createTlsCertificates, type TlsCertificates } from './tls-certificates.ts';
import type { UpstreamReporter } from './upstream/upstream.ts';
import { buildVersion, type ConfigVersion, retireVersion, startVersion } from './version.ts';
import { createWebSocketGateway, isWebSocketUpgrade } from './websocket.ts';
import { writeRawProblem } from './writer.ts';

/** What a gateway is made of. */
export interface GatewayOptions {
  readonly config: RampartConfig;
  readonly definitions: readonly PolicyDefinition[];
  readonly observer: GatewayObserver;
  readonly log: PolicyLogger;
  readonly clock?: Clock;
  /** Directory relative paths in the config (TLS files) are resolved against. */
  readonly baseDir?: string;
  /** Shared hot state handed to policies (PolicyDeps.state); its owner closes it. */
  readonly state?: StateStore;
  /** The identity store handed to policies (PolicyDeps.store); its owner closes it. */
  readonly store?: IdentityStore;
  /** Request tracing (observability.tracing); absent when off, which costs the request path nothing. */
  readonly tracer?: RequestTracer | undefined;
}

/** A running gateway. */
export interface Gateway {
  /** Listening addresses, e.g. `{ http: 'http://127.0.0.1:8080' }`. */
  readonly urls: { readonly http?: string; readonly https?: string; readonly h2c?: string };
  readonly ready: boolean;
  /** The running config version's id (changes on every successful reload). */
  readonly versionId: number;
  /** Builds the new config completely, then swaps it in; throws (and keeps serving the old one) if it is bad. */
  reload(config: RampartConfig): void;
  /** The live instances of a policy in the running config version, one per route that has it. */
  policyInstances(name: string): readonly PolicyHandlers[];
  /** Stops accepting, drains in-flight requests up to the shutdown timeout, closes everything. */
  close(): Promise<void>;
}

// 5 s for the header section: ample for any real client, and slow-header connections are cut sooner.
const DEFAULT_TIMEOUTS = { headers: 5_000, request: 60_000, keepAlive: 5_000, shutdown: 10_000 };

// llhttp error codes (node:http 'clientError') and what they mean for the client.
const CLIENT_ERROR_CODES: Record<string, ErrorCode> = {
  HPE_HEADER_OVERFLOW: 'RAMPART_HTTP_HEADERS_TOO_LARGE',
  HPE_UNEXPECTED_CONTENT_LENGTH: 'RAMPART_HTTP_AMBIGUOUS_REQUEST',
  HPE_INVALID_CONTENT_LENGTH: 'RAMPART_HTTP_AMBIGUOUS_REQUEST',
  HPE_INVALID_TRANSFER_ENCODING: 'RAMPART_HTTP_AMBIGUOUS_REQUEST',
  HPE_INVALID_METHOD: 'RAMPART_HTTP_METHOD_REFUSED',
  ERR_HTTP_REQUEST_TIMEOUT: 'RAMPART_HTTP_REQUEST_TIMEOUT',
};

function hstsValue(hsts: { maxAge: number; includeSubDomains: boolean; preload: boolean } | undefined) {
  if (hsts === undefined) return undefined;
  return `max-age=${hsts.maxAge}${hsts.includeSubDomains ? '; includeSubDomains' : ''}${hsts.preload ? '; preload' : ''}`;
}

function listen(server: Server, host: string, port: number): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      resolvePromise(`${shownHost}:${address.port}`);
    });
  });
}

/** Starts a gateway on the config's listeners. */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const clock = options.clock ?? systemClock;
  const baseDir = options.baseDir ?? process.cwd();
  const deps = {
    clock,
    log: options.log,
    baseDir,
    ...(options.state === undefined ? {} : { state: options.state }),
    store: options.store,
  };
  const report: UpstreamReporter = (change) => options.observer.upstreamChanged?.(change);
  let current = buildVersion(options.config, options.definitions, deps, undefined, report);
  startVersion(current);
  const retiring = new Set<ConfigVersion>();
  let draining = false;
  let ready = false;
  let onDrained: (() => void) | undefined;
  const inFlight = () => [current, ...retiring].some((version) => version.inFlight > 0);

  const runtime: Runtime = {
    get current() {
      return current;
    },
    get draining() {
      return draining;
    },
    observer: options.observer,
    tracer: options.tracer,
    clock,
    log: options.log,
    release(version) {
      if (version !== current && version.inFlight === 0 && retiring.delete(version)) {
        void retireVersion(version, current);
      }
      if (onDrained !== undefined && !inFlight()) onDrained();
    },
  };

  const settings = options.config.server ?? {
    trustedProxies: [],
    caseSensitive: true,
    requestIdHeader: 'x-request-id',
  };
  const serverOptions = {
    headersTimeout: parseDuration(settings.headersTimeout ?? DEFAULT_TIMEOUTS.headers),
    requestTimeout: parseDuration(settings.requestTimeout ?? DEFAULT_TIMEOUTS.request),
    keepAliveTimeout: parseDuration(settings.keepAliveTimeout ?? DEFAULT_TIMEOUTS.keepAlive),
    maxHeaderSize: parseBytes(settings.maxHeaderBytes ?? '16kb'),
    // Check header/request timeouts often, so slow clients are cut off close to the configured time.
    connectionsCheckingInterval: 500,
    // Checked by the handler, so a missing Host gets a problem document with a request id.
    requireHostHeader: false,
    joinDuplicateHeaders: false,
    insecureHTTPParser: false,
    // WebSocket handshakes go to 'upgrade' (websocket.ts); other Upgrade requests are plain requests.
    shouldUpgradeCallback: isWebSocketUpgrade,
  };
  const servers: Server[] = [];
  const websockets = createWebSocketGateway();
  const urls: { http?: string; https?: string; h2c?: string } = {};
  const http2Timeouts = {
    idleTimeoutMs: serverOptions.keepAliveTimeout,
    requestTimeoutMs: serverOptions.requestTimeout,
  };
  const http2 = createHttp2Sessions(http2Limits(settings, http2Timeouts), {
    clock,
    log: options.log,
    rapidReset(clientIp, resets) {
      options.log.warn({ clientIp, resets }, 'HTTP/2 connection closed: too many stream resets');
      options.observer.securityEvent({
        policy: 'http2',
        rule: 'rapid-reset',
        reason: `${resets} streams reset by the client within the window`,
        severity: 'high',
        outcome: 'denied',
        requestId: randomUUID(),
        route: undefined,
        clientIp,
        consumerId: undefined,
        time: clock.now(),
      });
    },
  });

  const limiter = createConnectionLimiter(() => ({
    maxPerIp: current.config.server?.maxConnectionsPerIp ?? DEFAULT_MAX_CONNECTIONS_PER_IP,
    trustedProxies: current.trustedProxies,
  }));
  const attach = (server: Server, facts: ListenerFacts, speaksHttp2 = false): void => {
    limitConnections(server, limiter, facts.secure || speaksHttp2, (socket) =>
      options.observer.requestFinished(
        writeRawProblem(
          socket,
          'RAMPART_HTTP_TOO_MANY_CONNECTIONS',
          randomUUID(),
          current.settings.requestIdHeader,
          clock.now(),
        ),
      ),
    );
    const handler = speaksHttp2
      ? http2Front(createRequestHandler(runtime, facts))
      : createRequestHandler(runtime, facts);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => handler.handle(req, res));
    server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => handler.handle(req, res, true));
    server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) =>
      websockets.upgrade(handler, req, socket, head),
    );
    server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
      if (!socket.writable || error.code === 'ECONNRESET') return void socket.destroy();
      const code =
        error.code === 'HPE_HEADER_OVERFLOW'
          ? headerOverflowCode(
              (error as { rawPacket?: Buffer }).rawPacket,
              (error as { bytesParsed?: number }).bytesParsed,
            )
          : (CLIENT_ERROR_CODES[error.code ?? ''] ?? 'RAMPART_HTTP_BAD_REQUEST');
      // A request whose body was too slow already has an id, a route and a log line to come.
      if (handler.answerInFlight(socket, code)) return;
      const requestId = randomUUID();
      options.log.info(
        { requestId, reason: error.code, peer: socket.remoteAddress },
        'malformed request refused',
      );
      options.observer.requestFinished(
        writeRawProblem(socket, code, requestId, current.settings.requestIdHeader, clock.now()),
      );
    });
    // CONNECT never reaches 'request'; no route proxies tunnels.
    server.on('connect', (req: IncomingMessage, socket: Socket) => {
      // An HTTP/2 CONNECT is a stream with a response object: refused through the request path.
      if (req.httpVersionMajor === 2) return handler.handle(req, socket as unknown as ServerResponse);
      const requestId = randomUUID();
      const header = current.settings.requestIdHeader;
      options.observer.requestFinished(
        writeRawProblem(socket, 'RAMPART_HTTP_METHOD_REFUSED', requestId, header, clock.now()),
      );
    });
    servers.push(server);
  };

  const https = settings.https;
  let certificates: TlsCertificates | undefined;
  if (https !== undefined) {
    certificates = createTlsCertificates(
      { ...https, clientCa: https.clientCertificates?.ca },
      baseDir,
      options.log,
    );
    const tls = {
      ...certificates.serverOptions,
      ...(https.clientCertificates === undefined
        ? {}
        : { requestCert: true, rejectUnauthorized: https.clientCertificates.required }),
    };
    const server: HttpsServer = https.http2
      ? (http2.createListener(tls, serverOptions) as unknown as HttpsServer)
      : createHttpsServer({ ...serverOptions, ...tls });
    certificates.follow(server);
    attach(
      server,
      { secure: true, hsts: hstsValue(https.hsts), redirectToHttpsPort: undefined },
      https.http2,
    );
    urls.https = `https://${await listen(server, https.host, https.port)}`;
  }
  const http =
    settings.http ??
    (https === undefined ? { host: '127.0.0.1', port: 8080, redirectToHttps: false } : undefined);
  if (http !== undefined) {
    const server = createHttpServer(serverOptions);
    const httpsPort = urls.https === undefined ? undefined : Number(new URL(urls.https).port);
    attach(server, {
      secure: false,
      hsts: undefined,
      redirectToHttpsPort: http.redirectToHttps ? httpsPort : undefined,
    });
    urls.http = `http://${await listen(server, http.host, http.port)}`;
  }
  if (settings.h2c !== undefined) {
    const server = http2.createListener(undefined, serverOptions) as unknown as Server;
    // h2c: nothing readable can be written to a refused connection, so it is closed (as TLS ones are).
    attach(server, { secure: false, hsts: undefined, redirectToHttpsPort: undefined }, true);
    urls.h2c = `http://${await listen(server, settings.h2c.host, settings.h2c.port)}`;
  }
  ready = true;

  return {
    urls,
    get ready() {
      return ready && !draining;
    },
    get versionId() {
      return current.id;
    },
    policyInstances(name) {
      return current.routes.flatMap((route) =>
        route.chain.links.filter((link) => link.name === name).map((link) => link.handlers),
      );
    },
    reload(config) {
      const next = buildVersion(config, options.definitions, deps, current, report);
      const previous = current;
      current = next;
      startVersion(next);
      retiring.add(previous);
      websockets.reloaded(next);
      runtime.release(previous);
    },
    async close() {
      if (draining) return;
      draining = true;
      websockets.goingAway();
      http2.goingAway();
      certificates?.close();
      const timeout = parseDuration(settings.shutdownTimeout ?? DEFAULT_TIMEOUTS.shutdown);
      const deadline = Date.now() + timeout;
      const closed = servers.map((server) => new Promise<void>((done) => server.close(() => done())));
      // HTTP/2 listeners track no HTTP/1.1 connections of their own (h2c) or only idle ones (TLS).
      for (const server of servers) server.closeIdleConnections?.();
      if (inFlight()) {
        // Answers written from now on carry `Connection: close`; wait for the last one, bounded.
        let timer: NodeJS.Timeout | undefined;
        await new Promise<void>((done) => {
          onDrained = done;
          timer = setTimeout(done, timeout);
        });
        clearTimeout(timer);
      }
      for (const server of servers) server.closeAllConnections?.();
      // Bounded: shutdownTimeout is a promise to the operator, whatever a client or upstream does.
      const left = () => Math.max(250, deadline - Date.now());
      if (!(await within(Promise.all(closed), left()))) limiter.destroyAll();
      await within(
        Promise.allSettled([...retiring, current].map((version) => retireVersion(version, undefined))),
        left(),
      );
    },
  };
}
