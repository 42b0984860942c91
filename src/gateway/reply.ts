// Writing answers: the response phase on upstream and local replies, problem documents for denials,
// and the head every answer carries (request id, HSTS, Connection: close while draining).
import type { HeaderMap, ResponseView } from '../policies/policy.ts';
import type { RequestContext } from './context.ts';
import { BODYLESS_STATUS, type Exchange, hasBody } from './exchange.ts';
import { type LocalReply, problemReply } from './local-reply.ts';
import { type PhaseOutcome, runResponsePhase } from './pipeline.ts';

export function refuseBody(x: Exchange, policy: string | undefined): Promise<void> {
  x.policy = policy;
  x.res.shouldKeepAlive = false;
  return sendLocal(x, problemReply('RAMPART_INGRESS_BODY_TOO_LARGE', x.requestId));
}

export function sendDenial(x: Exchange, outcome: PhaseOutcome): Promise<void> {
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

/**
 * Runs the response phase on `view`. When a policy denies, the view becomes that problem reply (the
 * caller then writes it) and true is returned.
 */
export function respond(x: Exchange, ctx: RequestContext, view: ResponseView): boolean | Promise<boolean> {
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
export async function sendLocal(x: Exchange, reply: LocalReply): Promise<void> {
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

export function writeHead(x: Exchange, status: number, headers: HeaderMap): void {
  headers[x.version.settings.requestIdHeader] = x.requestId;
  if (x.listener.hsts !== undefined) headers['strict-transport-security'] ??= x.listener.hsts;
  if (x.runtime.draining) x.res.shouldKeepAlive = false;
  x.status = status;
  x.res.writeHead(status, headers as Record<string, string>);
}

export function writeResponse(
  x: Exchange,
  status: number,
  headers: HeaderMap,
  body: Buffer | undefined,
): void {
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
