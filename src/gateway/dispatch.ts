// Sending a request to an upstream and awaiting its response head: refused at once while the upstream
// is unhealthy or its circuit is open (upstreamRefusal), retried under the retry budget when a failure came before any
// response byte (never for a streamed body), and counted by the breaker.
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import type { ErrorCode } from '../errors/codes.ts';
import { BodyTooLargeError } from './body.ts';
import { MethodOverrideInBodyError } from './json-override-scan.ts';
import type { GatewayRequest } from './request.ts';
import { classifyUpstreamError, type Upstream } from './upstream/upstream.ts';
import { UpstreamCall, type UpstreamHead } from './upstream/upstream-call.ts';
import type { UpstreamRequestHead } from './upstream-request.ts';

/** How a dispatch ended. */
export type Dispatched =
  | { readonly kind: 'head'; readonly call: UpstreamCall; readonly head: UpstreamHead }
  /** The gateway answers with this code instead (and these headers). */
  | {
      readonly kind: 'refused';
      readonly code: ErrorCode;
      readonly headers?: Readonly<Record<string, string>>;
    }
  /** The request body went over its limit while streaming (413). */
  | { readonly kind: 'body-too-large' }
  /** The streamed JSON body carried a top-level `_method` (method-override.ts). */
  | { readonly kind: 'override-in-body' }
  /** The client left; nothing is to be answered. */
  | { readonly kind: 'client-gone' };

function retryAfter(ms: number): Record<string, string> {
  return { 'retry-after': String(Math.max(1, Math.ceil(ms / 1000))) };
}

/**
 * Whether the upstream takes requests now: not while its health checks fail or its circuit is open.
 * Asked before the request body is admitted, so a refused client is never told to send it.
 */
export function upstreamRefusal(
  upstream: Upstream,
  now: number,
): Extract<Dispatched, { kind: 'refused' }> | undefined {
  const { health, breaker } = upstream;
  if (health !== undefined && !health.healthy) {
    return { kind: 'refused', code: 'RAMPART_UPSTREAM_UNHEALTHY', headers: retryAfter(health.retryAfterMs) };
  }
  if (breaker !== undefined && !breaker.allow(now)) {
    return {
      kind: 'refused',
      code: 'RAMPART_UPSTREAM_CIRCUIT_OPEN',
      headers: retryAfter(breaker.retryAfterMs(now)),
    };
  }
  return undefined;
}

/** Dispatches `head` with `body` to `upstream` until a response head arrives or it gives up. */
export async function dispatch(
  x: GatewayRequest,
  upstream: Upstream,
  head: UpstreamRequestHead,
  body: Buffer | Readable | null,
): Promise<Dispatched> {
  const { health, breaker, retry } = upstream;
  const clock = x.clock;
  const request = { method: head.method as 'GET', path: head.path, headers: head.headers, body };
  retry?.request(clock.now());
  // Only a failure before the response head can be retried: after it, bytes may be on their way out.
  for (let attempt = 1; ; attempt++) {
    // The client left while the request phases ran (a reset HTTP/2 stream, a closed socket): the
    // upstream is not asked to do work nobody will read (rapid reset, CVE-2023-44487).
    if (x.finished) return { kind: 'client-gone' };
    const call = new UpstreamCall();
    x.call = call;
    const sentAt = performance.now();
    upstream.pool.dispatch(request, call);
    try {
      const responseHead = await call.head;
      x.runtime.observer.upstreamResponded?.(upstream.name, (performance.now() - sentAt) / 1000);
      const status = responseHead.status;
      if (status === 502 || status === 503 || status === 504) breaker?.failure(clock.now());
      else breaker?.success(clock.now());
      return { kind: 'head', call, head: responseHead };
    } catch (error) {
      if (x.clientGone) return { kind: 'client-gone' };
      if (error instanceof BodyTooLargeError) return { kind: 'body-too-large' };
      if (error instanceof MethodOverrideInBodyError) return { kind: 'override-in-body' };
      const failure = classifyUpstreamError(error);
      const now = clock.now();
      breaker?.failure(now);
      x.runtime.observer.upstreamFailed(upstream.name, failure, x.requestId, error);
      // A failure that opened the breaker or made the upstream unhealthy ends the retries too.
      const again =
        (health?.healthy ?? true) &&
        retry?.shouldRetry({
          method: head.method,
          streamedBody: body !== null && !Buffer.isBuffer(body),
          failure,
          attempt,
          now,
        }) === true &&
        (breaker?.allow(now) ?? true);
      if (again) continue;
      return {
        kind: 'refused',
        code: failure === 'timeout' ? 'RAMPART_UPSTREAM_TIMEOUT' : 'RAMPART_UPSTREAM_UNAVAILABLE',
      };
    }
  }
}
