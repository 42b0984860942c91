// jwt behaviour: a Bearer token (RFC 6750) verified by jose against the allow-listed algorithms, the
// issuer, the audience and the time claims; verified tokens cached by their SHA-256 until `exp`.
import { hash, type KeyObject } from 'node:crypto';
import { errors, type JWTPayload, jwtVerify } from 'jose';
import {
  type AuthnMethod,
  alreadyIdentified,
  establish,
  missingCredential,
  refuse,
  singleHeader,
  unavailable,
} from '../../identity/authn.ts';
import { bearerToken } from '../../identity/bearer.ts';
import { claimAt, identityFromClaims } from '../../identity/claims.ts';
import { createExpiringLru } from '../../identity/lru.ts';
import { createRevocationIndex, type TokenFacts } from '../../identity/token-revocations.ts';
import { parseDuration } from '../../lib/durations.ts';
import {
  CONTINUE,
  type Identity,
  type MaybePromise,
  type PolicyContext,
  type PolicyDeps,
  type PolicyHandlers,
  type Verdict,
} from '../policy.ts';
import type { JwtConfig } from './config.ts';
import {
  type ClaimRules,
  checkFiniteTimes,
  type FastOutcome,
  fastVerify,
  type VerifyKeys,
} from './fast-verify.ts';
import { bindKeys } from './key-binding.ts';
import { createKeySource } from './key-source.ts';

const MAX_TOKEN_LENGTH = 8192;
const MAX_CLOCK_SKEW_MS = 5 * 60_000;
const LOCATION = 'header.authorization';

/** Maps a jose failure to a rule id; undefined when the key source itself failed (a 503). */
// Refusals that stay true of a token while the config lasts (not time claims, not an unknown kid,
// which a key refresh can change); remembered for at most a minute, in case a key is replaced under
// the same kid.
const LASTING_REFUSALS = new Set(['signature', 'malformed', 'algorithm']);
const REFUSED_TOKEN_TTL_MS = 60_000;
const MAX_REFUSED_TOKENS = 10_000;

function ruleOf(error: unknown): string | undefined {
  if (error instanceof errors.JWTExpired) return 'expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf') return 'not-yet-valid';
    if (error.claim === 'iss') return 'wrong-issuer';
    if (error.claim === 'aud') return 'wrong-audience';
    if (error.claim === 'iat') return 'too-old';
    return 'claims';
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported)
    return 'algorithm';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'signature';
  if (error instanceof errors.JWKSNoMatchingKey) return 'unknown-kid';
  if (error instanceof errors.JWKSMultipleMatchingKeys) return 'ambiguous-kid';
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return 'malformed';
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) return undefined;
  if (error instanceof errors.JOSEError) return 'invalid';
  return undefined;
}

/** What a revocation can name in a verified token: its `jti`, its subject (the consumer id), its `iat`. */
function factsOf(identity: Identity): TokenFacts {
  const jti = identity.claims?.jti;
  const iat = identity.claims?.iat;
  return {
    jti: typeof jti === 'string' ? jti : undefined,
    subject: identity.consumerId,
    iat: typeof iat === 'number' ? iat : undefined,
  };
}

/** A shared secret: the one key for every token, known at once. */
function secretKeys(key: KeyObject): VerifyKeys {
  const known = { key };
  return { getKey: async () => key, knownKey: () => known };
}

/**
 * Builds the handlers; throws at load on a bad key file, a missing key source, a secret mixed with
 * public keys or algorithms of the other kind, a weak secret, a missing issuer/audience, or a skew
 * too large.
 */
export function createJwt(config: JwtConfig, deps: PolicyDeps): PolicyHandlers {
  const skewMs = parseDuration(config.clockSkew);
  if (skewMs > MAX_CLOCK_SKEW_MS) throw new Error('clockSkew: at most 5m');
  if (config.requireIssuer && config.issuer === undefined) {
    throw new Error('issuer: required (set requireIssuer: false for an API whose tokens carry no iss)');
  }
  if (config.requireAudience && config.audience === undefined) {
    throw new Error('audience: required (set requireAudience: false for an API whose tokens carry no aud)');
  }
  const binding = bindKeys(config, deps.baseDir);
  const keys: VerifyKeys =
    binding.kind === 'secret'
      ? secretKeys(binding.key)
      : createKeySource({
          issuer: config.issuer,
          jwksUrl: config.jwksUrl,
          discovery: config.discovery,
          keyFiles: config.keys,
          baseDir: deps.baseDir,
          cooldownMs: parseDuration(config.jwksCooldown),
          maxAgeMs: parseDuration(config.jwksMaxAge),
          timeoutMs: parseDuration(config.jwksTimeout),
        });
  const cacheTtl = parseDuration(config.cacheTtl);
  const cache = config.cacheSize > 0 ? createExpiringLru<Identity>(config.cacheSize) : undefined;
  // Tokens refused for what they are (a bad signature, a malformed or disallowed form), by their hash:
  // a flood of one forged token costs a hash per request, not a signature check.
  const refusedTokens =
    cache === undefined
      ? undefined
      : createExpiringLru<string>(Math.min(config.cacheSize, MAX_REFUSED_TOKENS));
  const verifyOptions = {
    ...(config.issuer === undefined ? {} : { issuer: config.issuer }),
    ...(config.audience === undefined ? {} : { audience: config.audience }),
    algorithms: [...binding.algorithms],
    clockTolerance: Math.floor(skewMs / 1000),
    ...(config.maxTokenAge === undefined
      ? {}
      : { maxTokenAge: Math.floor(parseDuration(config.maxTokenAge) / 1000) }),
    ...(config.requireExpiry ? { requiredClaims: ['exp'] } : {}),
  };
  const claimRules: ClaimRules = {
    issuer: config.issuer,
    audience: config.audience,
    algorithms: new Set(binding.algorithms),
    toleranceSec: verifyOptions.clockTolerance,
    maxTokenAgeSec: verifyOptions.maxTokenAge,
    requireExp: config.requireExpiry,
  };
  const scopeClaims = [...config.scopeClaims, ...config.roleClaims];
  const revocations = createRevocationIndex({
    store: deps.store,
    state: deps.state,
    now: () => deps.clock.now(),
    refreshMs: Math.max(100, parseDuration(config.revocationRefresh)),
    onError: (error) =>
      deps.log.warn({ err: (error as Error).message }, 'jwt: revocations could not be read from the store'),
  });
  // Which issuer's tokens were refused (an id for events, never the token or the secret).
  const credentialOfIssuer = `jwt:${config.issuer ?? (binding.kind === 'secret' ? 'shared-secret' : 'keys')}`;
  const challenge = `Bearer realm="${config.realm}"`;
  // RFC 6750 §3.1: a presented but unusable token gets error="invalid_token", whatever the cause.
  const invalidChallenge = `Bearer realm="${config.realm}", error="invalid_token"`;
  const method: AuthnMethod = { method: 'jwt', challenge, location: LOCATION };
  // A verified token's credential is its subject (the consumer it names), never the token itself.
  const accept = (ctx: PolicyContext, identity: Identity): Verdict =>
    establish(ctx, identity, config, `sub:${identity.consumerId}`);

  const mapping = { consumerClaim: config.consumerClaim, nameClaim: config.nameClaim, scopeClaims };
  const identityOf = (payload: JWTPayload): Identity | undefined => {
    const identity = identityFromClaims(payload, mapping, 'jwt');
    // The jwt policy has always taken string subjects only (a numeric `sub` breaks RFC 7519 §4.1.2).
    return typeof claimAt(payload, config.consumerClaim) === 'string' ? identity : undefined;
  };

  const revoked = (ctx: PolicyContext) =>
    refuse(ctx, method, {
      rule: 'revoked',
      reason: 'jwt revoked',
      challenge: invalidChallenge,
      credentialId: credentialOfIssuer,
    });

  const refusedFor = (ctx: PolicyContext, error: unknown, cacheKey: string | undefined, now: number) => {
    const rule = ruleOf(error);
    if (rule === undefined)
      return unavailable(ctx, `jwt keys unavailable: ${(error as Error).message}`, LOCATION);
    if (cacheKey !== undefined && LASTING_REFUSALS.has(rule)) {
      refusedTokens?.set(cacheKey, rule, now + Math.min(cacheTtl, REFUSED_TOKEN_TTL_MS));
    }
    return refuse(ctx, method, {
      rule,
      reason: `jwt refused: ${rule}`,
      challenge: invalidChallenge,
      credentialId: credentialOfIssuer,
    });
  };

  const unavailableRevocations = (ctx: PolicyContext, error: unknown) =>
    unavailable(ctx, `jwt revocations unavailable: ${(error as Error).message}`, LOCATION);

  /** Accepts a verified, unrevoked identity and remembers it until exp (without skew) or the cache TTL. */
  const conclude = (
    ctx: PolicyContext,
    identity: Identity,
    isRevoked: boolean,
    cacheKey: string | undefined,
    now: number,
  ): Verdict => {
    if (isRevoked) return revoked(ctx);
    if (cache !== undefined && cacheKey !== undefined) {
      const exp = identity.claims?.exp;
      const expiresAt = typeof exp === 'number' ? exp * 1000 : now + cacheTtl;
      cache.set(cacheKey, identity, Math.min(expiresAt, now + cacheTtl));
    }
    return accept(ctx, identity);
  };

  /** A verified token: its identity unless revoked. Synchronous unless the revocation check waits. */
  const admit = (
    ctx: PolicyContext,
    payload: JWTPayload,
    kid: string | undefined,
    cacheKey: string | undefined,
    now: number,
  ): MaybePromise<Verdict> => {
    const identity = identityOf(payload);
    if (identity === undefined) {
      return refuse(ctx, method, {
        rule: 'claims',
        reason: `jwt has no usable ${config.consumerClaim} claim (kid ${kid ?? 'none'})`,
        challenge: invalidChallenge,
      });
    }
    let isRevoked: MaybePromise<boolean>;
    try {
      isRevoked = revocations.check(factsOf(identity));
    } catch (error) {
      return unavailableRevocations(ctx, error);
    }
    if (typeof isRevoked === 'boolean') return conclude(ctx, identity, isRevoked, cacheKey, now);
    return isRevoked.then(
      (revokedNow) => conclude(ctx, identity, revokedNow, cacheKey, now),
      (error: unknown) => unavailableRevocations(ctx, error),
    );
  };

  /** jose's general path, for what the fast path hands over. */
  const verifyWithJose = async (
    ctx: PolicyContext,
    token: string,
    cacheKey: string | undefined,
    now: number,
  ): Promise<Verdict> => {
    let result: Awaited<ReturnType<typeof jwtVerify>>;
    try {
      result = await jwtVerify(token, keys.getKey, { ...verifyOptions, currentDate: new Date(now) });
      checkFiniteTimes(result.payload);
    } catch (error) {
      return refusedFor(ctx, error, cacheKey, now);
    }
    return admit(ctx, result.payload, result.protectedHeader.kid, cacheKey, now);
  };

  const afterFast = (
    ctx: PolicyContext,
    token: string,
    fast: FastOutcome,
    cacheKey: string | undefined,
    now: number,
  ): MaybePromise<Verdict> =>
    fast === undefined
      ? verifyWithJose(ctx, token, cacheKey, now)
      : admit(ctx, fast.payload, fast.header.kid, cacheKey, now);

  const verify = (ctx: PolicyContext, token: string, cacheKey: string | undefined): MaybePromise<Verdict> => {
    const now = ctx.clock.now();
    let fast: FastOutcome | Promise<FastOutcome>;
    try {
      fast = fastVerify(token, keys, claimRules, now);
    } catch (error) {
      return refusedFor(ctx, error, cacheKey, now);
    }
    if (!(fast instanceof Promise)) return afterFast(ctx, token, fast, cacheKey, now);
    return fast.then(
      (outcome) => afterFast(ctx, token, outcome, cacheKey, now),
      (error: unknown) => refusedFor(ctx, error, cacheKey, now),
    );
  };

  return {
    onRequest(ctx: PolicyContext): MaybePromise<Verdict> {
      if (alreadyIdentified(ctx, config, 'authorization')) return CONTINUE;
      const header = singleHeader(ctx, 'authorization');
      const token = bearerToken(header.value);
      if (header.repeated || (token !== undefined && token.length > MAX_TOKEN_LENGTH)) {
        return refuse(ctx, method, {
          rule: 'malformed',
          reason: 'unusable authorization header',
          challenge: invalidChallenge,
        });
      }
      if (token === undefined) return missingCredential(ctx, config, method);
      if (cache === undefined) return verify(ctx, token, undefined);
      const cacheKey = hash('sha256', token, 'base64url');
      const cached = cache.get(cacheKey, ctx.clock.now());
      if (cached !== undefined) {
        // A cached verification is never served past a revocation: the index is checked on every hit.
        if (!revocations.isRevoked(factsOf(cached))) return accept(ctx, cached);
        cache.delete(cacheKey);
        return revoked(ctx);
      }
      const refusedAs = refusedTokens?.get(cacheKey, ctx.clock.now());
      if (refusedAs !== undefined) {
        return refuse(ctx, method, {
          rule: refusedAs,
          // Said apart in the event: answered from the token's hash, without a signature check.
          reason: `jwt refused: ${refusedAs} (seen before)`,
          challenge: invalidChallenge,
          credentialId: credentialOfIssuer,
        });
      }
      return verify(ctx, token, cacheKey);
    },
    close() {
      revocations.close();
    },
  };
}
