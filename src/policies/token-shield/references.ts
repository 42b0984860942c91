// The opaque references token-shield hands out (`rst_` + 256 random bits, base64url) and how the
// upstream token behind one is kept on the shared state: under the reference's SHA-256 (so the state
// never holds a usable reference) and sealed with AES-256-GCM under a key derived from the reference
// (HKDF-SHA-256), so a dump of the state reveals no upstream token either.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { credentialHash } from '../../identity/credential-revocations.ts';

/** Every reference starts with this. */
export const REFERENCE_PREFIX = 'rst_';
/** `rst_` and 32 bytes in base64url (43 characters, no padding). */
const REFERENCE_LENGTH = REFERENCE_PREFIX.length + 43;
const INFO = 'rampart token-shield v1';

/** What a reference stands for. */
export interface ShieldedToken {
  /** The upstream's token, forwarded on protected routes. */
  readonly token: string;
  /** When the reference stops working (ms since the epoch). */
  readonly expiresAt: number;
}

/** A fresh reference: 256 bits from the CSPRNG. */
export function newReference(): string {
  return REFERENCE_PREFIX + randomBytes(32).toString('base64url');
}

/** Whether `text` has the exact shape of a reference (prefix, length, base64url alphabet). */
export function isReference(text: string): boolean {
  if (text.length !== REFERENCE_LENGTH || !text.startsWith(REFERENCE_PREFIX)) return false;
  for (let i = REFERENCE_PREFIX.length; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45 || c === 95))
      return false;
  }
  return true;
}

/** The state key a reference's token is stored under. */
export function stateKeyOf(referenceHash: string): string {
  return `tshield:${referenceHash}`;
}

/** The hash that names a reference in the state, in revocation notices and in caches. */
export function referenceHash(reference: string): string {
  return credentialHash(reference);
}

function keyOf(reference: string): Buffer {
  return Buffer.from(hkdfSync('sha256', reference, Buffer.alloc(0), INFO, 32));
}

/** Seals the token and its expiry under the reference: iv (12) | tag (16) | ciphertext, base64url. */
export function seal(reference: string, value: ShieldedToken): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyOf(reference), iv);
  const plain = Buffer.from(JSON.stringify({ t: value.token, e: value.expiresAt }), 'utf8');
  const sealed = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url');
}

/** Opens what `seal` stored; undefined when it does not open under this reference or is malformed. */
export function unseal(reference: string, stored: string): ShieldedToken | undefined {
  const bytes = Buffer.from(stored, 'base64url');
  if (bytes.length < 29) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyOf(reference), bytes.subarray(0, 12));
    decipher.setAuthTag(bytes.subarray(12, 28));
    const plain = Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
    const value = JSON.parse(plain) as { t?: unknown; e?: unknown };
    if (typeof value.t !== 'string' || typeof value.e !== 'number') return undefined;
    return { token: value.t, expiresAt: value.e };
  } catch {
    return undefined;
  }
}
