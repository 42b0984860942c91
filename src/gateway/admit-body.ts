// Admitting a request body, the one way for both paths: buffered for the policies that need it, or
// streamed to the upstream. Either way its limit holds (a declared length over it is refused before a
// byte is read; a chunked body is counted as it passes) and `100 Continue` goes out only now, after
// the request phases admitted the request.
import type { Readable } from 'node:stream';
import { BodyCounter, BodyTooLargeError, readBounded } from './body.ts';
import { type GatewayRequest, hasBody } from './request.ts';
import { refuseBody, writeContinue } from './writer.ts';

/** The body was refused with 413 (already answered). */
export const BODY_REFUSED = Symbol('body refused');

/** What admitting produced: nothing to send, the buffered body, a stream for the upstream, or a refusal. */
export type AdmittedBody = Buffer | Readable | null | typeof BODY_REFUSED;

/**
 * Admits the body of `x`. `buffer` reads it whole into `x.body` under the smaller of the route's limit
 * and the gateway's buffering limit; `stream` hands back a readable under the route's limit.
 */
export async function admitBody(
  x: GatewayRequest,
  how: 'buffer' | 'stream',
  expectsContinue: boolean,
): Promise<AdmittedBody> {
  if (!hasBody(x.req)) return null;
  const declaredLimit = x.matched?.chain.requestBodyLimit;
  const limit =
    how === 'buffer'
      ? Math.min(declaredLimit?.bytes ?? Number.POSITIVE_INFINITY, x.version.settings.maxBufferedBodyBytes)
      : (declaredLimit?.bytes ?? Number.POSITIVE_INFINITY);
  if (x.contentLength !== undefined && x.contentLength > limit) {
    await refuseBody(x, declaredLimit?.policy);
    return BODY_REFUSED;
  }
  if (expectsContinue) writeContinue(x);
  if (how === 'buffer') {
    try {
      x.body = await readBounded(x.req, limit);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      await refuseBody(x, declaredLimit?.policy);
      return BODY_REFUSED;
    }
    x.bytesIn = x.body.length;
    return x.body;
  }
  const { req } = x;
  const declared = x.contentLength;
  if (declared !== undefined) {
    // The parser delivers exactly Content-Length bytes (no more), so there is nothing to count.
    req.once('end', () => {
      x.bytesIn = declared;
    });
    return req;
  }
  const counter = new BodyCounter(limit);
  x.bodyCounter = counter;
  // pipe() forwards neither errors nor a premature close; the upstream must not wait for the rest.
  req.once('close', () => {
    if (!req.complete) counter.destroy(new Error('client request body ended early'));
  });
  return req.pipe(counter);
}
