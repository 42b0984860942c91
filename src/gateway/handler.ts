// The request path: admit → route → request phases → proxy → response phases → write → log.
// One Exchange per request keeps the state the access log needs; only this module writes responses.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import type { ErrorCode } from '../errors/codes.ts';
import type { Clock, Deny, HeaderMap, PolicyLogger, ResponseView } from '../policies/policy.ts';
import { BodyCounter, BodyTooLargeError, readBounded } from './body.ts';
import { clientCertificateOf } from './client-certificate.ts';
import { applyUpstreamEdits, RequestContext, upstreamQuery } from './context.ts';
import { cleanResponseHeaders, stripMethodOverrideParam, upstreamRequestHeaders } from './forward-headers.ts';
import { framingProblem } from './framing.ts';
import { type LocalReply, problemReply } from './local-reply.ts';
import { normalizeTarget } from './normalize-path.ts';
import type { GatewayObserver } from './observer.ts';
import {
  type PhaseOutcome,
  type PhaseReporter,
  runLogPhase,
  runRequestPhase,
  runResponsePhase,
} from './pipeline.ts';
import { hostOf } from './router.ts';
import { canonicalIp, clientIpOf, isAcceptableRequestId } from './trusted-proxies.ts';
import { classifyUpstreamError } from './upstream.ts';
import { UpstreamCall, type UpstreamHead } from './upstream-call.ts';
import type { CompiledRoute, ConfigVersion } from './version.ts';

/** What the handler reads from the running gateway. */
export interface Runtime {
  readonly current: ConfigVersion;
  readonly draining: boolean;
  readonly observer: GatewayObserver;
  readonly clock: Clock;
  readonly log: PolicyLogger;
  release(version: ConfigVersion): void;
}

/** What the handler knows about the listener a request came in on. */
export interface ListenerFacts {
  readonly secure: boolean;
  /** The Strict-Transport-Security value this listener adds, when it has one. */
  readonly hsts: string | undefined;
  /** Answer every request with a redirect to this HTTPS port. */
  readonly redirectToHttpsPort: number | undefined;
}

const BODYLESS_STATUS = new Set([204, 304]);

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** Per-request state from the first byte to the log line. */
class Exchange implements PhaseReporter {
  readonly started = performance.now();
  readonly requestId: string;
  readonly clientIp: string;
  /** The TCP peer (IPv4-mapped IPv6 written as IPv4). */
  readonly peerIp: string;
  readonly peerTrusted: boolean;
  route: CompiledRoute | undefined;
  ctx: RequestContext | undefined;
  path: string;
  rawQuery = '';
  status = 0;
  code: ErrorCode | undefined;
  policy: string | undefined;
  bytesIn = 0;
  bytesOut = 0;
  finished = false;
  /** The client closed before its answer was complete. */
  clientGone = false;
  call: UpstreamCall | undefined = undefined;
  bodyCounter: BodyCounter | undefined = undefined;
  /** The upstream body went to the client as it came (bytes out are counted by the call). */
  streamed = false;
  readonly runtime: Runtime;
  readonly version: ConfigVersion;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly listener: ListenerFacts;

  constructor(runtime: Runtime, req: IncomingMessage, res: ServerResponse, listener: ListenerFacts) {
    this.runtime = runtime;
    this.version = runtime.current;
    this.req = req;
    this.res = res;
    this.listener = listener;
    const { settings, trustedProxies } = this.version;
    const peer = req.socket.remoteAddress ?? '';
    this.peerIp = canonicalIp(peer);
    this.peerTrusted = trustedProxies.has(this.peerIp);
    const incoming = req.headers[settings.requestIdHeader];
    this.requestId =
      this.peerTrusted && typeof incoming === 'string' && isAcceptableRequestId(incoming)
        ? incoming
        : randomUUID();
    this.clientIp = clientIpOf(peer, req.headers['x-forwarded-for'], trustedProxies);
    this.path = req.url ?? '';
  }

  denied(policy: string, verdict: Deny): void {
    this.event('denied', policy, verdict);
  }

  wouldDeny(policy: string, verdict: Deny): void {
    this.event('would-deny', policy, verdict);
  }

  fault(policy: string, error: unknown, failedOpen: boolean): void {
    this.runtime.observer.policyFault(policy, this.requestId, error, failedOpen);
  }

  flag(policy: string, event: Parameters<RequestContext['emit']>[0]): void {
    this.runtime.observer.securityEvent({
      ...event,
      policy,
      outcome: 'flagged',
      requestId: this.requestId,
      route: this.route?.name,
      clientIp: this.clientIp,
      consumerId: this.ctx?.identity?.consumerId,
      time: this.runtime.clock.now(),
    });
  }

  event(outcome: 'denied' | 'would-deny', policy: string, verdict: Deny): void {
    this.runtime.observer.securityEvent({
      policy,
      code: verdict.code,
      ...(verdict.rule === undefined ? {} : { rule: verdict.rule }),
      ...(verdict.location === undefined ? {} : { location: verdict.location }),
      ...(verdict.reason === undefined ? {} : { reason: verdict.reason }),
      outcome,
      requestId: this.requestId,
      route: this.route?.name,
      clientIp: this.clientIp,
      consumerId: this.ctx?.identity?.consumerId,
      time: this.runtime.clock.now(),
    });
  }
}

/** The listener-facing side of the request path. */
export interface RequestHandler {
  /** The `request` (and, with `expectsContinue`, `checkContinue`) listener. */
  handle(req: IncomingMessage, res: ServerResponse, expectsContinue?: boolean): void;
  /**
   * Answers a client error (a request timeout mid-body) on the request in flight on `socket`, with that
   * request's id; false when no request is in flight there or its answer has started.
   */
  answerInFlight(socket: Socket, code: ErrorCode): boolean;
}

/** Creates the request handler for one HTTP(S) listener. */
export function createRequestHandler(runtime: Runtime, listener: ListenerFacts): RequestHandler {
  const inFlight = new WeakMap<Socket, Exchange>();
  return {
    handle(req, res, expectsContinue = false) {
      const exchange = new Exchange(runtime, req, res, listener);
      exchange.version.inFlight++;
      runtime.observer.requestStarted();
      inFlight.set(req.socket, exchange);
      res.once('close', () => {
        if (inFlight.get(req.socket) === exchange) inFlight.delete(req.socket);
        finish(exchange);
      });
      serve(exchange, expectsContinue).catch((error: unknown) => {
        runtime.log.error({ err: error, requestId: exchange.requestId }, 'request failed inside the gateway');
        if (!res.headersSent)
          void sendLocal(exchange, problemReply('RAMPART_INTERNAL_ERROR', exchange.requestId));
        else res.destroy();
      });
    },
    answerInFlight(socket, code) {
      const exchange = inFlight.get(socket);
      if (exchange === undefined || exchange.res.headersSent) return false;
      exchange.res.shouldKeepAlive = false;
      exchange.call?.abort(new Error('request timed out'));
      void sendLocal(exchange, problemReply(code, exchange.requestId));
      return true;
    },
  };
}

async function serve(x: Exchange, expectsContinue: boolean): Promise<void> {
  const { req, version } = x;
  const framing = framingProblem(req);
  if (framing !== undefined) {
    x.res.shouldKeepAlive = false;
    return sendLocal(x, problemReply(framing, x.requestId));
  }
  if (x.listener.redirectToHttpsPort !== undefined) return redirectToHttps(x, x.listener.redirectToHttpsPort);

  const target = normalizeTarget(req.url ?? '');
  if (!target.ok) return sendLocal(x, problemReply('RAMPART_HTTP_BAD_PATH', x.requestId));
  x.path = target.path;
  x.rawQuery = target.rawQuery;

  const host = hostOf(req.headers.host);
  const method = req.method ?? 'GET';
  const match = version.router.match(method, host, target.path);
  if (match.kind === 'not-found') return sendLocal(x, problemReply('RAMPART_ROUTE_NOT_FOUND', x.requestId));
  if (match.kind === 'method-not-allowed') {
    const headers = { allow: match.allow.join(', ') };
    return sendLocal(x, problemReply('RAMPART_ROUTE_METHOD_NOT_ALLOWED', x.requestId, { headers }));
  }
  const route = match.value;
  x.route = route;
  const declaredLength = req.headers['content-length'];
  const ctx = new RequestContext(
    {
      requestId: x.requestId,
      method,
      rawUrl: req.url ?? '',
      path: target.path,
      rawQuery: target.rawQuery,
      headers: req.headers,
      headerFieldCount: req.rawHeaders.length / 2,
      clientIp: x.clientIp,
      secure: x.listener.secure,
      clientCertificate: x.listener.secure ? clientCertificateOf(req.socket) : undefined,
      route: {
        name: route.name,
        upstream: route.upstream.name,
        pattern: route.pattern,
        params: match.params,
      },
      contentLength: declaredLength === undefined ? undefined : Number(declaredLength),
    },
    x.runtime.clock,
    x.runtime.log,
    (policy, event) => x.flag(policy, event),
  );
  x.ctx = ctx;
  const { chain } = route;

  if (chain.needsRequestBody && hasBody(req)) {
    const limit = Math.min(
      chain.requestBodyLimit?.bytes ?? Number.POSITIVE_INFINITY,
      version.settings.maxBufferedBodyBytes,
    );
    if (ctx.contentLength !== undefined && ctx.contentLength > limit)
      return refuseBody(x, chain.requestBodyLimit?.policy);
    if (expectsContinue) x.res.writeContinue();
    try {
      ctx.body = await readBounded(req, limit);
      x.bytesIn = ctx.body.length;
    } catch (error) {
      if (error instanceof BodyTooLargeError) return refuseBody(x, chain.requestBodyLimit?.policy);
      throw error;
    }
  }

  const ran = chain.onRequest.length === 0 ? undefined : runRequestPhase(chain, ctx, x);
  const requestOutcome = ran instanceof Promise ? await ran : ran;
  if (requestOutcome?.deny !== undefined) return sendDenial(x, requestOutcome);
  return proxy(x, ctx, route, expectsContinue && ctx.body === undefined);
}

function refuseBody(x: Exchange, policy: string | undefined): Promise<void> {
  x.policy = policy;
  x.res.shouldKeepAlive = false;
  return sendLocal(x, problemReply('RAMPART_INGRESS_BODY_TOO_LARGE', x.requestId));
}

function sendDenial(x: Exchange, outcome: PhaseOutcome): Promise<void> {
  const verdict = outcome.deny!;
  x.policy = outcome.policy;
  // An unread request body would be parsed as the next request: close instead (request smuggling).
  if (x.ctx?.body === undefined && hasBody(x.req)) x.res.shouldKeepAlive = false;
  return sendLocal(
    x,
    problemReply(verdict.code, x.requestId, {
      detail: verdict.detail,
      headers: verdict.headers,
      extensions: verdict.extensions,
    }),
  );
}

function redirectToHttps(x: Exchange, port: number): Promise<void> {
  const host = hostOf(x.req.headers.host) ?? '127.0.0.1';
  const target = normalizeTarget(x.req.url ?? '/');
  const location = `https://${host}${port === 443 ? '' : `:${port}`}${target.ok ? target.path : '/'}${target.ok && target.rawQuery !== '' ? `?${target.rawQuery}` : ''}`;
  return sendLocal(x, problemReply('RAMPART_HTTP_HTTPS_REQUIRED', x.requestId, { headers: { location } }));
}

function upstreamPath(route: CompiledRoute, path: string, rawQuery: string): string {
  const prefix = route.config.stripPrefix;
  let rest = path;
  if (
    prefix !== undefined &&
    (path === prefix || path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`))
  ) {
    rest = path.slice(prefix.endsWith('/') ? prefix.length - 1 : prefix.length) || '/';
  }
  const query = route.config.allowMethodOverride ? rawQuery : stripMethodOverrideParam(rawQuery);
  return `${route.upstream.basePath}${rest}${query === '' ? '' : `?${query}`}`;
}

async function proxy(
  x: Exchange,
  ctx: RequestContext,
  route: CompiledRoute,
  sendContinue: boolean,
): Promise<void> {
  const { req, res } = x;
  const upstream = route.upstream;
  const headers = upstreamRequestHeaders(req.headers, {
    peerIp: x.peerIp,
    peerTrusted: x.peerTrusted,
    secure: x.listener.secure,
    host: req.headers.host,
    requestIdHeader: x.version.settings.requestIdHeader,
    requestId: x.requestId,
    allowMethodOverride: route.config.allowMethodOverride,
    allowUrlRewriteHeaders: route.config.allowUrlRewriteHeaders,
  });
  headers.host = upstream.preserveHost && req.headers.host !== undefined ? req.headers.host : upstream.host;
  applyUpstreamEdits(headers, ctx.upstreamEdits);
  const health = upstream.health;
  if (health !== undefined && !health.healthy) {
    if (hasBody(req)) res.shouldKeepAlive = false;
    const wait = String(Math.max(1, Math.ceil(health.retryAfterMs / 1000)));
    return sendLocal(
      x,
      problemReply('RAMPART_UPSTREAM_UNHEALTHY', x.requestId, { headers: { 'retry-after': wait } }),
    );
  }
  const breaker = upstream.breaker;
  if (breaker !== undefined && !breaker.allow(x.runtime.clock.now())) {
    if (hasBody(req)) res.shouldKeepAlive = false;
    const wait = String(Math.max(1, Math.ceil(breaker.retryAfterMs(x.runtime.clock.now()) / 1000)));
    return sendLocal(
      x,
      problemReply('RAMPART_UPSTREAM_CIRCUIT_OPEN', x.requestId, { headers: { 'retry-after': wait } }),
    );
  }

  let body: Buffer | Readable | null = null;
  if (ctx.body !== undefined) {
    body = ctx.body;
    headers['content-length'] = String(ctx.body.length);
  } else if (hasBody(req)) {
    const limit = route.chain.requestBodyLimit?.bytes ?? Number.POSITIVE_INFINITY;
    const declared = ctx.contentLength;
    if (declared !== undefined && declared > limit)
      return refuseBody(x, route.chain.requestBodyLimit?.policy);
    if (sendContinue) res.writeContinue();
    if (declared !== undefined) {
      // The parser delivers exactly Content-Length bytes (no more), so there is nothing to count.
      body = req;
      req.once('end', () => {
        x.bytesIn = declared;
      });
    } else {
      const counter = new BodyCounter(limit);
      x.bodyCounter = counter;
      body = req.pipe(counter);
      // pipe() forwards neither errors nor a premature close; the upstream must not wait for the rest.
      req.once('close', () => {
        if (!req.complete) counter.destroy(new Error('client request body ended early'));
      });
    }
  }

  const request = {
    method: ctx.method as 'GET',
    path: upstreamPath(route, ctx.path, upstreamQuery(ctx.rawQuery, ctx.upstreamQueryRemovals)),
    headers: headers as Record<string, string>,
    body,
  };
  const retry = upstream.retry;
  retry?.request(x.runtime.clock.now());
  let call: UpstreamCall;
  let head: UpstreamHead;
  // Only a failure before the response head can be retried: after it, bytes may be on their way out.
  for (let attempt = 1; ; attempt++) {
    call = new UpstreamCall();
    x.call = call;
    upstream.pool.dispatch(request, call);
    try {
      head = await call.head;
      break;
    } catch (error) {
      if (x.clientGone) return;
      if (error instanceof BodyTooLargeError) return refuseBody(x, route.chain.requestBodyLimit?.policy);
      const kind = classifyUpstreamError(error);
      const now = x.runtime.clock.now();
      breaker?.failure(now);
      x.runtime.observer.upstreamFailed(upstream.name, kind, x.requestId, error);
      // A failure that opened the breaker or made the upstream unhealthy ends the retries too.
      const again =
        (health?.healthy ?? true) &&
        retry?.shouldRetry({
          method: ctx.method,
          streamedBody: body !== null && !Buffer.isBuffer(body),
          failure: kind,
          attempt,
          now,
        }) === true &&
        (breaker?.allow(now) ?? true);
      if (again) continue;
      const code = kind === 'timeout' ? 'RAMPART_UPSTREAM_TIMEOUT' : 'RAMPART_UPSTREAM_UNAVAILABLE';
      if (hasBody(req)) res.shouldKeepAlive = false;
      return sendLocal(x, problemReply(code, x.requestId));
    }
  }

  const responseHeaders = cleanResponseHeaders(head.headers);
  const status = head.status;
  if (breaker !== undefined) {
    if (status === 502 || status === 503 || status === 504) breaker.failure(x.runtime.clock.now());
    else breaker.success(x.runtime.clock.now());
  }
  const wantsBody =
    route.chain.responseBody === 'always' || (route.chain.responseBody === 'errors' && status >= 500);
  let buffered: Buffer | undefined;
  let bodyTooLarge = false;
  if (wantsBody && ctx.method !== 'HEAD' && !BODYLESS_STATUS.has(status)) {
    try {
      const read = await call.readAll(x.version.settings.maxResponseBufferBytes);
      if (read === 'too-large') {
        bodyTooLarge = true;
        // Policies see `bodyTooLarge` and decide (block, or let it stream); either way it is an event.
        x.flag('gateway', {
          rule: 'response-over-inspection-limit',
          location: 'response.body',
          reason: `upstream body over ${x.version.settings.maxResponseBufferBytes} bytes; not inspected`,
          severity: 'medium',
        });
      } else buffered = read;
    } catch (error) {
      if (x.clientGone) return;
      x.runtime.observer.upstreamFailed(upstream.name, classifyUpstreamError(error), x.requestId, error);
      return sendLocal(x, problemReply('RAMPART_UPSTREAM_ERROR', x.requestId));
    }
  }
  const view = { status, headers: responseHeaders, body: buffered, local: false, bodyTooLarge };
  const responded = respond(x, ctx, view);
  const replaced = responded instanceof Promise ? await responded : responded;
  if (replaced) return call.discard('abort');
  if (view.body !== undefined || ctx.method === 'HEAD' || BODYLESS_STATUS.has(view.status)) {
    if (view.body === undefined) call.discard('drain');
    return writeResponse(x, view.status, view.headers, view.body);
  }
  writeHead(x, view.status, view.headers);
  x.streamed = true;
  try {
    await call.streamTo(res);
  } catch (error) {
    // Headers are out: all that is left is to cut the client connection so it sees a broken body.
    res.destroy();
    if (!x.clientGone) {
      x.runtime.observer.upstreamFailed(upstream.name, classifyUpstreamError(error), x.requestId, error);
    }
  }
}

/**
 * Runs the response phase on `view`. When a policy denies, the view becomes that problem reply (the
 * caller then writes it) and true is returned.
 */
function respond(x: Exchange, ctx: RequestContext, view: ResponseView): boolean | Promise<boolean> {
  const chain = x.route?.chain;
  if (chain === undefined || chain.onResponse.length === 0) return false;
  ctx.response = view;
  let replaced: LocalReply | undefined;
  const ran = runResponsePhase(chain, ctx, x, (outcome) => {
    const verdict = outcome.deny!;
    x.policy = outcome.policy;
    replaced = problemReply(verdict.code, x.requestId, {
      status: verdict.status,
      detail: verdict.detail,
      headers: verdict.headers,
      extensions: verdict.extensions,
    });
    x.code = verdict.code;
    ctx.response = { status: replaced.status, headers: replaced.headers, body: replaced.body, local: true };
  });
  const finish = (): boolean => {
    const final = ctx.response;
    if (replaced === undefined || final === undefined) return false;
    writeResponse(x, final.status, final.headers, final.body);
    return true;
  };
  return ran instanceof Promise ? ran.then(finish) : finish();
}

/** Writes a local reply, after the response phase had its say on it. */
async function sendLocal(x: Exchange, reply: LocalReply): Promise<void> {
  x.code ??= reply.code;
  if (x.ctx !== undefined) {
    const view = {
      status: reply.status,
      headers: reply.headers,
      body: reply.body as Buffer | undefined,
      local: true,
    };
    const responded = respond(x, x.ctx, view);
    if (responded instanceof Promise ? await responded : responded) return;
    return writeResponse(x, view.status, view.headers, view.body);
  }
  writeResponse(x, reply.status, reply.headers, reply.body);
}

function writeHead(x: Exchange, status: number, headers: HeaderMap): void {
  headers[x.version.settings.requestIdHeader] = x.requestId;
  if (x.listener.hsts !== undefined) headers['strict-transport-security'] ??= x.listener.hsts;
  if (x.runtime.draining) x.res.shouldKeepAlive = false;
  x.status = status;
  x.res.writeHead(status, headers as Record<string, string>);
}

function writeResponse(x: Exchange, status: number, headers: HeaderMap, body: Buffer | undefined): void {
  if (x.res.headersSent || x.res.destroyed) return;
  const bodyless = x.req.method === 'HEAD' || BODYLESS_STATUS.has(status);
  if (body !== undefined) {
    headers['content-length'] = String(body.length);
    delete headers['transfer-encoding'];
  }
  writeHead(x, status, headers);
  if (body !== undefined && !bodyless) {
    x.bytesOut += body.length;
    x.res.end(body);
  } else {
    x.res.end();
  }
}

function finish(x: Exchange): void {
  if (x.finished) return;
  x.finished = true;
  const aborted = !x.res.writableFinished;
  if (aborted) {
    x.clientGone = true;
    x.call?.abort(new Error('client closed the connection'));
  }
  const durationMs = performance.now() - x.started;
  const status = aborted ? 499 : x.status;
  const ctx = x.ctx;
  if (ctx !== undefined && x.route !== undefined && x.route.chain.onLog.length > 0) {
    ctx.status = status;
    ctx.errorCode = x.code;
    ctx.durationMs = durationMs;
    runLogPhase(x.route.chain, ctx, x);
  }
  x.runtime.observer.requestFinished({
    time: x.runtime.clock.now(),
    requestId: x.requestId,
    method: x.req.method ?? '',
    route: x.route?.name,
    path: x.path,
    rawQuery: x.rawQuery,
    status,
    durationMs,
    bytesIn: x.bodyCounter?.bytes ?? x.bytesIn,
    bytesOut: x.streamed ? (x.call?.bytes ?? 0) : x.bytesOut,
    clientIp: x.clientIp,
    consumerId: ctx?.identity?.consumerId,
    userAgent: x.req.headers['user-agent'],
    upstream: x.route?.upstream.name,
    code: x.code,
    policy: x.policy,
    annotations: ctx?.annotations,
  });
  x.version.inFlight--;
  x.runtime.release(x.version);
}
