// Delivering the upstream's answer: buffered (bounded) when a response policy of the route needs the
// body, run through the response phase, then written whole or streamed as it comes.
import { cleanResponseHeaders } from './forward-headers.ts';
import type { GatewayRequest } from './request.ts';
import { classifyUpstreamError } from './upstream/upstream.ts';
import type { UpstreamCall, UpstreamHead } from './upstream/upstream-call.ts';
import type { CompiledRoute } from './version.ts';
import { isBodyless, respond, sendProblem, streamAnswer, writeAnswer } from './writer.ts';

/** Delivers the response whose head `call` received to the client of `x`. */
export async function deliver(
  x: GatewayRequest,
  route: CompiledRoute,
  call: UpstreamCall,
  head: UpstreamHead,
): Promise<void> {
  const status = head.status;
  const limit = x.version.settings.maxResponseBufferBytes;
  const wantsBody =
    route.chain.responseBody === 'always' || (route.chain.responseBody === 'errors' && status >= 500);
  let buffered: Buffer | undefined;
  let bodyTooLarge = false;
  if (wantsBody && !isBodyless(x, status)) {
    try {
      const read = await call.readAll(limit);
      if (read === 'too-large') {
        bodyTooLarge = true;
        // Policies see `bodyTooLarge` and decide (block, or let it stream); either way it is an event.
        x.flag('gateway', {
          rule: 'response-over-inspection-limit',
          location: 'response.body',
          reason: `upstream body over ${limit} bytes; not inspected`,
          severity: 'medium',
        });
      } else buffered = read;
    } catch (error) {
      if (x.clientGone) return;
      x.runtime.observer.upstreamFailed(
        route.upstream.name,
        classifyUpstreamError(error),
        x.requestId,
        error,
      );
      return sendProblem(x, 'RAMPART_UPSTREAM_ERROR');
    }
  }
  const view = {
    status,
    headers: cleanResponseHeaders(head.headers),
    body: buffered,
    local: false,
    bodyTooLarge,
  };
  const responded = respond(x, view);
  if (responded instanceof Promise ? await responded : responded) return call.discard('abort');
  if (view.body !== undefined || isBodyless(x, view.status)) {
    if (view.body === undefined) call.discard('drain');
    return writeAnswer(x, view.status, view.headers, view.body, 'upstream');
  }
  try {
    await streamAnswer(x, view, call);
  } catch (error) {
    if (!x.clientGone) {
      x.runtime.observer.upstreamFailed(
        route.upstream.name,
        classifyUpstreamError(error),
        x.requestId,
        error,
      );
    }
  }
}
