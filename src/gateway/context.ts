// The per-request context policies see (PolicyContext), built from what the listener parsed; one
// class so every request has the same shape, with the query parsed only when a policy asks for it.
import type { ErrorCode } from '../errors/codes.ts';
import type {
  AuthnOutcome,
  ClientCertificate,
  Clock,
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

/** What the gateway knows about a request before any policy runs. */
export interface RequestFacts {
  readonly requestId: string;
  readonly method: string;
  readonly rawUrl: string;
  readonly path: string;
  readonly rawQuery: string;
  readonly headers: Readonly<HeaderMap>;
  readonly headerFieldCount: number;
  readonly clientIp: string;
  readonly secure: boolean;
  readonly clientCertificate: ClientCertificate | undefined;
  readonly route: RouteInfo;
  readonly contentLength: number | undefined;
}

/** Receives the flags a policy emits while it runs. */
export type FlagSink = (policy: string, event: Omit<SecurityEvent, 'policy'>) => void;

/** The context of one request through one route's chain. */
export class RequestContext implements LogContext {
  readonly requestId: string;
  readonly method: string;
  readonly rawUrl: string;
  readonly path: string;
  readonly rawQuery: string;
  readonly headers: Readonly<HeaderMap>;
  readonly headerFieldCount: number;
  readonly clientIp: string;
  readonly secure: boolean;
  readonly clientCertificate: ClientCertificate | undefined;
  readonly route: RouteInfo;
  readonly contentLength: number | undefined;
  readonly clock: Clock;
  readonly log: PolicyLogger;
  identity: Identity | undefined = undefined;
  body: Buffer | undefined = undefined;
  response: ResponseView | undefined = undefined;
  status = 0;
  errorCode: ErrorCode | undefined = undefined;
  durationMs = 0;
  /** The policy whose handler runs now, so flags are attributed to it. */
  currentPolicy = '';
  upstreamEdits: Array<[name: string, value: string | undefined]> | undefined = undefined;
  annotations: Record<string, string | number | boolean> | undefined = undefined;
  /** Query parameter names policies removed from the upstream URL. */
  upstreamQueryRemovals: string[] | undefined = undefined;
  /** Each chain link's per-request state, by link position (created on first use). */
  policyStates: unknown[] | undefined = undefined;
  #query: URLSearchParams | undefined;
  #authn: AuthnRecord | undefined;
  #operations: OperationMemo | undefined;
  readonly #flag: FlagSink;

  constructor(facts: RequestFacts, clock: Clock, log: PolicyLogger, flag: FlagSink) {
    this.requestId = facts.requestId;
    this.method = facts.method;
    this.rawUrl = facts.rawUrl;
    this.path = facts.path;
    this.rawQuery = facts.rawQuery;
    this.headers = facts.headers;
    this.headerFieldCount = facts.headerFieldCount;
    this.clientIp = facts.clientIp;
    this.secure = facts.secure;
    this.clientCertificate = facts.clientCertificate;
    this.route = facts.route;
    this.contentLength = facts.contentLength;
    this.clock = clock;
    this.log = log;
    this.#flag = flag;
  }

  get query(): URLSearchParams {
    this.#query ??= new URLSearchParams(this.rawQuery);
    return this.#query;
  }

  get authn(): AuthnOutcome {
    this.#authn ??= new AuthnRecord();
    return this.#authn;
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

  emit(event: Omit<SecurityEvent, 'policy'>): void {
    this.#flag(this.currentPolicy, event);
  }
}

/** Applies the policies' upstream header edits after the gateway's own header work. */
export function applyUpstreamEdits(headers: HeaderMap, edits: RequestContext['upstreamEdits']): void {
  if (edits === undefined) return;
  for (const [name, value] of edits) {
    if (value === undefined) delete headers[name];
    else headers[name] = value;
  }
}

/**
 * The raw query without the parameters policies removed. Names are decoded as URLSearchParams does
 * (so as the policy read them, `+` and percent escapes included); the other pairs are kept as sent.
 */
export function upstreamQuery(rawQuery: string, removals: readonly string[] | undefined): string {
  if (removals === undefined || rawQuery === '') return rawQuery;
  const kept: string[] = [];
  for (const pair of rawQuery.split('&')) {
    const name = new URLSearchParams(pair).keys().next().value;
    if (name === undefined || !removals.includes(name)) kept.push(pair);
  }
  return kept.join('&');
}
