// api-key behaviour: read the key from the configured header, find its record by the public id
// (bounded cache, then the store), compare hashes in constant time, check expiry, revocation and the
// consumer, and establish the identity.
import { timingSafeEqual } from 'node:crypto';
import { apiKeyId, displayKeyId, hashApiKey } from '../../identity/api-key-token.ts';
import {
  type AuthnMethod,
  alreadyIdentified,
  establish,
  missingCredential,
  refuse,
  singleHeader,
  unavailable,
} from '../../identity/authn.ts';
import { createExpiringLru } from '../../identity/lru.ts';
import { decodeRevocation, REVOCATION_CHANNEL } from '../../identity/revocations.ts';
import { parseDuration } from '../../lib/durations.ts';
import type { ApiKeyRecord, Consumer, IdentityStore } from '../../store/store.ts';
import type { MaybePromise, PolicyContext, PolicyDeps, PolicyHandlers, Verdict } from '../policy.ts';
import type { ApiKeyConfig } from './config.ts';

type Found = { key: ApiKeyRecord; consumer: Consumer } | null;

/** Builds the handlers; throws when the config names no store. */
export function createApiKey(config: ApiKeyConfig, deps: PolicyDeps): PolicyHandlers {
  const store: IdentityStore | undefined = deps.store;
  if (store === undefined) {
    throw new Error('api-key needs the identity store: add a `store:` section to the config');
  }
  const ttl = parseDuration(config.cacheTtl);
  const cache = createExpiringLru<Found>(config.cacheSize);
  const inFlight = new Map<string, Promise<Found>>();
  const challenge = `ApiKey realm="${config.realm}", header="${config.header}"`;
  const location = `header.${config.header}`;
  const method: AuthnMethod = { method: 'api-key', challenge, location };
  const stripQuery = config.stripCredentials ? config.queryParameter : undefined;
  const unsubscribe = deps.state?.subscribe(REVOCATION_CHANNEL, (message) => {
    const notice = decodeRevocation(message);
    if (notice?.kind === 'key') cache.delete(notice.id);
    else if (notice?.kind === 'consumer') cache.clear();
  });

  const lookup = (id: string, now: number): Promise<Found> => {
    let pending = inFlight.get(id);
    if (pending === undefined) {
      pending = store.findApiKey(id).then(
        (found) => {
          inFlight.delete(id);
          const value = found ?? null;
          cache.set(id, value, now + ttl);
          return value;
        },
        (error: unknown) => {
          inFlight.delete(id);
          throw error;
        },
      );
      inFlight.set(id, pending);
    }
    return pending;
  };

  const verify = (ctx: PolicyContext, key: string, id: string, found: Found): Verdict => {
    const shown = displayKeyId(id);
    const fail = (rule: string, why: string) =>
      refuse(ctx, method, { rule, reason: `${why} (${shown})`, credentialId: shown });
    if (found === null) return fail('unknown-key', 'no such api key');
    const { key: record, consumer } = found;
    // Constant-time on the full hash, so response timing says nothing about how much of a key matched.
    if (!timingSafeEqual(hashApiKey(key), record.hash)) return fail('bad-secret', 'api key secret mismatch');
    const now = ctx.clock.now();
    if (record.revokedAt !== undefined && record.revokedAt <= now) return fail('revoked', 'api key revoked');
    if (record.expiresAt !== undefined && record.expiresAt <= now) {
      return record.replacedBy === undefined
        ? fail('expired', 'api key expired')
        : fail('rotated', 'api key rotated, grace period over');
    }
    if (!consumer.enabled) return fail('consumer-disabled', 'consumer disabled');
    return establish(
      ctx,
      {
        consumerId: consumer.id,
        consumerName: consumer.name,
        scopes: consumer.roles,
        method: 'api-key',
        claims: consumer.metadata,
      },
      config,
      shown,
    );
  };

  return {
    onRequest(ctx: PolicyContext): MaybePromise<Verdict> {
      // A key in the URL is removed before forwarding, like the header, whoever identified the caller.
      if (stripQuery !== undefined && ctx.rawQuery !== '' && ctx.query.has(stripQuery)) {
        ctx.removeUpstreamQueryParam(stripQuery);
      }
      if (alreadyIdentified(ctx, config, config.header)) return { kind: 'continue' };
      const header = singleHeader(ctx, config.header);
      if (header.repeated) {
        return refuse(ctx, method, { rule: 'malformed', reason: 'repeated api key header' });
      }
      let key = header.value;
      if (key === undefined && config.queryParameter !== undefined) {
        key = ctx.query.get(config.queryParameter) ?? undefined;
      }
      if (key === undefined || key === '') return missingCredential(ctx, config, method);
      const id = apiKeyId(key);
      if (id === undefined) return refuse(ctx, method, { rule: 'malformed', reason: 'not an api key' });
      const now = ctx.clock.now();
      const cached = cache.get(id, now);
      if (cached !== undefined) return verify(ctx, key, id, cached);
      return lookup(id, now).then(
        (found) => verify(ctx, key, id, found),
        (error: unknown) =>
          unavailable(ctx, `identity store lookup failed: ${(error as Error).message}`, location),
      );
    },
    close() {
      unsubscribe?.();
    },
  };
}
