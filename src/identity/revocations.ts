// Revocation notices on the state's pub/sub: the instance that revokes a key or disables a consumer
// publishes, every instance drops its cached entries at once (the cache TTL bounds it otherwise).

/** The state channel revocation notices travel on. */
export const REVOCATION_CHANNEL = 'identity:revocations';

/** A notice: an API key or a signing key (by public id) or a whole consumer stopped being valid. */
export type RevocationNotice = {
  readonly kind: 'key' | 'signing-key' | 'consumer';
  readonly id: string;
};

/** Encodes a notice as the channel message (`key:<id>` / `signing-key:<id>` / `consumer:<id>`). */
export function encodeRevocation(notice: RevocationNotice): string {
  return `${notice.kind}:${notice.id}`;
}

/** Decodes a channel message; undefined for anything else. */
export function decodeRevocation(message: string): RevocationNotice | undefined {
  const colon = message.indexOf(':');
  const kind = message.slice(0, colon);
  const id = message.slice(colon + 1);
  if (colon === -1 || id.length === 0 || id.length > 128) return undefined;
  return kind === 'key' || kind === 'signing-key' || kind === 'consumer' ? { kind, id } : undefined;
}
