// What the gateway reports as it serves: one finished-request record per request, security events,
// upstream failures and changes, policy faults and reloads. Defined here, by the side that records
// them (logs, metrics), so observe/ never imports the gateway.
import type { ErrorCode } from '../errors/codes.ts';
import type { RequestFacts, SecurityEvent } from './security-event.ts';

/** A circuit breaker's state. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** What the retry budget decided about a failed attempt. */
export type RetryDecision = 'retried' | 'budget-exhausted';

/** Why an upstream exchange failed, for status, metrics and logs. */
export type UpstreamFailure = 'refused' | 'reset' | 'timeout' | 'other';

/** A change of an upstream's state, for logs and metrics; `initial` marks the state reported at start. */
export type UpstreamChange =
  | {
      readonly kind: 'circuit';
      readonly upstream: string;
      readonly state: BreakerState;
      readonly initial: boolean;
    }
  | {
      readonly kind: 'health';
      readonly upstream: string;
      readonly healthy: boolean;
      readonly initial: boolean;
    }
  | { readonly kind: 'retry'; readonly upstream: string; readonly decision: RetryDecision };

/** Everything the access log and the request metrics need about one request. */
export interface FinishedRequest {
  readonly time: number;
  readonly requestId: string;
  readonly method: string;
  readonly route: string | undefined;
  readonly path: string;
  readonly rawQuery: string;
  readonly status: number;
  readonly durationMs: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly clientIp: string;
  readonly consumerId: string | undefined;
  readonly userAgent: string | undefined;
  readonly upstream: string | undefined;
  readonly code: ErrorCode | undefined;
  readonly policy: string | undefined;
  readonly annotations: Readonly<Record<string, string | number | boolean>> | undefined;
  /** The W3C trace id, when tracing is on. */
  readonly traceId?: string | undefined;
}

/**
 * A finished request as traffic learning (the inventory) reads it: the request object itself, read at
 * once by the outlet (a few fields copied onto its queue), never kept or changed.
 */
export interface FinishedExchange {
  readonly requestId: string;
  readonly method: string;
  readonly path: string;
  readonly rawQuery: string;
  readonly status: number;
  readonly durationMs: number;
  readonly clientIp: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The request body, when a policy of the route buffered it. */
  readonly body: Buffer | undefined;
  readonly identity: { readonly consumerId: string; readonly method: string } | undefined;
  readonly route: { readonly name: string };
  /** Set when the gateway answered itself (a deny, a refusal, an upstream error): the API did not. */
  readonly code: string | undefined;
  /** The answer as the response phase left it, when the route has response policies. */
  readonly response:
    | {
        readonly status: number;
        readonly headers: Readonly<Record<string, string | string[] | number | undefined>>;
        readonly body: Buffer | undefined;
      }
    | undefined;
}

/** A security event with the request it happened in. */
export interface RequestSecurityEvent extends SecurityEvent, RequestFacts {
  readonly outcome: 'denied' | 'would-deny' | 'flagged';
  readonly requestId: string;
  readonly route: string | undefined;
  readonly clientIp: string;
  readonly consumerId: string | undefined;
  readonly time: number;
}

/** The gateway's outlet for logs, metrics and events. */
export interface GatewayObserver {
  requestStarted(): void;
  requestFinished(record: FinishedRequest): void;
  securityEvent(event: RequestSecurityEvent): void;
  upstreamFailed(upstream: string, kind: UpstreamFailure, requestId: string, error: unknown): void;
  policyFault(policy: string, requestId: string, error: unknown, failedOpen: boolean): void;
  configReloaded(result: 'success' | 'failure', detail: string): void;
  /** An upstream's circuit or health state changed, or a retry was decided (optional outlet). */
  upstreamChanged?(change: UpstreamChange): void;
  /** An upstream's response head arrived `seconds` after the request was sent (optional outlet). */
  upstreamResponded?(upstream: string, seconds: number): void;
  /** A request ended (after `requestFinished`): traffic learning's outlet, present when it is on. */
  exchangeFinished?(exchange: FinishedExchange): void;
}
