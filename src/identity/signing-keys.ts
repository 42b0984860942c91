// Request-signing keys per consumer (hmac-signature, RFC 9421), shared by the CLI and the admin API:
// an hmac-sha256 secret is generated here and shown once; an ed25519 public key is supplied by the
// signer (who keeps the private key). Only the public view ever leaves this module after issue.
import { createPublicKey, randomBytes } from 'node:crypto';
import type { Consumer, IdentityStore, SigningAlgorithm, SigningKeyRecord } from '../store/store.ts';

/** Ids of stored signing keys: `sig_` + 16 base64url characters (96 random bits; not secret). */
export const SIGNING_KEY_ID_PATTERN = /^sig_[A-Za-z0-9_-]{16}$/;
/** Random bytes of a generated hmac-sha256 secret (256 bits, as long as the hash). */
const HMAC_SECRET_BYTES = 32;

/** A signing key just issued: the secret (hmac only, shown once) and what was stored. */
export interface IssuedSigningKey {
  /** base64url of the hmac-sha256 secret; undefined for ed25519. */
  readonly secret: string | undefined;
  readonly record: SigningKeyRecord;
}

/** What a signing key looks like in lists and API answers: never the material. */
export interface SigningKeyView {
  readonly keyid: string;
  readonly consumerId: string;
  readonly algorithm: SigningAlgorithm;
  readonly createdAt: string;
  readonly revokedAt: string | null;
  readonly status: 'active' | 'revoked';
}

/** Why a signing-key operation could not be done (unknown key, bad public key). */
export class SigningKeyError extends Error {
  override readonly name = 'SigningKeyError';
}

/** The public view of a signing key. */
export function viewSigningKey(record: SigningKeyRecord): SigningKeyView {
  return {
    keyid: record.id,
    consumerId: record.consumerId,
    algorithm: record.algorithm,
    createdAt: new Date(record.createdAt).toISOString(),
    revokedAt: record.revokedAt === undefined ? null : new Date(record.revokedAt).toISOString(),
    status: record.revokedAt !== undefined ? 'revoked' : 'active',
  };
}

/** The SPKI DER of an ed25519 public key given as PEM; throws SigningKeyError on anything else. */
export function ed25519PublicKeyDer(pem: string): Uint8Array {
  let key: ReturnType<typeof createPublicKey>;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new SigningKeyError('the public key is not a PEM public key');
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new SigningKeyError('the public key is not ed25519');
  return new Uint8Array(key.export({ type: 'spki', format: 'der' }));
}

/** Issues a signing key for `consumer`: a fresh secret (hmac-sha256) or the given public key (ed25519). */
export async function issueSigningKey(
  store: IdentityStore,
  consumer: Consumer,
  options: { now: number; algorithm: SigningAlgorithm; publicKeyPem?: string | undefined },
): Promise<IssuedSigningKey> {
  let material: Uint8Array;
  let secret: string | undefined;
  if (options.algorithm === 'hmac-sha256') {
    // The HMAC key is the secret's text as printed (its ASCII bytes), as for `env:` secrets in the config.
    secret = randomBytes(HMAC_SECRET_BYTES).toString('base64url');
    material = new Uint8Array(Buffer.from(secret, 'utf8'));
  } else {
    if (options.publicKeyPem === undefined) throw new SigningKeyError('ed25519 needs a public key (PEM)');
    material = ed25519PublicKeyDer(options.publicKeyPem);
  }
  const record: SigningKeyRecord = {
    id: `sig_${randomBytes(12).toString('base64url')}`,
    consumerId: consumer.id,
    algorithm: options.algorithm,
    material,
    createdAt: options.now,
    revokedAt: undefined,
  };
  await store.insertSigningKey(record);
  return { secret, record };
}

/** Revokes signing key `id` now; gateways refuse it within their key cache TTL (at once via the state). */
export async function revokeSigningKey(store: IdentityStore, id: string, now: number): Promise<void> {
  const found = await store.findSigningKey(id);
  if (found === undefined) throw new SigningKeyError(`no signing key ${id}`);
  if (found.key.revokedAt !== undefined) throw new SigningKeyError(`signing key ${id} is revoked`);
  await store.revokeSigningKey(id, now);
}
