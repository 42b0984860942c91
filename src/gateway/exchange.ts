// One request's state from the first byte to the log line (Exchange), and the facts the request path
// reads from the running gateway and its listener.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { ErrorCode } from '../errors/codes.ts';
import type { Clock, Deny, PolicyLogger } from '../policies/policy.ts';
import type { BodyCounter } from './body.ts';
import type { RequestContext } from './context.ts';
import type { GatewayObserver } from './observer.ts';
import { type PhaseReporter, runLogPhase } from './pipeline.ts';
import { canonicalIp, clientIpOf, isAcceptableRequestId } from './trusted-proxies.ts';
import type { UpstreamCall } from './upstream-call.ts';
import type { CompiledRoute, ConfigVersion } from './version.ts';

/** What the handler reads from the running gateway. */
export interface Runtime {
  readonly current: ConfigVersion;
  readonly draining: boolean;
  readonly observer: GatewayObserver;
  readonly clock: Clock;
  readonly log: PolicyLogger;
  release(version: ConfigVersion): void;
}

/** What the handler knows about the listener a request came in on. */
export interface ListenerFacts {
  readonly secure: boolean;
  /** The Strict-Transport-Security value this listener adds, when it has one. */
  readonly hsts: string | undefined;
  /** Answer every request with a redirect to this HTTPS port. */
  readonly redirectToHttpsPort: number | undefined;
}

export const BODYLESS_STATUS = new Set([204, 304]);

export function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** Per-request state from the first byte to the log line. */
export class Exchange implements PhaseReporter {
  readonly started = performance.now();
  readonly requestId: string;
  readonly clientIp: string;
  /** The TCP peer (IPv4-mapped IPv6 written as IPv4). */
  readonly peerIp: string;
  readonly peerTrusted: boolean;
  route: CompiledRoute | undefined;
  ctx: RequestContext | undefined;
  path: string;
  rawQuery = '';
  status = 0;
  code: ErrorCode | undefined;
  policy: string | undefined;
  bytesIn = 0;
  bytesOut = 0;
  finished = false;
  /** The client closed before its answer was complete. */
  clientGone = false;
  /** The upstream failed after the answer's head was sent, so the gateway cut the client's body short. */
  upstreamBroke = false;
  call: UpstreamCall | undefined = undefined;
  bodyCounter: BodyCounter | undefined = undefined;
  /** The upstream body went to the client as it came (bytes out are counted by the call). */
  streamed = false;
  readonly runtime: Runtime;
  readonly version: ConfigVersion;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly listener: ListenerFacts;

  constructor(runtime: Runtime, req: IncomingMessage, res: ServerResponse, listener: ListenerFacts) {
    this.runtime = runtime;
    this.version = runtime.current;
    this.req = req;
    this.res = res;
    this.listener = listener;
    const { settings, trustedProxies } = this.version;
    const peer = req.socket.remoteAddress ?? '';
    this.peerIp = canonicalIp(peer);
    this.peerTrusted = trustedProxies.has(this.peerIp);
    const incoming = req.headers[settings.requestIdHeader];
    this.requestId =
      this.peerTrusted && typeof incoming === 'string' && isAcceptableRequestId(incoming)
        ? incoming
        : randomUUID();
    this.clientIp = clientIpOf(peer, req.headers['x-forwarded-for'], trustedProxies);
    this.path = req.url ?? '';
  }

  denied(policy: string, verdict: Deny): void {
    this.event('denied', policy, verdict);
  }

  wouldDeny(policy: string, verdict: Deny): void {
    this.event('would-deny', policy, verdict);
  }

  fault(policy: string, error: unknown, failedOpen: boolean): void {
    this.runtime.observer.policyFault(policy, this.requestId, error, failedOpen);
  }

  flag(policy: string, event: Parameters<RequestContext['emit']>[0]): void {
    this.runtime.observer.securityEvent({
      ...event,
      policy,
      outcome: 'flagged',
      requestId: this.requestId,
      route: this.route?.name,
      clientIp: this.clientIp,
      consumerId: this.ctx?.identity?.consumerId,
      time: this.runtime.clock.now(),
    });
  }

  event(outcome: 'denied' | 'would-deny', policy: string, verdict: Deny): void {
    this.runtime.observer.securityEvent({
      policy,
      code: verdict.code,
      ...(verdict.rule === undefined ? {} : { rule: verdict.rule }),
      ...(verdict.location === undefined ? {} : { location: verdict.location }),
      ...(verdict.reason === undefined ? {} : { reason: verdict.reason }),
      outcome,
      requestId: this.requestId,
      route: this.route?.name,
      clientIp: this.clientIp,
      consumerId: this.ctx?.identity?.consumerId,
      time: this.runtime.clock.now(),
    });
  }
}

/** Ends an exchange once: log phase, access record, metrics, and the version's in-flight count. */
export function finishExchange(x: Exchange): void {
  if (x.finished) return;
  x.finished = true;
  const aborted = !x.res.writableFinished;
  if (aborted) {
    x.clientGone = true;
    x.call?.abort(new Error('client closed the connection'));
  }
  const durationMs = performance.now() - x.started;
  const status = aborted ? (x.upstreamBroke ? 502 : 499) : x.status;
  const ctx = x.ctx;
  if (ctx !== undefined && x.route !== undefined && x.route.chain.onLog.length > 0) {
    ctx.status = status;
    ctx.errorCode = x.code;
    ctx.durationMs = durationMs;
    runLogPhase(x.route.chain, ctx, x);
  }
  x.runtime.observer.requestFinished({
    time: x.runtime.clock.now(),
    requestId: x.requestId,
    method: x.req.method ?? '',
    route: x.route?.name,
    path: x.path,
    rawQuery: x.rawQuery,
    status,
    durationMs,
    bytesIn: x.bodyCounter?.bytes ?? x.bytesIn,
    bytesOut: x.streamed ? (x.call?.bytes ?? 0) : x.bytesOut,
    clientIp: x.clientIp,
    consumerId: ctx?.identity?.consumerId,
    userAgent: x.req.headers['user-agent'],
    upstream: x.route?.upstream.name,
    code: x.code,
    policy: x.policy,
    annotations: ctx?.annotations,
  });
  x.version.inFlight--;
  x.runtime.release(x.version);
}
