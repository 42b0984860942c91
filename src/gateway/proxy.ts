// Forwarding a request that the request phases admitted: build the upstream request, admit its body,
// dispatch it, deliver the answer.
import { admitBody, BODY_REFUSED } from './admit-body.ts';
import { deliver } from './deliver.ts';
import { dispatch, upstreamRefusal } from './dispatch.ts';
import { refuseOverride, screenStreamedBody } from './method-override.ts';
import type { GatewayRequest } from './request.ts';
import { upstreamRequestHead } from './upstream-request.ts';
import type { CompiledRoute } from './version.ts';
import { refuseBody, sendProblem } from './writer.ts';

/** Proxies `x` to its route's upstream; `expectsContinue` when the client awaits `100 Continue`. */
export async function proxy(
  x: GatewayRequest,
  route: CompiledRoute,
  expectsContinue: boolean,
): Promise<void> {
  const head = upstreamRequestHead(x, route);
  const refusal = upstreamRefusal(route.upstream, x.clock.now());
  if (refusal !== undefined) return sendProblem(x, refusal.code, { headers: refusal.headers });
  const admitted = x.body ?? (await admitBody(x, 'stream', expectsContinue));
  if (admitted === BODY_REFUSED) return;
  // A streamed body is screened for `_method` as it passes (forms and small JSON were buffered for it).
  const body =
    admitted !== null && !Buffer.isBuffer(admitted) && !route.config.allowMethodOverride
      ? screenStreamedBody(admitted, x.req.headers['content-type'], head.headers)
      : admitted;
  if (Buffer.isBuffer(body)) head.headers['content-length'] = String(body.length);
  const outcome = await dispatch(x, route.upstream, head, body);
  switch (outcome.kind) {
    case 'head':
      x.trace?.stage('response');
      return deliver(x, route, outcome.call, outcome.head);
    case 'refused':
      return sendProblem(x, outcome.code, { headers: outcome.headers });
    case 'body-too-large':
      return refuseBody(x, route.chain.requestBodyLimit?.policy);
    case 'override-in-body':
      return refuseOverride(x);
    case 'client-gone':
      return;
  }
}
