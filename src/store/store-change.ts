// The text form of a StoreChange, as the PostgreSQL store's NOTIFY payloads carry it:
// `key:<id>`, `signing-key:<id>`, `consumer:<id>`, `token:<revocation JSON>`.
import type { StoreChange } from './store.ts';

/** Longest id a notice names (key ids, consumer UUIDs and signing key ids are far shorter). */
const MAX_ID_LENGTH = 128;
/** Longest `jti` or subject of a token revocation notice. */
const MAX_VALUE_LENGTH = 256;

/** Parses a notice; undefined for anything malformed (a notice is never trusted to be well formed). */
export function parseStoreChange(payload: string): StoreChange | undefined {
  const colon = payload.indexOf(':');
  if (colon === -1) return undefined;
  const kind = payload.slice(0, colon);
  const rest = payload.slice(colon + 1);
  if (kind === 'key' || kind === 'signing-key' || kind === 'consumer') {
    return rest.length > 0 && rest.length <= MAX_ID_LENGTH ? { kind, id: rest } : undefined;
  }
  if (kind !== 'token') return undefined;
  try {
    const r = JSON.parse(rest) as Record<string, unknown>;
    if (r.kind !== 'jti' && r.kind !== 'subject') return undefined;
    if (typeof r.value !== 'string' || r.value === '' || r.value.length > MAX_VALUE_LENGTH) return undefined;
    const { issuedBefore, createdAt, expiresAt } = r;
    if (typeof issuedBefore !== 'number' || typeof createdAt !== 'number' || typeof expiresAt !== 'number')
      return undefined;
    return {
      kind: 'token-revocation',
      revocation: { kind: r.kind, value: r.value, issuedBefore, createdAt, expiresAt },
    };
  } catch {
    return undefined;
  }
}
