// What a security-relevant observation carries: policies produce them, the event channel records them.
import type { ErrorCode } from '../errors/codes.ts';

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
