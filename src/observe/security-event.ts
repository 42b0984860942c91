// What a security-relevant observation carries: policies produce them, the event channel records them.
import type { ErrorCode } from '../errors/codes.ts';

/** Where in the traffic an event happened, for exports (OCSF, ECS); set by the gateway when known. */
export interface RequestFacts {
  readonly method?: string | undefined;
  /** The normalized path, without the query. */
  readonly path?: string | undefined;
  /** The W3C trace id of the request, when tracing is on. */
  readonly traceId?: string | undefined;
}

/** A security-relevant observation (a deny, a would-deny or a flag). */
export interface SecurityEvent {
  readonly policy: string;
  readonly code?: ErrorCode;
  readonly rule?: string;
  readonly location?: string;
  /** Already redacted evidence, safe to log. */
  readonly evidence?: string;
  readonly reason?: string;
  readonly severity?: 'low' | 'medium' | 'high' | 'critical';
  /**
   * The credential presented and refused, when an authentication failed: a key id, a username, a
   * token subject — never the secret. Alerts group failures by it (per username, credential stuffing).
   */
  readonly credential?: string;
}
