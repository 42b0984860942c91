// The contract every policy follows: one shape, named stages, verdicts. Policies decide; the
// pipeline (src/gateway/pipeline.ts) acts: it writes responses, counts metrics, emits events and
// implements the modes. Policies never see Node's request/response objects, only PolicyContext.
import type { Static, TObject, TSchema } from '@sinclair/typebox';
import type { ErrorCode } from '../errors/codes.ts';
import type { Clock } from '../lib/clock.ts';
import type { HeaderMap } from '../lib/headers.ts';
import type { StructuredLogger } from '../lib/logger.ts';
import type { SecurityEvent } from '../observe/security-event.ts';
import type { StateStore } from '../state/state.ts';
import type { IdentityStore } from '../store/store.ts';

// The shared vocabulary, re-exported so policy authors import the contract from one place.
export type { Clock, HeaderMap, SecurityEvent };
/** The structured logger policies get (pino-compatible). */
export type PolicyLogger = StructuredLogger;

/** The stages of a route's chain, in request order (ARCHITECTURE §2). */
export const STAGES = [
  'ingress',
  'authn',
  'authz',
  'traffic',
  'validation',
  'threat',
  'response',
  'observe',
] as const;
export type Stage = (typeof STAGES)[number];

/** How the pipeline treats a policy's denials: `monitor` records a would-deny and lets the request on. */
export const POLICY_MODES = ['enforce', 'monitor', 'off'] as const;
export type PolicyMode = (typeof POLICY_MODES)[number];

/** A continue verdict; a single frozen instance so returning it allocates nothing. */
export interface Continue {
  readonly kind: 'continue';
}

/** A deny verdict: the pipeline answers with the code's status as problem+json. */
export interface Deny {
  readonly kind: 'deny';
  readonly code: ErrorCode;
  /** Client-safe explanation; never the matched payload. */
  readonly detail?: string;
  /** Internal reason for logs and security events only. */
  readonly reason?: string;
  /** Extra response headers (`Allow`, `Retry-After`, `WWW-Authenticate`, …). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Client-safe members added to the problem document (e.g. violations). */
  readonly extensions?: Readonly<Record<string, unknown>>;
  /** Where in the request the problem is (`header.user-agent`, `body.user.name`), for events. */
  readonly location?: string;
  /** Rule id that decided, for events and metrics (bounded set per policy). */
  readonly rule?: string;
  /** Response phase only: the status to answer with instead of the code's (e.g. keep a sanitized 503). */
  readonly status?: number;
  /**
   * The gateway answers in the upstream's place and nothing was refused (a CORS preflight): no
   * security event, no rejection metric, and `monitor` mode does not turn it into a pass.
   */
  readonly answer?: boolean;
}

export type Verdict = Continue | Deny;
export type MaybePromise<T> = T | Promise<T>;

export const CONTINUE: Continue = Object.freeze({ kind: 'continue' });

/** Builds a deny verdict. */
export function deny(code: ErrorCode, details: Omit<Deny, 'kind' | 'code'> = {}): Deny {
  return { kind: 'deny', code, ...details };
}

/** Who is calling, once an authn policy established it. */
export interface Identity {
  readonly consumerId: string;
  readonly consumerName?: string;
  readonly scopes: readonly string[];
  readonly method: string;
  readonly claims?: Readonly<Record<string, unknown>>;
  /** Members the upstream said about this caller (`identity-enrich`), for rules such as `enriched.role`. */
  readonly enriched?: Readonly<Record<string, unknown>>;
  /**
   * The credential the upstream knows this caller by, when an authn policy forwards another one than
   * the client sent (token-shield's upstream token). Never logged; `identity-enrich` presents it when it
   * asks the upstream on the caller's behalf.
   */
  readonly upstreamCredential?: { readonly header: string; readonly value: string };
}

/** What a policy may know about the route it runs on. */
export interface RouteInfo {
  readonly name: string;
  readonly upstream: string;
  /** The route's path pattern as configured (bounded label for metrics). */
  readonly pattern: string;
  /** Path parameters matched by the router. */
  readonly params: Readonly<Record<string, string | undefined>>;
}

/** The client's TLS certificate, when the listener asked for one (mTLS). */
export interface ClientCertificate {
  /** Whether the chain verified against the listener's configured CA. */
  readonly authorized: boolean;
  /** Subject fields, e.g. `{ CN: 'svc-a', O: 'Example' }`. */
  readonly subject: Readonly<Record<string, string | string[]>>;
  /** Subject alternative names as Node formats them: `DNS:a.example, URI:spiffe://…, IP Address:…`. */
  readonly subjectAltName: string | undefined;
  /** SHA-256 fingerprint, colon-separated upper-case hex. */
  readonly fingerprint256: string;
  readonly serialNumber: string;
  readonly validTo: string;
}

/** The upstream response as response-phase policies see it. */
export interface ResponseView {
  status: number;
  /** Mutable, lower-case names. Removing a key removes the header. */
  headers: HeaderMap;
  /** The buffered body, present only when a policy of the route declared `needs.responseBody`. */
  body: Buffer | undefined;
  /** Whether the gateway wrote this response itself (a deny or an upstream error), not the upstream. */
  readonly local: boolean;
  /**
   * The upstream body was larger than the gateway buffers (`server.maxBufferedBodyBytes`): `body` is
   * undefined and the body streams to the client uninspected unless a policy denies the response.
   */
  readonly bodyTooLarge?: boolean;
}

/** The narrow per-request context every phase handler receives. */
export interface PolicyContext {
  readonly requestId: string;
  readonly method: string;
  /** The request target exactly as received (path and query, not normalized); for length limits. */
  readonly rawUrl: string;
  /** The normalized path (dot segments resolved, duplicate slashes merged, unreserved escapes decoded). */
  readonly path: string;
  /** The raw query string without `?` (may be empty). */
  readonly rawQuery: string;
  readonly query: URLSearchParams;
  /** Request headers, lower-case names, as received (hop-by-hop ones included). */
  readonly headers: Readonly<HeaderMap>;
  /** How many header fields the request carried on the wire (repeated fields counted each time). */
  readonly headerFieldCount: number;
  /** The client address: the peer, or the first untrusted hop of X-Forwarded-For behind trusted proxies. */
  readonly clientIp: string;
  /** Whether the client reached the gateway over TLS. */
  readonly secure: boolean;
  /** The client certificate presented on this connection (mTLS listeners only). */
  readonly clientCertificate: ClientCertificate | undefined;
  readonly route: RouteInfo;
  /** The request body, present only when a policy of the route declared `needs.requestBody`. */
  readonly body: Buffer | undefined;
  /** The declared request body length (Content-Length), or undefined when chunked or absent. */
  readonly contentLength: number | undefined;
  identity: Identity | undefined;
  /** Present in the response phase only. */
  readonly response: ResponseView | undefined;
  /** Header edits applied to the upstream request after hop-by-hop removal (so never stripped by it). */
  setUpstreamHeader(name: string, value: string): void;
  removeUpstreamHeader(name: string): void;
  /**
   * Removes every query parameter with this (decoded) name from the upstream URL; others stay
   * byte-exact (e.g. a credential a route allows in the query never reaches the upstream).
   */
  removeUpstreamQueryParam(name: string): void;
  /** Attaches a value to the access log line (`annotations`). */
  annotate(key: string, value: string | number | boolean): void;
  /** Records a security event that does not decide the request (a flag). */
  emit(event: Omit<SecurityEvent, 'policy'>): void;
  /**
   * What the authn policies of this request found, in chain order: every method tried, its result and
   * credential id, and the challenges of methods whose credential was absent. Later stages (brute-force,
   * authorize, login guards) read it here; nothing is passed between policies any other way.
   */
  readonly authn: AuthnOutcome;
  /**
   * Matches this request against an operation index once: the first call computes `index.match(method,
   * path)`, later calls with the same index (another policy of the route on the same spec) return it.
   */
  matchOperation<M>(index: OperationMatcher<M>): M;
  readonly clock: Clock;
  readonly log: PolicyLogger;
}

/** Anything that finds the operation of a method and normalized path (an OpenAPI operation index). */
export interface OperationMatcher<M> {
  match(method: string, path: string): M;
}

/** One authentication method's attempt on this request. */
export interface AuthnAttempt {
  /** The policy name (`api-key`, `jwt`, …). */
  readonly method: string;
  /** `absent`: no credential of its kind; `failed`: one was presented and refused. */
  readonly result: 'absent' | 'failed' | 'succeeded';
  /** Which credential (key prefix, username, kid, subject; never a secret). */
  readonly credentialId: string | undefined;
}

/** The shared authentication outcome of one request (Kong's `kong.ctx.shared`, typed). */
export interface AuthnOutcome {
  readonly attempts: readonly AuthnAttempt[];
  /** The challenges of methods that found no credential, in chain order, without repeats. */
  readonly challenges: readonly string[];
  /** The last refused attempt, when a credential was presented and refused. */
  readonly failure: AuthnAttempt | undefined;
  /** Records that `method` found no credential of its kind; its challenge joins the final 401. */
  absent(method: string, challenge: string): void;
  /** Records that `method` refused the credential `credentialId`. */
  failed(method: string, credentialId: string | undefined): void;
  /** Records that `method` established the identity. */
  succeeded(method: string, credentialId: string | undefined): void;
  /** A `WWW-Authenticate` value: every noted challenge, then `own` when not noted already. */
  challengeHeader(own?: string): string;
}

/** What the log phase sees: the final outcome. */
export interface LogContext extends PolicyContext {
  readonly status: number;
  readonly errorCode: ErrorCode | undefined;
  readonly durationMs: number;
}

/**
 * The handlers a policy instance offers; absent phases cost nothing. `S` is the policy's own
 * per-request state (Kong's `kong.ctx.plugin`): `requestState` makes it the first time a phase of a
 * request runs, and every phase of that request gets the same value as its second argument (the
 * pipeline always passes it; a stateful policy declares the parameter required).
 */
export interface PolicyHandlers<S = unknown> {
  requestState?(): S;
  onRequest?(ctx: PolicyContext, state?: S): MaybePromise<Verdict>;
  /** Runs bottom up on the upstream (or local) response; may edit headers and a buffered body. */
  onResponse?(ctx: PolicyContext, state?: S): MaybePromise<Verdict>;
  /** Always runs, also after a deny or an upstream error; never changes the outcome. */
  onLog?(ctx: LogContext, state?: S): void;
  /** Overrides the definition's `needs` when they depend on this instance's config. */
  readonly needs?: PolicyNeeds;
  /** A hard limit on the request body bytes, enforced by the pipeline also for chunked bodies (413). */
  readonly requestBodyLimit?: number;
  close?(): MaybePromise<void>;
}

/** Services handed to `create`, once per config version. */
export interface PolicyDeps {
  readonly clock: Clock;
  readonly log: PolicyLogger;
  /** The config file's directory, for policies that read files relative to it. */
  readonly baseDir: string;
  /**
   * Hot state shared between instances (counters, lockouts, notices; src/state/README.md). Absent in
   * unit tests and `rampart validate`: a policy then uses a private memory store of its own.
   */
  readonly state?: StateStore;
  /** The durable identity store (consumers, credential hashes), when the config names one. */
  readonly store?: IdentityStore | undefined;
  /**
   * The configured upstreams' URLs by name (`identity-enrich` asks one by name). Absent in unit tests:
   * a policy that needs a name it cannot resolve answers 503 on the requests that need it.
   */
  readonly upstreams?: Readonly<Record<string, string>>;
  /**
   * Values built once per config version and shared by every policy of every route in it (one
   * compiled operation index per spec file, say). Absent in unit tests: build privately then.
   */
  readonly versionCache?: VersionCache;
}

/** A per-config-version memo: the first `once(key, build)` builds, later calls get the same value. */
export interface VersionCache {
  once<T>(key: string, build: () => T): T;
}

/** What a policy needs the pipeline to do for it. */
export interface PolicyNeeds {
  /** Buffer the request body (bounded) before the request phases run. */
  readonly requestBody?: boolean;
  /** Buffer the upstream response body (bounded) before the response phases run; `errors`: only for 5xx. */
  readonly responseBody?: boolean | 'errors';
}

/** A request to an admin route a policy contributes; no Node objects (the admin listener adapts them). */
export interface PolicyAdminRequest {
  readonly method: string;
  readonly path: string;
  /** The route's `:name` path parameters, decoded. */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
}

/** A JSON answer of such a route. */
export interface PolicyAdminReply {
  readonly status: number;
  readonly json: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * An admin route a policy contributes (quota's usage view). The admin listener mounts it behind its
 * token; `path` segments starting with `:` are parameters.
 */
export interface PolicyAdminRoute {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: string;
  handle(request: PolicyAdminRequest): MaybePromise<PolicyAdminReply>;
}

/**
 * A policy definition: name = folder name = config key. `H` is what `create` returns (its handlers,
 * plus whatever its admin routes read from a live instance).
 */
export interface PolicyDefinition<
  S extends TObject = TObject,
  H extends PolicyHandlers<unknown> = PolicyHandlers<unknown>,
> {
  readonly name: string;
  readonly stage: Stage;
  readonly description: string;
  /** Its config schema (TypeBox, JSON Schema at runtime); the type is inferred from it. */
  readonly config: S;
  readonly needs?: PolicyNeeds;
  /** Codes this policy can deny with; docs/errors.md must list each. */
  readonly errors: readonly ErrorCode[];
  /** Whether a fault lets the request through instead of failing closed (never for authn). */
  readonly failOpen?: boolean;
  create(config: StaticConfig<S>, deps: PolicyDeps): H;
  /**
   * Admin routes this policy contributes, mounted once. `instances` lists the policy's live instances
   * (what `create` returned for each route of the running config version) whenever a route is called.
   */
  adminRoutes?(instances: () => readonly H[]): readonly PolicyAdminRoute[];
}

/** The validated config type of a schema (defaults applied). */
export type StaticConfig<S extends TSchema> = Static<S>;

/** Declares a policy; identity function that keeps the config and instance types. */
export function definePolicy<S extends TObject, H extends PolicyHandlers<unknown> = PolicyHandlers<unknown>>(
  definition: PolicyDefinition<S, H>,
): PolicyDefinition<S, H> {
  return definition;
}
