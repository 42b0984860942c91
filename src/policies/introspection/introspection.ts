// introspection behaviour: a Bearer token is sent to the authorization server's introspection endpoint
// (RFC 7662 §2.1, client authenticated with HTTP Basic, RFC 6749 §2.3.1); `active: true` establishes
// the identity from the answer's members, anything else is a 401. Answers are cached under the token's
// SHA-256 (bounded LRU): active ones for `cacheTtl` but never past `exp`, inactive ones briefly.
// Concurrent requests with one token share one call.
import {
  type AuthnMethod,
  alreadyIdentified,
  establish,
  missingCredential,
  refuse,
  singleHeader,
  unavailable,
} from '../../identity/authn.ts';
import { bearerToken, MAX_BEARER_LENGTH } from '../../identity/bearer.ts';
import { type ClaimMapping, identityFromClaims } from '../../identity/claims.ts';
import { credentialHash, onCredentialRevoked } from '../../identity/credential-revocations.ts';
import { callJson, ServiceUnavailableError } from '../../identity/http-json.ts';
import { createExpiringLru } from '../../identity/lru.ts';
import { parseDuration } from '../../lib/durations.ts';
import { resolveSecretSync } from '../../lib/secrets.ts';
import {
  CONTINUE,
  type Identity,
  type MaybePromise,
  type PolicyContext,
  type PolicyDeps,
  type PolicyHandlers,
  type Verdict,
} from '../policy.ts';
import type { IntrospectionConfig } from './config.ts';

const LOCATION = 'header.authorization';
const MAX_ANSWER_BYTES = 64 * 1024;

/** An introspection outcome: the identity of an active token, or why it is refused. */
type Outcome = { readonly identity: Identity } | { readonly refused: string };

interface Cached {
  readonly outcome: Outcome;
}

/** Builds the handlers; throws at load when the client secret cannot be resolved. */
export function createIntrospection(config: IntrospectionConfig, deps: PolicyDeps): PolicyHandlers {
  const secret = resolveSecretSync(config.clientSecret, deps.baseDir);
  // RFC 6749 §2.3.1: client id and secret are form-urlencoded before the Basic encoding.
  const basic = Buffer.from(
    `${encodeURIComponent(config.clientId)}:${encodeURIComponent(secret)}`,
    'utf8',
  ).toString('base64');
  const headers = {
    authorization: `Basic ${basic}`,
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  };
  const cacheTtl = parseDuration(config.cacheTtl);
  const negativeTtl = parseDuration(config.negativeCacheTtl);
  const timeoutMs = parseDuration(config.timeout);
  const cache = config.cacheSize > 0 ? createExpiringLru<Cached>(config.cacheSize) : undefined;
  const stopRevocations = onCredentialRevoked(deps.state, (hash) => cache?.delete(hash));
  const inflight = new Map<string, Promise<Outcome>>();
  const mapping: ClaimMapping = {
    consumerClaim: config.consumerClaim,
    nameClaim: config.nameClaim,
    scopeClaims: [...config.scopeClaims, ...config.roleClaims],
  };
  const challenge = `Bearer realm="${config.realm}"`;
  const invalid = `Bearer realm="${config.realm}", error="invalid_token"`;
  const method: AuthnMethod = { method: 'introspection', challenge, location: LOCATION };

  /** What the answer says about the token at `now`, and until when that may be reused. */
  const judge = (json: unknown, now: number): { outcome: Outcome; until: number } => {
    const refused = (reason: string) => ({ outcome: { refused: reason }, until: now + negativeTtl });
    if (json === null || typeof json !== 'object' || Array.isArray(json)) return refused('not-json');
    const answer = json as Record<string, unknown>;
    // RFC 7662 §2.2: `active` is required; only the boolean true means active.
    if (answer.active !== true) return refused('inactive');
    const exp = answer.exp;
    if (exp !== undefined && (typeof exp !== 'number' || exp * 1000 <= now)) return refused('expired');
    const nbf = answer.nbf;
    if (typeof nbf === 'number' && nbf * 1000 > now) return refused('not-yet-valid');
    if (config.issuer !== undefined && answer.iss !== config.issuer) return refused('wrong-issuer');
    if (config.audience !== undefined) {
      const aud = answer.aud;
      const audiences = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
      if (!audiences.some((value) => config.audience!.includes(value as string)))
        return refused('wrong-audience');
    }
    const identity = identityFromClaims(answer, mapping, 'introspection');
    if (identity === undefined) return refused('claims');
    const until = typeof exp === 'number' ? Math.min(now + cacheTtl, exp * 1000) : now + cacheTtl;
    return { outcome: { identity }, until };
  };

  const introspect = async (token: string, hash: string, now: number): Promise<Outcome> => {
    const answer = await callJson(config.endpoint, {
      method: 'POST',
      headers,
      body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
      timeoutMs,
      maxBytes: MAX_ANSWER_BYTES,
    });
    // A refusal of the gateway's own client or a server error says nothing about the token: a 503.
    if (answer.status !== 200) throw new ServiceUnavailableError(`endpoint answered ${answer.status}`);
    const { outcome, until } = judge(answer.json, now);
    cache?.set(hash, { outcome }, until);
    return outcome;
  };

  const decide = (ctx: PolicyContext, outcome: Outcome, hash: string): Verdict => {
    const credentialId = `token:${hash.slice(0, 12)}`;
    if ('refused' in outcome) {
      return refuse(ctx, method, {
        rule: outcome.refused,
        reason: `introspection refused the token: ${outcome.refused}`,
        challenge: invalid,
        credentialId,
      });
    }
    return establish(ctx, outcome.identity, config, credentialId);
  };

  const lookUp = async (ctx: PolicyContext, token: string, hash: string): Promise<Verdict> => {
    let pending = inflight.get(hash);
    if (pending === undefined) {
      pending = introspect(token, hash, ctx.clock.now()).finally(() => inflight.delete(hash));
      inflight.set(hash, pending);
    }
    try {
      return decide(ctx, await pending, hash);
    } catch (error) {
      return unavailable(ctx, `introspection unavailable: ${(error as Error).message}`, LOCATION);
    }
  };

  return {
    onRequest(ctx: PolicyContext): MaybePromise<Verdict> {
      if (alreadyIdentified(ctx, config, 'authorization')) return CONTINUE;
      const header = singleHeader(ctx, 'authorization');
      const token = bearerToken(header.value);
      if (header.repeated || (token !== undefined && token.length > MAX_BEARER_LENGTH)) {
        return refuse(ctx, method, {
          rule: 'malformed',
          reason: 'unusable authorization header',
          challenge: invalid,
        });
      }
      if (token === undefined) return missingCredential(ctx, config, method);
      const hash = credentialHash(token);
      const cached = cache?.get(hash, ctx.clock.now());
      if (cached !== undefined) return decide(ctx, cached.outcome, hash);
      return lookUp(ctx, token, hash);
    },
    close() {
      stopRevocations();
    },
  };
}
