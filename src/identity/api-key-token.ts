// API key text: a recognizable, non-secret prefix (`rmp_live_`), a public key id, and 256 random bits.
// Secret scanners find leaked keys by the prefix; logs name a key by `rmp_live_<id>` only.
import { hash, randomBytes } from 'node:crypto';

/** Every key starts with this; register it with secret scanners (e.g. GitHub push protection). */
export const API_KEY_PREFIX = 'rmp_live_';
/** Length of the public key id (base64url characters; 72 random bits, enough to never collide). */
export const API_KEY_ID_LENGTH = 12;
/** Length of the secret part: 32 random bytes in unpadded base64url (256 bits). */
export const API_KEY_SECRET_LENGTH = 43;
const KEY_LENGTH = API_KEY_PREFIX.length + API_KEY_ID_LENGTH + API_KEY_SECRET_LENGTH;

/** A new key's text (shown once) with its id and the hash that is stored. */
export interface GeneratedApiKey {
  readonly key: string;
  readonly id: string;
  readonly hash: Uint8Array;
}

/** SHA-256 of the key text: keys carry 256 random bits, so a fast hash is enough (no dictionary). */
export function hashApiKey(key: string): Uint8Array {
  return new Uint8Array(hash('sha256', key, 'buffer'));
}

/** Generates a key: `rmp_live_` + 12-character id + 43-character secret (base64url). */
export function generateApiKey(): GeneratedApiKey {
  const id = randomBytes(9).toString('base64url');
  const secret = randomBytes(32).toString('base64url');
  const key = `${API_KEY_PREFIX}${id}${secret}`;
  return { key, id, hash: hashApiKey(key) };
}

function isBase64Url(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const ok = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45 || c === 95;
    if (!ok) return false;
  }
  return true;
}

/** The public id of a well-formed key, or undefined for anything that is not one of ours. */
export function apiKeyId(key: string): string | undefined {
  if (key.length !== KEY_LENGTH || !key.startsWith(API_KEY_PREFIX)) return undefined;
  if (!isBase64Url(key.slice(API_KEY_PREFIX.length))) return undefined;
  return key.slice(API_KEY_PREFIX.length, API_KEY_PREFIX.length + API_KEY_ID_LENGTH);
}

/** How a key is named in logs and events: prefix and id, never the secret part. */
export function displayKeyId(id: string): string {
  return `${API_KEY_PREFIX}${id}`;
}
