// Revoked bearer credentials (token-shield references, introspected tokens) announced to every
// instance, so per-credential caches (identity-enrich, introspection) drop what they hold for them at
// once. A credential is only ever named by its SHA-256 (base64url), never by its text.
import { createHash } from 'node:crypto';
import type { StateStore } from '../state/state.ts';

/** The state channel revoked credentials travel on. */
export const CREDENTIAL_REVOCATION_CHANNEL = 'identity:credential-revocations';

/** The name caches and notices use for a credential: its SHA-256, base64url (43 characters). */
export function credentialHash(credential: string): string {
  return createHash('sha256').update(credential).digest('base64url');
}

/** Tells every instance (this one included) that the credential with this hash is revoked. */
export async function announceCredentialRevoked(state: StateStore, hash: string): Promise<void> {
  await state.publish(CREDENTIAL_REVOCATION_CHANNEL, hash);
}

/** Calls `drop(hash)` for every credential revoked anywhere; returns the function that stops it. */
export function onCredentialRevoked(state: StateStore | undefined, drop: (hash: string) => void): () => void {
  if (state === undefined) return () => {};
  return state.subscribe(CREDENTIAL_REVOCATION_CHANNEL, (message) => {
    // A hash is 43 base64url characters; anything else on the channel is ignored.
    if (message.length === 43) drop(message);
  });
}
