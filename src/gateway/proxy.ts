// Forwarding to the upstream: request headers and path built for it, the dispatch (breaker, health,
// retries), and the response streamed to the client or buffered for the response phase.
import type { Readable } from 'node:stream';
import { BodyCounter, BodyTooLargeError } from './body.ts';
import { applyUpstreamEdits, type RequestContext, upstreamQuery } from './context.ts';
import { BODYLESS_STATUS, type Exchange, hasBody } from './exchange.ts';
import { cleanResponseHeaders, stripMethodOverrideParam, upstreamRequestHeaders } from './forward-headers.ts';
import { MethodOverrideInBodyError } from './json-override-scan.ts';
import { problemReply } from './local-reply.ts';
import { refuseOverride, screenStreamedBody } from './method-override.ts';
import { refuseBody, respond, sendLocal, writeHead, writeResponse } from './reply.ts';
import { classifyUpstreamError } from './upstream.ts';
import { UpstreamCall, type UpstreamHead } from './upstream-call.ts';
import type { CompiledRoute } from './version.ts';

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

export async function proxy(
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
    clientHeaders: x.version.settings.clientHeaders,
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

  if (body !== null && !Buffer.isBuffer(body) && !route.config.allowMethodOverride)
    body = screenStreamedBody(body, req.headers['content-type'], headers);
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
      if (error instanceof MethodOverrideInBodyError) return refuseOverride(x);
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
    // The upstream broke it (a client abort sets clientGone first): logged as 502, not 499.
    if (!x.clientGone) {
      x.upstreamBroke = true;
      x.code = 'RAMPART_UPSTREAM_ERROR';
      x.runtime.observer.upstreamFailed(upstream.name, classifyUpstreamError(error), x.requestId, error);
    }
    res.destroy();
  }
}
