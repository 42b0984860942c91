// The request path: admit → route → request phases → proxy → response phases → write → log.
// Only the gateway writes responses; this module decides which one, the others write it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { ErrorCode } from '../errors/codes.ts';
import { BodyTooLargeError, readBounded } from './body.ts';
import { clientCertificateOf } from './client-certificate.ts';
import { RequestContext } from './context.ts';
import { Exchange, finishExchange, hasBody, type ListenerFacts, type Runtime } from './exchange.ts';
import { framingProblem } from './framing.ts';
import { problemReply } from './local-reply.ts';
import { buffersToScreen, refuseOverride, screenMethodOverride } from './method-override.ts';
import { normalizeTarget } from './normalize-path.ts';
import { runRequestPhase } from './pipeline.ts';
import { proxy } from './proxy.ts';
import { refuseBody, sendDenial, sendLocal } from './reply.ts';
import { hostOf } from './router.ts';

export type { ListenerFacts, Runtime } from './exchange.ts';

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
        finishExchange(exchange);
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

  const screen = !route.config.allowMethodOverride;
  if (
    (chain.needsRequestBody || (screen && buffersToScreen(req, version.settings.maxBufferedBodyBytes))) &&
    hasBody(req)
  ) {
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

  if (screen && ctx.body !== undefined) {
    const screened = screenMethodOverride(ctx.body, req.headers['content-type']);
    if (screened === undefined) return refuseOverride(x);
    ctx.body = screened;
  }

  const ran = chain.onRequest.length === 0 ? undefined : runRequestPhase(chain, ctx, x);
  const requestOutcome = ran instanceof Promise ? await ran : ran;
  if (requestOutcome?.deny !== undefined) return sendDenial(x, requestOutcome);
  return proxy(x, ctx, route, expectsContinue && ctx.body === undefined);
}

function redirectToHttps(x: Exchange, port: number): Promise<void> {
  const host = hostOf(x.req.headers.host) ?? '127.0.0.1';
  const target = normalizeTarget(x.req.url ?? '/');
  const location = `https://${host}${port === 443 ? '' : `:${port}`}${target.ok ? target.path : '/'}${target.ok && target.rawQuery !== '' ? `?${target.rawQuery}` : ''}`;
  return sendLocal(x, problemReply('RAMPART_HTTP_HTTPS_REQUIRED', x.requestId, { headers: { location } }));
}
