// Claims to identity: the consumer id, an optional display name, and scopes/roles from configured
// claims (a space-separated string as in RFC 8693 §4.2, or an array of strings). Bounded counts.
import type { JWTPayload } from 'jose';

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
