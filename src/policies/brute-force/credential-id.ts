// The identifier of the credential a request presents, read before any authn policy checks it: an
// API key's public prefix or a Basic username. Never a secret.
import { apiKeyId, displayKeyId } from '../../identity/api-key-token.ts';
import type { PolicyContext } from '../policy.ts';

const MAX_BASIC_LENGTH = 4096;

function basicUsername(header: string): string | undefined {
  if (header.length > MAX_BASIC_LENGTH || header.slice(0, 6).toLowerCase() !== 'basic ') return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon <= 0 ? undefined : decoded.slice(0, Math.min(colon, 256));
}

/** `rmp_live_<id>` for an API key, `user:<name>` for a Basic username, else undefined. */
export function credentialIdOf(ctx: PolicyContext, apiKeyHeader: string): string | undefined {
  const key = ctx.headers[apiKeyHeader];
  if (typeof key === 'string') {
    const id = apiKeyId(key);
    if (id !== undefined) return displayKeyId(id);
  }
  const authorization = ctx.headers.authorization;
  if (typeof authorization === 'string') {
    const user = basicUsername(authorization);
    if (user !== undefined) return `user:${user}`;
  }
  return undefined;
}
