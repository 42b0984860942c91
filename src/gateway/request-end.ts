// The end of a request, once: the client's connection closed or its answer finished. Runs the log
// phase on the request object as it is, then hands the access record to the observer and releases
// the config version the request ran on.
import { performance } from 'node:perf_hooks';
import { runLogPhase } from './pipeline.ts';
import type { GatewayRequest } from './request.ts';

/** The status the access log records for a client that left before its answer was complete. */
export const CLIENT_CLOSED_STATUS = 499;

/** Ends a request (idempotent): log phase, access record, metrics, the version's in-flight count. */
export function endRequest(x: GatewayRequest): void {
  if (x.finished) return;
  x.finished = true;
  if (!x.res.writableFinished && !x.upgraded) {
    // A body the upstream broke is the upstream's failure (502); otherwise the client left (499).
    x.clientGone = !x.upstreamBroke;
    x.status = x.upstreamBroke ? 502 : CLIENT_CLOSED_STATUS;
    x.call?.abort(new Error('client closed the connection'));
  }
  x.durationMs = performance.now() - x.started;
  if (x.bodyCounter !== undefined) x.bytesIn = x.bodyCounter.bytes;
  if (x.streamed) x.bytesOut = x.call?.bytes ?? 0;
  const chain = x.matched?.chain;
  if (chain !== undefined && chain.onLog.length > 0) runLogPhase(chain, x, x);
  x.trace?.end(x.status, x.code);
  x.runtime.observer.requestFinished({
    time: x.clock.now(),
    requestId: x.requestId,
    method: x.method,
    route: x.matched?.name,
    path: x.path,
    rawQuery: x.rawQuery,
    status: x.status,
    durationMs: x.durationMs,
    bytesIn: x.bytesIn,
    bytesOut: x.bytesOut,
    clientIp: x.clientIp,
    consumerId: x.identity?.consumerId,
    userAgent: x.req.headers['user-agent'],
    upstream: x.matched?.upstream.name,
    code: x.code,
    policy: x.policy,
    annotations: x.annotations,
    traceId: x.trace?.traceId,
  });
  x.runtime.observer.exchangeFinished?.(x);
  x.version.inFlight--;
  x.runtime.release(x.version);
}
