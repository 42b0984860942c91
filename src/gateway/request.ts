// The one object a request lives in, from the first byte to the log line: what the listener parsed,
// where it was routed, what the policies decided and edited, and how it ended. It is the context every
// policy phase sees (PolicyContext, LogContext) and the reporter the pipeline tells its verdicts; the
// log phase and the access record read it as it is, nothing is copied.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { ErrorCode } from '../errors/codes.ts';
import type { GatewayObserver } from '../observe/gateway-records.ts';
import type { RequestTrace, RequestTracer } from '../observe/tracing/tracer.ts';
import type {
  AuthnOutcome,
  ClientCertificate,
  Clock,
  Deny,
  HeaderMap,
  Identity,
  LogContext,
  OperationMatcher,
  PolicyLogger,
  ResponseView,
  RouteInfo,
  SecurityEvent,
} from '../policies/policy.ts';
import { AuthnRecord, OperationMemo } from '../policies/request-shared.ts';
import type { BodyCounter } from './body.ts';
import { clientCertificateOf } from './client-certificate.ts';
import { http2HasBody } from './http2-request.ts';
import type { PhaseContext, PhaseReporter } from './pipeline.ts';
import { canonicalIp, clientIpOf, isAcceptableRequestId } from './trusted-proxies.ts';
import type { UpstreamCall } from './upstream/upstream-call.ts';
import type { CompiledRoute, ConfigVersion } from './version.ts';

/** What a request reads from the running gateway. */
export interface Runtime {
  readonly current: ConfigVersion;
  readonly draining: boolean;
  readonly observer: GatewayObserver;
  /** Absent when tracing is off. */
  readonly tracer?: RequestTracer | undefined;
  readonly clock: Clock;
  readonly log: PolicyLogger;
  release(version: ConfigVersion): void;
}

/** What the gateway knows about the listener a request came in on. */
export interface ListenerFacts {
  readonly secure: boolean;
  /** The Strict-Transport-Security value this listener adds, when it has one. */
  readonly hsts: string | undefined;
  /** Answer every request with a redirect to this HTTPS port. */
  readonly redirectToHttpsPort: number | undefined;
}

const NOT_ROUTED: RouteInfo = Object.freeze({ name: '', upstream: '', pattern: '', params: {} });

/** Whether the request announces a body (chunked, or a non-zero Content-Length). */
export function hasBody(req: IncomingMessage): boolean {
  if (req.httpVersionMajor === 2) return http2HasBody(req);
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** One request through the gateway. */
export class GatewayRequest implements LogContext, PhaseContext, PhaseReporter {
  readonly started = performance.now();
  readonly runtime: Runtime;
  readonly version: ConfigVersion;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly listener: ListenerFacts;
  readonly requestId: string;
  method: string;
  rawUrl: string;
  readonly headers: Readonly<HeaderMap>;
  readonly clientIp: string;
  /** The TCP peer (IPv4-mapped IPv6 written as IPv4). */
  readonly peerIp: string;
  readonly peerTrusted: boolean;
  secure: boolean;
  readonly contentLength: number | undefined;
  readonly clock: Clock;
  readonly log: PolicyLogger;
  /** The request's trace; absent when tracing is off. */
  readonly trace: RequestTrace | undefined;

  // Routing: set once the router matched.
  path: string;
  rawQuery = '';
  matched: CompiledRoute | undefined = undefined;
  route: RouteInfo = NOT_ROUTED;

  // What policies decide and edit.
  identity: Identity | undefined = undefined;
  body: Buffer | undefined = undefined;
  response: ResponseView | undefined = undefined;
  upstreamEdits: Array<[name: string, value: string | undefined]> | undefined = undefined;
  upstreamQueryRemovals: string[] | undefined = undefined;
  annotations: Record<string, string | number | boolean> | undefined = undefined;
  /** The policy whose handler runs now, so flags are attributed to it. */
  currentPolicy = '';
  policyStates: unknown[] | undefined = undefined;

  // How it ends.
  status = 0;
  /** The code of the gateway's own answer (a deny, a refusal, an upstream error). */
  code: ErrorCode | undefined = undefined;
  /** The policy whose deny decided the answer. */
  policy: string | undefined = undefined;
  durationMs = 0;
  bytesIn = 0;
  bytesOut = 0;
  finished = false;
  /** The client closed before its answer was complete. */
  clientGone = false;
  /** The upstream failed after the answer's head was sent, so the gateway cut the client's body short. */
  upstreamBroke = false;
  /** The connection must close after this answer (framing in doubt, a timed-out body). */
  mustClose = false;
  call: UpstreamCall | undefined = undefined;
  bodyCounter: BodyCounter | undefined = undefined;
  /** The upstream body went to the client as it came (bytes out are counted by the call). */
  streamed = false;
  /** The connection became a WebSocket (101): it ends when the session closes, not as a 499. */
  upgraded = false;

  #query: URLSearchParams | undefined = undefined;
  #authn: AuthnRecord | undefined = undefined;
  #operations: OperationMemo | undefined = undefined;
  #clientCertificate: ClientCertificate | undefined | null = null;

  constructor(runtime: Runtime, req: IncomingMessage, res: ServerResponse, listener: ListenerFacts) {
    this.runtime = runtime;
    this.version = runtime.current;
    this.req = req;
    this.res = res;
    this.listener = listener;
    this.clock = runtime.clock;
    this.log = runtime.log;
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
    this.method = req.method ?? 'GET';
    this.rawUrl = req.url ?? '';
    this.path = this.rawUrl;
    this.headers = req.headers;
    this.secure = listener.secure;
    const declared = req.headers['content-length'];
    this.contentLength = declared === undefined ? undefined : Number(declared);
    this.trace =
      runtime.tracer === undefined
        ? undefined
        : runtime.tracer.start({
            traceparent: req.headers.traceparent,
            tracestate: req.headers.tracestate,
            trusted: this.peerTrusted,
            method: this.method,
            requestId: this.requestId,
            clientIp: this.clientIp,
          });
  }

  /**
   * Forward-auth: the request the policies judge is the one a proxy describes (its method, target and
   * scheme), not the authorization request itself (src/gateway/forward-auth.ts).
   */
  judge(method: string, rawUrl: string, secure: boolean | undefined): void {
    this.method = method;
    this.rawUrl = rawUrl;
    this.path = rawUrl;
    if (secure !== undefined) this.secure = secure;
  }

  /** Records where the router sent the request. */
  routeTo(route: CompiledRoute, params: Readonly<Record<string, string | undefined>>): void {
    this.matched = route;
    this.route = { name: route.name, upstream: route.upstream.name, pattern: route.pattern, params };
    this.trace?.routed(route.name, route.pattern);
  }

  get headerFieldCount(): number {
    return this.req.rawHeaders.length / 2;
  }

  get clientCertificate(): ClientCertificate | undefined {
    if (this.#clientCertificate === null) {
      this.#clientCertificate = this.secure ? clientCertificateOf(this.req.socket) : undefined;
    }
    return this.#clientCertificate;
  }

  get query(): URLSearchParams {
    this.#query ??= new URLSearchParams(this.rawQuery);
    return this.#query;
  }

  get authn(): AuthnOutcome {
    this.#authn ??= new AuthnRecord();
    return this.#authn;
  }

  get errorCode(): ErrorCode | undefined {
    return this.code;
  }

  matchOperation<M>(index: OperationMatcher<M>): M {
    this.#operations ??= new OperationMemo();
    return this.#operations.match(index, this.method, this.path);
  }

  setUpstreamHeader(name: string, value: string): void {
    this.upstreamEdits ??= [];
    this.upstreamEdits.push([name.toLowerCase(), value]);
  }

  removeUpstreamHeader(name: string): void {
    this.upstreamEdits ??= [];
    this.upstreamEdits.push([name.toLowerCase(), undefined]);
  }

  removeUpstreamQueryParam(name: string): void {
    this.upstreamQueryRemovals ??= [];
    this.upstreamQueryRemovals.push(name);
  }

  annotate(key: string, value: string | number | boolean): void {
    this.annotations ??= {};
    this.annotations[key] = value;
  }

  /** A flag from the running policy (a security event that does not decide the request). */
  emit(event: Omit<SecurityEvent, 'policy'>): void {
    this.flag(this.currentPolicy, event);
  }

  flag(policy: string, event: Omit<SecurityEvent, 'policy'>): void {
    this.trace?.verdict(policy, 'flagged', event.code, event.rule);
    this.runtime.observer.securityEvent({
      ...event,
      policy,
      outcome: 'flagged',
      requestId: this.requestId,
      route: this.matched?.name,
      clientIp: this.clientIp,
      consumerId: this.identity?.consumerId,
      time: this.clock.now(),
      method: this.method,
      path: this.path,
      traceId: this.trace?.traceId,
    });
  }

  denied(policy: string, verdict: Deny): void {
    this.#verdictEvent('denied', policy, verdict);
  }

  wouldDeny(policy: string, verdict: Deny): void {
    this.#verdictEvent('would-deny', policy, verdict);
  }

  fault(policy: string, error: unknown, failedOpen: boolean): void {
    this.runtime.observer.policyFault(policy, this.requestId, error, failedOpen);
  }

  #verdictEvent(outcome: 'denied' | 'would-deny', policy: string, verdict: Deny): void {
    this.trace?.verdict(policy, outcome, verdict.code, verdict.rule);
    this.runtime.observer.securityEvent({
      policy,
      code: verdict.code,
      ...(verdict.rule === undefined ? {} : { rule: verdict.rule }),
      ...(verdict.location === undefined ? {} : { location: verdict.location }),
      ...(verdict.reason === undefined ? {} : { reason: verdict.reason }),
      ...(this.#authn?.failure?.credentialId === undefined || !verdict.code.startsWith('RAMPART_AUTHN_')
        ? {}
        : { credential: this.#authn.failure.credentialId }),
      outcome,
      requestId: this.requestId,
      route: this.matched?.name,
      clientIp: this.clientIp,
      consumerId: this.identity?.consumerId,
      time: this.clock.now(),
      method: this.method,
      path: this.path,
      traceId: this.trace?.traceId,
    });
  }
}
