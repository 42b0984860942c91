// The one module that writes answers to clients: local replies (denials, refusals, upstream errors)
// after the response phase had its say, proxied heads and bodies, 100 Continue, and raw problems on a
// socket whose request could not be parsed. Whether the connection stays open is decided here, once.
import type { Socket } from 'node:net';
import { ERROR_CODES, type ErrorCode } from '../errors/codes.ts';
import type { FinishedRequest } from '../observe/gateway-records.ts';
import type { HeaderMap, ResponseView } from '../policies/policy.ts';
import { type LocalReply, problemReply } from './local-reply.ts';
import { type PhaseOutcome, runResponsePhase } from './pipeline.ts';
import { type GatewayRequest, hasBody } from './request.ts';
import type { UpstreamCall } from './upstream/upstream-call.ts';

const BODYLESS_STATUS = new Set([204, 304]);

/** Whether an answer with this status to this request carries no body (HEAD, 204, 304). */
export function isBodyless(x: GatewayRequest, status: number): boolean {
  return x.method === 'HEAD' || BODYLESS_STATUS.has(status);
}

/** Who answers: the upstream (its response, relayed) or the gateway itself. */
type Answerer = 'upstream' | 'gateway';

/**
 * Keep-alive, decided once per answer. The connection closes when the framing is in doubt, while the
 * gateway drains, and when the gateway answers itself before the request body was read to its end:
 * the unread bytes would be parsed as the next request (request smuggling), and reading a large body
 * only to drop it costs the gateway. A relayed upstream answer keeps it open, the body still flowing
 * to the upstream.
 */
function settleConnection(x: GatewayRequest, answerer: Answerer): void {
  const unreadBody = answerer === 'gateway' && hasBody(x.req) && !x.req.complete;
  if (x.mustClose || x.runtime.draining || unreadBody) x.res.shouldKeepAlive = false;
}

function writeHead(x: GatewayRequest, status: number, headers: HeaderMap, answerer: Answerer): void {
  headers[x.version.settings.requestIdHeader] = x.requestId;
  if (x.listener.hsts !== undefined) headers['strict-transport-security'] ??= x.listener.hsts;
  settleConnection(x, answerer);
  x.status = status;
  x.res.writeHead(status, headers as Record<string, string>);
}

/** Writes a whole answer (head and buffered body) unless one was already started. */
export function writeAnswer(
  x: GatewayRequest,
  status: number,
  headers: HeaderMap,
  body: Buffer | undefined,
  answerer: Answerer = 'gateway',
): void {
  if (x.res.headersSent || x.res.destroyed) return;
  if (body !== undefined) {
    headers['content-length'] = String(body.length);
    delete headers['transfer-encoding'];
  }
  writeHead(x, status, headers, answerer);
  if (body !== undefined && !isBodyless(x, status)) {
    x.bytesOut += body.length;
    x.res.end(body);
  } else {
    x.res.end();
  }
}

/** Writes the head, then the upstream body as it comes; a broken upstream body cuts the connection. */
export async function streamAnswer(x: GatewayRequest, view: ResponseView, call: UpstreamCall): Promise<void> {
  writeHead(x, view.status, view.headers, 'upstream');
  x.streamed = true;
  try {
    await call.streamTo(x.res);
  } catch (error) {
    // The head is out: all that is left is to cut the connection so the client sees a broken body.
    // The upstream broke it (a client abort sets clientGone first): recorded before the close, as 502.
    if (!x.clientGone) {
      x.upstreamBroke = true;
      x.code = 'RAMPART_UPSTREAM_ERROR';
    }
    x.res.destroy();
    throw error;
  }
}

/** Tells a client that sent `Expect: 100-continue` to send its body (only once a request is admitted). */
export function writeContinue(x: GatewayRequest): void {
  if (!x.res.headersSent) x.res.writeContinue();
}

/**
 * Runs the response phase on `view`. When a policy denies, the view becomes that problem reply, which is
 * written at once, and true is returned.
 */
export function respond(x: GatewayRequest, view: ResponseView): boolean | Promise<boolean> {
  const chain = x.matched?.chain;
  if (chain === undefined || chain.onResponse.length === 0) return false;
  x.response = view;
  let replaced: LocalReply | undefined;
  const ran = runResponsePhase(chain, x, x, (outcome) => {
    const verdict = outcome.deny!;
    x.policy = outcome.policy;
    replaced = problemReply(verdict.code, x.requestId, {
      status: verdict.status,
      detail: verdict.detail,
      headers: verdict.headers,
      extensions: withTraceId(x, verdict.extensions),
    });
    x.code = verdict.code;
    x.response = { status: replaced.status, headers: replaced.headers, body: replaced.body, local: true };
  });
  const finish = (): boolean => {
    const final = x.response;
    if (replaced === undefined || final === undefined) return false;
    writeAnswer(x, final.status, final.headers, final.body);
    return true;
  };
  return ran instanceof Promise ? ran.then(finish) : finish();
}

/** Writes a reply of the gateway's own, after the response phase of a routed request had its say. */
export async function sendLocal(x: GatewayRequest, reply: LocalReply): Promise<void> {
  x.code ??= reply.code;
  const view: ResponseView = { status: reply.status, headers: reply.headers, body: reply.body, local: true };
  if (x.matched !== undefined) {
    const responded = respond(x, view);
    if (responded instanceof Promise ? await responded : responded) return;
  }
  writeAnswer(x, view.status, view.headers, view.body);
}

/** A problem's extensions with the request's trace id, when tracing is on. */
function withTraceId(
  x: GatewayRequest,
  extensions: Readonly<Record<string, unknown>> | undefined,
): Readonly<Record<string, unknown>> | undefined {
  return x.trace === undefined ? extensions : { ...extensions, traceId: x.trace.traceId };
}

/** Answers with the problem document of `code`. */
export function sendProblem(
  x: GatewayRequest,
  code: ErrorCode,
  options: Parameters<typeof problemReply>[2] = {},
): Promise<void> {
  const withTrace =
    x.trace === undefined ? options : { ...options, extensions: withTraceId(x, options.extensions) };
  return sendLocal(x, problemReply(code, x.requestId, withTrace));
}

/** Answers a policy's deny, attributed to that policy. */
export function sendDenial(x: GatewayRequest, outcome: PhaseOutcome): Promise<void> {
  const verdict = outcome.deny!;
  x.policy = outcome.policy;
  return sendProblem(x, verdict.code, {
    detail: verdict.detail,
    headers: verdict.headers,
    extensions: verdict.extensions,
  });
}

/** Answers with a request body over its limit (413); the rest of the body is never read. */
export function refuseBody(x: GatewayRequest, policy: string | undefined): Promise<void> {
  x.policy = policy;
  return sendProblem(x, 'RAMPART_INGRESS_BODY_TOO_LARGE');
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  413: 'Content Too Large',
  414: 'URI Too Long',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/**
 * Answers on a socket whose request could not be parsed (no request object exists), then closes it.
 * Returns the access record of that answer, its status taken from the error catalogue.
 */
export function writeRawProblem(
  socket: Socket,
  code: ErrorCode,
  requestId: string,
  requestIdHeader: string,
  time: number,
): FinishedRequest {
  const reply = problemReply(code, requestId);
  const head = [`HTTP/1.1 ${reply.status} ${REASONS[reply.status] ?? 'Error'}`];
  for (const [name, value] of Object.entries(reply.headers)) head.push(`${name}: ${String(value)}`);
  head.push(`${requestIdHeader}: ${requestId}`, 'connection: close', '', '');
  // Closed once written: HTTP servers allow half-open sockets, and a client that never closes its side
  // (after CONNECT, say, whose socket the server no longer tracks) would otherwise hold shutdown forever.
  socket.end(Buffer.concat([Buffer.from(head.join('\r\n')), reply.body]), () => socket.destroy());
  return {
    time,
    requestId,
    method: '',
    route: undefined,
    path: '',
    rawQuery: '',
    status: ERROR_CODES[code].status,
    durationMs: 0,
    bytesIn: 0,
    bytesOut: reply.body.length,
    clientIp: socket.remoteAddress ?? '',
    consumerId: undefined,
    userAgent: undefined,
    upstream: undefined,
    code,
    policy: undefined,
    annotations: undefined,
  };
}
