// The request path: admit → route → request phases → proxy → response phases → write → log. This
// module decides the steps up to the proxy; writer.ts writes every answer, request-end.ts ends it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { ErrorCode } from '../errors/codes.ts';
import { admitBody, BODY_REFUSED } from './admit-body.ts';
import { answerAuthorization, isAuthorizationRequest } from './forward-auth.ts';
import { framingProblem } from './framing.ts';
import { http2Problem } from './http2-request.ts';
import { buffersToScreen, refuseOverride, screenMethodOverride } from './method-override.ts';
import { normalizeTarget } from './normalize-path.ts';
import { runRequestPhase } from './pipeline.ts';
import { proxy } from './proxy.ts';
import { GatewayRequest, type ListenerFacts, type Runtime } from './request.ts';
import { endRequest } from './request-end.ts';
import { hostOf } from './router.ts';
import { runTracedRequestPhase } from './traced-phase.ts';
import type { CompiledRoute } from './version.ts';
import { sendDenial, sendProblem } from './writer.ts';

export type { ListenerFacts, Runtime } from './request.ts';

/** Takes over an admitted request instead of the proxy (a WebSocket handshake: websocket.ts). */
export type Takeover = (x: GatewayRequest, route: CompiledRoute) => Promise<void>;

/** The listener-facing side of the request path. */
export interface RequestHandler {
  /**
   * The `request` (and, with `expectsContinue`, `checkContinue`) listener; with `takeover`, the request
   * goes there instead of the proxy once the request phases admitted it.
   */
  handle(req: IncomingMessage, res: ServerResponse, expectsContinue?: boolean, takeover?: Takeover): void;
  /**
   * Answers a client error (a request timeout mid-body) on the request in flight on `socket`, with that
   * request's id; false when no request is in flight there or its answer has started.
   */
  answerInFlight(socket: Socket, code: ErrorCode): boolean;
}

/** Creates the request handler for one HTTP(S) listener. */
export function createRequestHandler(runtime: Runtime, listener: ListenerFacts): RequestHandler {
  const inFlight = new WeakMap<Socket, GatewayRequest>();
  return {
    handle(req, res, expectsContinue = false, takeover) {
      const x = new GatewayRequest(runtime, req, res, listener);
      x.version.inFlight++;
      runtime.observer.requestStarted();
      inFlight.set(req.socket, x);
      res.once('close', () => {
        if (inFlight.get(req.socket) === x) inFlight.delete(req.socket);
        endRequest(x);
      });
      serve(x, expectsContinue, takeover).catch((error: unknown) => {
        runtime.log.error({ err: error, requestId: x.requestId }, 'request failed inside the gateway');
        if (!res.headersSent) void sendProblem(x, 'RAMPART_INTERNAL_ERROR');
        else res.destroy();
      });
    },
    answerInFlight(socket, code) {
      const x = inFlight.get(socket);
      if (x === undefined || x.res.headersSent) return false;
      x.mustClose = true;
      x.call?.abort(new Error('request timed out'));
      void sendProblem(x, code);
      return true;
    },
  };
}

async function serve(x: GatewayRequest, expectsContinue: boolean, takeover?: Takeover): Promise<void> {
  const framing = x.req.httpVersionMajor === 2 ? http2Problem(x.req) : framingProblem(x.req);
  if (framing !== undefined) {
    x.mustClose = true;
    return sendProblem(x, framing);
  }
  if (x.listener.redirectToHttpsPort !== undefined) return redirectToHttps(x, x.listener.redirectToHttpsPort);

  const target = normalizeTarget(x.rawUrl);
  if (!target.ok) return sendProblem(x, 'RAMPART_HTTP_BAD_PATH');
  x.path = target.path;
  x.rawQuery = target.rawQuery;
  const forwardAuth = x.version.settings.forwardAuth;
  if (forwardAuth !== undefined && isAuthorizationRequest(forwardAuth, target.path))
    return answerAuthorization(x, forwardAuth, target.path, target.rawQuery, expectsContinue);

  const match = x.version.router.match(x.method, hostOf(x.req.headers.host), target.path);
  if (match.kind === 'not-found') return sendProblem(x, 'RAMPART_ROUTE_NOT_FOUND');
  if (match.kind === 'method-not-allowed') {
    return sendProblem(x, 'RAMPART_ROUTE_METHOD_NOT_ALLOWED', { headers: { allow: match.allow.join(', ') } });
  }
  const route = match.value;
  x.routeTo(route, match.params);
  const { chain } = route;

  // `_method` in a body would turn this request into another method after routing and authorization:
  // screened unless the route allows overrides (form bodies buffered for it, small JSON too).
  const screen = !route.config.allowMethodOverride;
  const buffer =
    chain.needsRequestBody || (screen && buffersToScreen(x.req, x.version.settings.maxBufferedBodyBytes));
  if (buffer && (await admitBody(x, 'buffer', expectsContinue)) === BODY_REFUSED) return;
  if (screen && x.body !== undefined) {
    const screened = screenMethodOverride(x.body, x.req.headers['content-type']);
    if (screened === undefined) return refuseOverride(x);
    x.body = screened;
  }

  const ran =
    chain.onRequest.length === 0
      ? undefined
      : x.trace === undefined
        ? runRequestPhase(chain, x, x)
        : runTracedRequestPhase(chain, x, x, x.trace);
  const outcome = ran instanceof Promise ? await ran : ran;
  if (outcome?.deny !== undefined) return sendDenial(x, outcome);
  if (takeover !== undefined) return takeover(x, route);
  return proxy(x, route, expectsContinue && x.body === undefined);
}

function redirectToHttps(x: GatewayRequest, port: number): Promise<void> {
  const host = hostOf(x.req.headers.host) ?? '127.0.0.1';
  const target = normalizeTarget(x.rawUrl || '/');
  const path = target.ok ? target.path : '/';
  const query = target.ok && target.rawQuery !== '' ? `?${target.rawQuery}` : '';
  const location = `https://${host}${port === 443 ? '' : `:${port}`}${path}${query}`;
  return sendProblem(x, 'RAMPART_HTTP_HTTPS_REQUIRED', { headers: { location } });
}
