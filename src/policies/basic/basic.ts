// basic behaviour (RFC 7617): username and password from `Authorization: Basic`, only over TLS unless
// the route opts out, verified against the store's scrypt hash. Unknown users cost the same scrypt
// run as known ones, so timing does not reveal which usernames exist.
import { createHmac, randomBytes } from 'node:crypto';
import {
  type AuthnMethod,
  alreadyIdentified,
  establish,
  missingCredential,
  refuse,
  unavailable,
} from '../../identity/authn.ts';
import { createExpiringLru } from '../../identity/lru.ts';
import { DUMMY_PASSWORD_HASH, MAX_PASSWORD_LENGTH, verifyPassword } from '../../identity/passwords.ts';
import { parseDuration } from '../../lib/durations.ts';
import type { IdentityStore } from '../../store/store.ts';
import {
  CONTINUE,
  deny,
  type Identity,
  type MaybePromise,
  type PolicyContext,
  type PolicyDeps,
  type PolicyHandlers,
  type Verdict,
} from '../policy.ts';
import type { BasicConfig } from './config.ts';

const LOCATION = 'header.authorization';
const MAX_USERNAME_LENGTH = 256;

function credentials(
  header: string | undefined,
): { username: string; password: string } | 'absent' | 'malformed' {
  if (header === undefined || header.slice(0, 6).toLowerCase() !== 'basic ') return 'absent';
  if (header.length > 4 * (MAX_USERNAME_LENGTH + MAX_PASSWORD_LENGTH)) return 'malformed';
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0 || colon > MAX_USERNAME_LENGTH) return 'malformed';
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Builds the handlers; throws when the config names no store. */
export function createBasic(config: BasicConfig, deps: PolicyDeps): PolicyHandlers {
  const store: IdentityStore | undefined = deps.store;
  if (store === undefined)
    throw new Error('basic needs the identity store: add a `store:` section to the config');
  const ttl = parseDuration(config.cacheTtl);
  const cache = createExpiringLru<Identity>(config.cacheSize);
  // Cache keys are keyed MACs of the pair: a memory dump does not give a fast offline password check.
  const cacheSecret = randomBytes(32);
  const challenge = `Basic realm="${config.realm}", charset="UTF-8"`;
  const method: AuthnMethod = { method: 'basic', challenge, location: LOCATION };
  const tlsRequired = deny('RAMPART_AUTHN_TLS_REQUIRED', {
    detail: 'Use HTTPS for this authentication method.',
    reason: 'Basic credentials over plain HTTP',
    rule: 'tls-required',
    location: LOCATION,
  });

  const check = async (
    ctx: PolicyContext,
    username: string,
    password: string,
    cacheKey: string,
  ): Promise<Verdict> => {
    const fail = (rule: string, why: string) =>
      refuse(ctx, method, {
        rule,
        reason: `${why} (user ${username.slice(0, 64)})`,
        credentialId: `user:${username}`,
      });
    let found: Awaited<ReturnType<IdentityStore['findPassword']>>;
    try {
      found = await store.findPassword(username);
    } catch (error) {
      return unavailable(ctx, `identity store lookup failed: ${(error as Error).message}`, LOCATION);
    }
    const matches = await verifyPassword(password, found?.password.hash ?? DUMMY_PASSWORD_HASH);
    if (found === undefined) return fail('unknown-user', 'no such user');
    if (!matches) return fail('bad-password', 'password mismatch');
    if (!found.consumer.enabled) return fail('consumer-disabled', 'consumer disabled');
    const { consumer } = found;
    const identity: Identity = {
      consumerId: consumer.id,
      consumerName: consumer.name,
      scopes: consumer.roles,
      method: 'basic',
      claims: consumer.metadata,
    };
    if (ttl > 0) cache.set(cacheKey, identity, ctx.clock.now() + ttl);
    return establish(ctx, identity, config, `user:${username}`);
  };

  return {
    onRequest(ctx: PolicyContext): MaybePromise<Verdict> {
      if (alreadyIdentified(ctx, config, 'authorization')) return CONTINUE;
      const header = ctx.headers.authorization;
      const parsed = Array.isArray(header) ? 'malformed' : credentials(header);
      if (parsed === 'absent') {
        // Never invite a password over clear text.
        if (!ctx.secure && !config.allowInsecure) return config.optional ? CONTINUE : tlsRequired;
        return missingCredential(ctx, config, method);
      }
      if (!ctx.secure && !config.allowInsecure) return tlsRequired;
      if (parsed === 'malformed' || parsed.password.length > MAX_PASSWORD_LENGTH) {
        return refuse(ctx, method, { rule: 'malformed', reason: 'unusable Basic credentials' });
      }
      const cacheKey = createHmac('sha256', cacheSecret)
        .update(`${parsed.username}\u0000${parsed.password}`)
        .digest('base64url');
      const cached = cache.get(cacheKey, ctx.clock.now());
      if (cached !== undefined) return establish(ctx, cached, config, `user:${parsed.username}`);
      return check(ctx, parsed.username, parsed.password, cacheKey);
    },
  };
}
