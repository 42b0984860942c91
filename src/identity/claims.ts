// Claims to identity: the consumer id, an optional display name, and scopes/roles from configured
// claims (a space-separated string as in RFC 8693 §4.2, or an array of strings). Bounded counts.
import type { JWTPayload } from 'jose';
import type { Identity } from '../policies/policy.ts';

const MAX_SCOPES = 256;

/** Reads a dotted claim path (`realm_access.roles`); a literal key with dots wins (`https://x/roles`). */
export function claimAt(payload: Readonly<Record<string, unknown>>, path: string): unknown {
  if (Object.hasOwn(payload, path)) return payload[path];
  let value: unknown = payload;
  for (const segment of path.split('.', 8)) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, segment)) return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

function addScopes(into: Set<string>, value: unknown): void {
  if (typeof value === 'string') {
    for (const scope of value.split(' ')) if (scope !== '' && into.size < MAX_SCOPES) into.add(scope);
  } else if (Array.isArray(value)) {
    for (const scope of value)
      if (typeof scope === 'string' && scope !== '' && into.size < MAX_SCOPES) into.add(scope);
  }
}

/** The scopes and roles a token grants, deduplicated, in claim order. */
export function scopesOf(payload: JWTPayload, claims: readonly string[]): string[] {
  const scopes = new Set<string>();
  for (const claim of claims) addScopes(scopes, claimAt(payload, claim));
  return [...scopes];
}

/** How a token's claims become an identity (jwt, introspection, token-shield). */
export interface ClaimMapping {
  readonly consumerClaim: string;
  readonly nameClaim?: string | undefined;
  /** Claims read as scopes and roles, in order. */
  readonly scopeClaims: readonly string[];
}

const MAX_CONSUMER_ID = 256;

/**
 * The identity `claims` describe, or undefined when the consumer claim is missing, empty, too long or
 * not a string (a number is taken as its decimal text: some APIs use numeric user ids).
 */
export function identityFromClaims(
  claims: Readonly<Record<string, unknown>>,
  mapping: ClaimMapping,
  method: string,
): Identity | undefined {
  const raw = claimAt(claims, mapping.consumerClaim);
  const consumerId = typeof raw === 'number' && Number.isSafeInteger(raw) ? String(raw) : raw;
  if (typeof consumerId !== 'string' || consumerId === '' || consumerId.length > MAX_CONSUMER_ID)
    return undefined;
  const name = mapping.nameClaim === undefined ? undefined : claimAt(claims, mapping.nameClaim);
  const scopes = scopesOf(claims, mapping.scopeClaims);
  return typeof name === 'string'
    ? { consumerId, consumerName: name, scopes, method, claims }
    : { consumerId, scopes, method, claims };
}
