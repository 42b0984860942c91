// API key lifecycle shared by the CLI and the admin API: issue (shown once), rotate with a grace
// period, revoke. Only hashes reach the store.
import type { ApiKeyRecord, Consumer, IdentityStore } from '../store/store.ts';
import { displayKeyId, generateApiKey } from './api-key-token.ts';

/** A key just issued: the text to show once and what was stored. */
export interface IssuedApiKey {
  readonly key: string;
  readonly record: ApiKeyRecord;
}

/** What a key looks like in lists and API answers: never the hash. */
export interface ApiKeyView {
  readonly id: string;
  readonly prefix: string;
  readonly consumerId: string;
  readonly createdAt: string;
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
  readonly replacedBy: string | null;
  readonly status: 'active' | 'expired' | 'revoked';
}

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());

/** The public view of a key record at instant `now`. */
export function viewApiKey(record: ApiKeyRecord, now: number): ApiKeyView {
  const status =
    record.revokedAt !== undefined && record.revokedAt <= now
      ? 'revoked'
      : record.expiresAt !== undefined && record.expiresAt <= now
        ? 'expired'
        : 'active';
  return {
    id: record.id,
    prefix: displayKeyId(record.id),
    consumerId: record.consumerId,
    createdAt: new Date(record.createdAt).toISOString(),
    expiresAt: iso(record.expiresAt),
    revokedAt: iso(record.revokedAt),
    replacedBy: record.replacedBy ?? null,
    status,
  };
}

/** Issues a key for `consumer`; `ttlMs` sets an expiry. */
export async function issueApiKey(
  store: IdentityStore,
  consumer: Consumer,
  options: { now: number; ttlMs?: number | undefined },
): Promise<IssuedApiKey> {
  const generated = generateApiKey();
  const record: ApiKeyRecord = {
    id: generated.id,
    consumerId: consumer.id,
    hash: generated.hash,
    createdAt: options.now,
    expiresAt: options.ttlMs === undefined ? undefined : options.now + options.ttlMs,
    revokedAt: undefined,
    replacedBy: undefined,
  };
  await store.insertApiKey(record);
  return { key: generated.key, record };
}

/** Why a lifecycle operation on a key could not be done. */
export class ApiKeyError extends Error {
  override readonly name = 'ApiKeyError';
}

async function liveKey(store: IdentityStore, id: string, now: number) {
  const found = await store.findApiKey(id);
  if (found === undefined) throw new ApiKeyError(`no key ${id}`);
  if (found.key.revokedAt !== undefined && found.key.revokedAt <= now) {
    throw new ApiKeyError(`key ${id} is revoked`);
  }
  return found;
}

/**
 * Rotates key `id`: issues a successor with the same expiry policy and keeps the old key valid for
 * `graceMs` more (never longer than it already was), so clients can switch without an outage.
 */
export async function rotateApiKey(
  store: IdentityStore,
  id: string,
  options: { now: number; graceMs: number; ttlMs?: number | undefined },
): Promise<IssuedApiKey> {
  const { key, consumer } = await liveKey(store, id, options.now);
  // Without a lifetime of its own, the successor gets the old key's: rotating never makes a key permanent.
  const lifetime = key.expiresAt === undefined ? undefined : key.expiresAt - key.createdAt;
  const issued = await issueApiKey(store, consumer, { now: options.now, ttlMs: options.ttlMs ?? lifetime });
  const graceEnd = options.now + options.graceMs;
  await store.updateApiKey(key.id, {
    expiresAt: key.expiresAt === undefined ? graceEnd : Math.min(key.expiresAt, graceEnd),
    replacedBy: issued.record.id,
  });
  return issued;
}

/** Revokes key `id` now; gateways refuse it within their key cache TTL. */
export async function revokeApiKey(store: IdentityStore, id: string, now: number): Promise<void> {
  await liveKey(store, id, now);
  await store.updateApiKey(id, { revokedAt: now });
}
