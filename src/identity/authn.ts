// The steps every authn policy shares: skip when an earlier method already identified the caller,
// strip spoofed identity headers and credentials from the upstream request, establish the identity
// (forwarding it upstream), and answer failures with one generic 401 and the right challenges. Each
// outcome is recorded on `ctx.authn` (absent, failed or succeeded, with the credential id), where
// later policies (brute-force, authorize) read it.
import { type Static, Type } from '@sinclair/typebox';
import { DURATION_PATTERN } from '../lib/durations.ts';
import {
  CONTINUE,
  type Deny,
  deny,
  type Identity,
  type PolicyContext,
  type Verdict,
} from '../policies/policy.ts';
import { claimAt } from './claims.ts';

const HEADER_NAME = '^[a-z0-9-]{1,64}$';

/** A duration setting (ms or "30s") with a default, for identity policy configs. */
export function durationSetting(defaultValue: string, description: string) {
  return Type.Union([Type.Number({ minimum: 0 }), Type.String({ pattern: DURATION_PATTERN })], {
    default: defaultValue,
    description,
  });
}

/** Settings every authn policy accepts (spread into its config schema). */
export const AUTHN_SETTINGS = {
  optional: Type.Boolean({
    default: false,
    description:
      'when this method finds no credential of its kind, go on instead of answering 401, so a later ' +
      'method (or `authorize`) decides; a credential that is present but wrong is always refused',
  }),
  stripCredentials: Type.Boolean({
    default: true,
    description: 'remove the credential header from the upstream request',
  }),
  forward: Type.Object(
    {
      consumerId: Type.String({ pattern: HEADER_NAME, default: 'x-consumer-id' }),
      consumerName: Type.String({ pattern: HEADER_NAME, default: 'x-consumer-name' }),
      scopes: Type.String({ pattern: HEADER_NAME, default: 'x-consumer-scopes' }),
      method: Type.String({ pattern: HEADER_NAME, default: 'x-authenticated-by' }),
      claims: Type.Record(
        Type.String({ pattern: HEADER_NAME }),
        Type.String({ pattern: '^[A-Za-z0-9_:./-]{1,128}$' }),
        {
          default: {},
          description:
            'extra headers from identity claims (JWT claims; consumer metadata for keys and passwords), ' +
            'e.g. `{ x-user-id: userId }`',
        },
      ),
    },
    {
      additionalProperties: false,
      default: {},
      description: 'upstream headers that carry the identity; the same names sent by clients are removed',
    },
  ),
};

const authnSettings = Type.Object(AUTHN_SETTINGS);
/** The shared settings' type. */
export type AuthnSettings = Static<typeof authnSettings>;

// Header values must be visible ASCII (RFC 9110 §5.5); identities from tokens may hold anything, so
// other values (and any with `%`, so two identities never map to one value) are percent-encoded.
export function headerSafe(value: string): string {
  const bounded = value.slice(0, 1024);
  for (let i = 0; i < bounded.length; i++) {
    const c = bounded.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x25) return encodeURIComponent(bounded);
  }
  return bounded;
}

/**
 * Runs first in each authn handler. Returns true when the caller is already identified (this method
 * then does nothing but strip its own credential); otherwise removes spoofed identity headers.
 */
export function alreadyIdentified(
  ctx: PolicyContext,
  settings: AuthnSettings,
  credentialHeader: string | undefined,
): boolean {
  if (
    settings.stripCredentials &&
    credentialHeader !== undefined &&
    ctx.headers[credentialHeader] !== undefined
  ) {
    ctx.removeUpstreamHeader(credentialHeader);
  }
  if (ctx.identity !== undefined) return true;
  const { forward } = settings;
  ctx.removeUpstreamHeader(forward.consumerId);
  ctx.removeUpstreamHeader(forward.consumerName);
  ctx.removeUpstreamHeader(forward.scopes);
  ctx.removeUpstreamHeader(forward.method);
  for (const header in forward.claims) ctx.removeUpstreamHeader(header);
  return false;
}

/**
 * Sets `ctx.identity`, records the success of `identity.method` with the credential it used (an id,
 * never a secret) and forwards the identity upstream in the configured headers.
 */
export function establish(
  ctx: PolicyContext,
  identity: Identity,
  settings: AuthnSettings,
  credentialId: string | undefined,
): Verdict {
  ctx.identity = identity;
  ctx.authn.succeeded(identity.method, credentialId);
  const { forward } = settings;
  ctx.setUpstreamHeader(forward.consumerId, headerSafe(identity.consumerId));
  if (identity.consumerName !== undefined) {
    ctx.setUpstreamHeader(forward.consumerName, headerSafe(identity.consumerName));
  }
  if (identity.scopes.length > 0)
    ctx.setUpstreamHeader(forward.scopes, headerSafe(identity.scopes.join(' ')));
  ctx.setUpstreamHeader(forward.method, identity.method);
  for (const header in forward.claims) {
    const value = claimAt(identity.claims ?? {}, forward.claims[header]!);
    if (typeof value === 'string' || typeof value === 'number')
      ctx.setUpstreamHeader(header, headerSafe(String(value)));
  }
  ctx.annotate('authn', identity.method);
  return CONTINUE;
}

/** What an authn policy says about itself when a credential is missing or refused. */
export interface AuthnMethod {
  /** The policy name (`api-key`, `jwt`, …), as `Identity.method` names it. */
  readonly method: string;
  /** Its `WWW-Authenticate` challenge. */
  readonly challenge: string;
  /** Where its credential is read (`header.authorization`), for events. */
  readonly location: string;
}

/**
 * No credential of this method's kind: recorded as absent with its challenge; then go on (optional)
 * or answer 401 now offering every challenge recorded on this request.
 */
export function missingCredential(ctx: PolicyContext, settings: AuthnSettings, method: AuthnMethod): Verdict {
  ctx.authn.absent(method.method, method.challenge);
  if (settings.optional) return CONTINUE;
  return deny('RAMPART_AUTHN_UNAUTHORIZED', {
    detail: 'Authentication is required.',
    reason: 'no credential presented',
    rule: 'missing',
    location: method.location,
    headers: { 'www-authenticate': ctx.authn.challengeHeader() },
  });
}

/**
 * A credential was presented and refused. The client sees one generic 401 whatever the cause (no
 * enumeration); `rule` and `reason` (never a secret: ids and prefixes only) go to the security event.
 */
export function refuse(
  ctx: PolicyContext,
  method: AuthnMethod,
  options: { rule: string; reason: string; credentialId?: string; challenge?: string },
): Deny {
  ctx.authn.failed(method.method, options.credentialId);
  return deny('RAMPART_AUTHN_UNAUTHORIZED', {
    detail: 'The credentials are not valid.',
    reason: options.reason,
    rule: options.rule,
    location: method.location,
    headers: { 'www-authenticate': options.challenge ?? method.challenge },
  });
}

/** The store or key source cannot answer: 503, never a silent pass (authn does not fail open). */
export function unavailable(ctx: PolicyContext, reason: string, location: string): Deny {
  ctx.log.warn({ requestId: ctx.requestId, reason }, 'authentication backend unavailable');
  return deny('RAMPART_AUTHN_UNAVAILABLE', {
    reason,
    rule: 'backend-unavailable',
    location,
    headers: { 'retry-after': '5' },
  });
}

/** One header value as a string; repeated fields count as malformed (undefined plus `repeated`). */
export function singleHeader(
  ctx: PolicyContext,
  name: string,
): { value: string | undefined; repeated: boolean } {
  const value = ctx.headers[name];
  if (Array.isArray(value)) return { value: undefined, repeated: true };
  return { value, repeated: false };
}
