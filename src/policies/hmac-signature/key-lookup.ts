// Where hmac-signature finds the key a `keyid` names: the config's keys first, then the identity
// store's signing keys per consumer through a bounded cache (misses cached too, concurrent misses
// share one lookup); revocation notices on the state drop cached entries at once.
import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createExpiringLru } from '../../identity/lru.ts';
import { decodeRevocation, REVOCATION_CHANNEL } from '../../identity/revocations.ts';
import { resolveSecretSync } from '../../lib/secrets.ts';
import type { StateStore } from '../../state/state.ts';
import type { IdentityStore, SigningAlgorithm } from '../../store/store.ts';
import type { Identity, MaybePromise } from '../policy.ts';
import type { SigningKeyConfig } from './config.ts';

/** A usable verification key and who it identifies. */
export interface SigningKey {
  readonly id: string;
  readonly algorithm: SigningAlgorithm;
  readonly secret: Buffer | undefined;
  readonly publicKey: KeyObject | undefined;
  readonly identity: Identity;
  /** Store keys: revocation instant and whether the consumer is enabled (config keys: always live). */
  readonly revokedAt: number | undefined;
  readonly consumerEnabled: boolean;
}

const MIN_HMAC_SECRET_BYTES = 32;

/** Loads a config key; throws at load on an unreadable key or a short secret. */
export function loadConfigKey(key: SigningKeyConfig, baseDir: string): SigningKey {
  const identity: Identity = {
    consumerId: key.consumer,
    consumerName: key.consumer,
    scopes: key.roles,
    method: 'hmac-signature',
  };
  const common = {
    id: key.id,
    algorithm: key.algorithm,
    identity,
    revokedAt: undefined,
    consumerEnabled: true,
  };
  if (key.algorithm === 'hmac-sha256') {
    if (key.secret === undefined) throw new Error(`key ${key.id}: hmac-sha256 needs secret`);
    const secret = Buffer.from(resolveSecretSync(key.secret, baseDir), 'utf8');
    if (secret.length < MIN_HMAC_SECRET_BYTES)
      throw new Error(`key ${key.id}: the secret needs at least 32 bytes`);
    return { ...common, secret, publicKey: undefined };
  }
  if (key.publicKey === undefined) throw new Error(`key ${key.id}: ed25519 needs publicKey`);
  const publicKey = createPublicKey(readFileSync(resolve(baseDir, key.publicKey)));
  if (publicKey.asymmetricKeyType !== 'ed25519') throw new Error(`key ${key.id}: not an ed25519 public key`);
  return { ...common, secret: undefined, publicKey };
}

/** Resolves a keyid: sync for config keys and cache hits, a promise on a store lookup; null: unknown. */
export interface KeyLookup {
  find(keyId: string, now: number): MaybePromise<SigningKey | null>;
  close(): void;
}

/** Builds the lookup over the config keys and (when given) the store. */
export function createKeyLookup(options: {
  keys: readonly SigningKeyConfig[];
  baseDir: string;
  store: IdentityStore | undefined;
  state: StateStore | undefined;
  cacheTtlMs: number;
  cacheSize: number;
}): KeyLookup {
  const configured = new Map(options.keys.map((key) => [key.id, loadConfigKey(key, options.baseDir)]));
  const { store } = options;
  const cache = createExpiringLru<SigningKey | null>(options.cacheSize);
  const inFlight = new Map<string, Promise<SigningKey | null>>();
  const unsubscribe = options.state?.subscribe(REVOCATION_CHANNEL, (message) => {
    const notice = decodeRevocation(message);
    if (notice?.kind === 'signing-key') cache.delete(notice.id);
    else if (notice?.kind === 'consumer') cache.clear();
  });

  const load = async (keyId: string): Promise<SigningKey | null> => {
    const found = await store!.findSigningKey(keyId);
    if (found === undefined) return null;
    const { key, consumer } = found;
    const material = Buffer.from(key.material);
    return {
      id: key.id,
      algorithm: key.algorithm,
      secret: key.algorithm === 'hmac-sha256' ? material : undefined,
      publicKey:
        key.algorithm === 'ed25519'
          ? createPublicKey({ key: material, format: 'der', type: 'spki' })
          : undefined,
      identity: {
        consumerId: consumer.id,
        consumerName: consumer.name,
        scopes: consumer.roles,
        method: 'hmac-signature',
        claims: consumer.metadata,
      },
      revokedAt: key.revokedAt,
      consumerEnabled: consumer.enabled,
    };
  };

  return {
    find(keyId, now) {
      const fromConfig = configured.get(keyId);
      if (fromConfig !== undefined) return fromConfig;
      // Store ids have one shape; anything else is unknown without a store round trip.
      if (store === undefined || !keyId.startsWith('sig_')) return null;
      const cached = cache.get(keyId, now);
      if (cached !== undefined) return cached;
      let pending = inFlight.get(keyId);
      if (pending === undefined) {
        pending = load(keyId).then(
          (value) => {
            inFlight.delete(keyId);
            cache.set(keyId, value, now + options.cacheTtlMs);
            return value;
          },
          (error: unknown) => {
            inFlight.delete(keyId);
            throw error;
          },
        );
        inFlight.set(keyId, pending);
      }
      return pending;
    },
    close() {
      unsubscribe?.();
    },
  };
}
