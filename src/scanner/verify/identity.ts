// The caller `rampart verify` uses: given headers, or a temporary consumer with a short-lived API key
// issued in the gateway's own store (revoked and disabled when verify ends).
import { randomBytes } from 'node:crypto';
import { issueApiKey, revokeApiKey } from '../../identity/api-keys.ts';
import type { IdentityStore } from '../../store/store.ts';

/** How long the temporary key lives if verify is killed before it can revoke it. */
const TEMPORARY_KEY_TTL_MS = 15 * 60_000;

/** Credentials for verify, and how to withdraw them. */
export interface VerifyIdentity {
  readonly headers: Readonly<Record<string, string>>;
  /** Who they belong to, for the report (never the secret). */
  readonly description: string;
  dispose(): Promise<void>;
}

/** A temporary consumer (`rampart-verify-<hex>`) with `roles` and an API key sent in `header`. */
export async function temporaryApiKey(
  store: IdentityStore,
  header: string,
  roles: readonly string[],
): Promise<VerifyIdentity> {
  const consumer = await store.createConsumer({
    name: `rampart-verify-${randomBytes(4).toString('hex')}`,
    roles,
    metadata: { purpose: 'rampart verify' },
  });
  const issued = await issueApiKey(store, consumer, { now: Date.now(), ttlMs: TEMPORARY_KEY_TTL_MS });
  return {
    headers: { [header]: issued.key },
    description: `temporary consumer ${consumer.name} (api-key, roles: ${roles.join(',') || 'none'})`,
    async dispose() {
      await revokeApiKey(store, issued.record.id, Date.now());
      await store.setConsumerEnabled(consumer.id, false);
    },
  };
}

/** Parses `Name: value` header arguments. */
export function headersOf(values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const value of values) {
    const colon = value.indexOf(':');
    if (colon < 1) throw new RangeError(`--header must be "Name: value": ${value.slice(0, 40)}`);
    out[value.slice(0, colon).trim().toLowerCase()] = value.slice(colon + 1).trim();
  }
  return out;
}
