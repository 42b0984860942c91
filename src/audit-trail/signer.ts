// Signs and checks audit checkpoints: HMAC-SHA256 with a shared secret, or Ed25519 with a private key
// (PEM) whose public half is enough to check. Keys come from `env:`/`file:` references.
import {
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  type KeyObject,
  sign,
  timingSafeEqual,
  verify,
} from 'node:crypto';
import { type Checkpoint, type CheckpointAlgorithm, checkpointPayload } from './record.ts';

/** Signs checkpoints (the gateway) and checks them (`audit-log verify`). */
export interface CheckpointSigner {
  readonly algorithm: CheckpointAlgorithm;
  readonly keyId: string;
  /** Undefined when only the public half of an Ed25519 key is known. */
  readonly sign: ((checkpoint: Omit<Checkpoint, 'signature'>) => string) | undefined;
  verify(checkpoint: Checkpoint): boolean;
}

/** A key that cannot sign or check checkpoints; the message never quotes the key. */
export class CheckpointKeyError extends Error {
  override readonly name = 'CheckpointKeyError';
}

const MIN_HMAC_KEY_BYTES = 32;

function hmacSigner(secret: string): CheckpointSigner {
  const key = Buffer.from(secret, 'utf8');
  if (key.length < MIN_HMAC_KEY_BYTES) {
    throw new CheckpointKeyError(`an hmac-sha256 checkpoint key needs at least ${MIN_HMAC_KEY_BYTES} bytes`);
  }
  const mac = (text: string) => createHmac('sha256', key).update(text).digest();
  const keyId = mac('rampart audit checkpoint key id').subarray(0, 8).toString('hex');
  return {
    algorithm: 'hmac-sha256',
    keyId,
    sign: (checkpoint) => mac(checkpointPayload(checkpoint)).toString('base64url'),
    verify(checkpoint) {
      const expected = mac(checkpointPayload(checkpoint));
      const given = Buffer.from(checkpoint.signature, 'base64url');
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}

function ed25519Signer(pem: string): CheckpointSigner {
  let privateKey: KeyObject | undefined;
  let publicKey: KeyObject;
  try {
    if (pem.includes('PRIVATE KEY')) {
      privateKey = createPrivateKey(pem);
      publicKey = createPublicKey(privateKey);
    } else {
      publicKey = createPublicKey(pem);
    }
  } catch {
    throw new CheckpointKeyError('the ed25519 checkpoint key is not a PEM key');
  }
  if (publicKey.asymmetricKeyType !== 'ed25519') {
    throw new CheckpointKeyError('the checkpoint key is not an Ed25519 key');
  }
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const keyId = createHash('sha256').update(spki).digest().subarray(0, 8).toString('hex');
  const signer = privateKey;
  return {
    algorithm: 'ed25519',
    keyId,
    sign:
      signer === undefined
        ? undefined
        : (checkpoint) =>
            sign(null, Buffer.from(checkpointPayload(checkpoint)), signer).toString('base64url'),
    verify(checkpoint) {
      try {
        return verify(
          null,
          Buffer.from(checkpointPayload(checkpoint)),
          publicKey,
          Buffer.from(checkpoint.signature, 'base64url'),
        );
      } catch {
        return false;
      }
    },
  };
}

/** A signer for `algorithm` over the resolved key text (an HMAC secret, or an Ed25519 PEM key). */
export function createCheckpointSigner(algorithm: CheckpointAlgorithm, key: string): CheckpointSigner {
  return algorithm === 'hmac-sha256' ? hmacSigner(key) : ed25519Signer(key);
}
