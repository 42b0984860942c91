// The roles a caller holds for per-role views: its scopes, `roles`/`role` claims, and `self` when the
// request's owner parameter names the caller.
import type { Identity } from '../policy.ts';

const NO_ROLES: ReadonlySet<string> = new Set();

/** Roles of `identity` (none when anonymous); `ownerId` is the object's owner when known. */
export function callerRoles(
  identity: Identity | undefined,
  ownerId: string | undefined,
): ReadonlySet<string> {
  if (identity === undefined) return NO_ROLES;
  const roles = new Set<string>(identity.scopes);
  const claims = identity.claims;
  if (claims !== undefined) {
    if (Array.isArray(claims.roles))
      for (const role of claims.roles) if (typeof role === 'string') roles.add(role);
    if (typeof claims.role === 'string') roles.add(claims.role);
  }
  if (ownerId !== undefined && ownerId === identity.consumerId) roles.add('self');
  return roles;
}
