// The jwt config: where keys come from (JWKS URL, OIDC discovery, static files, or one shared secret),
// what a token must say (issuer, audience, allowed algorithms), and how claims map to the consumer.
import { type Static, Type } from '@sinclair/typebox';
import { AUTHN_SETTINGS, durationSetting } from '../../identity/authn.ts';
import { DURATION_PATTERN } from '../../lib/durations.ts';
import { SecretRef } from '../../lib/secrets.ts';

/** Algorithms verified with a shared secret (RFC 7518 §3.2); only ever with `secret`. */
export const HMAC_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const;

/**
 * Asymmetric algorithms: verified with public keys (JWKS, discovery, key files), never with a secret.
 * Algorithms are bound to the key type at load, so a public key can never be used as an HMAC secret
 * (the RS/HS confusion attack); `none` is not even spelled.
 */
export const ASYMMETRIC_ALGORITHMS = [
  'ES256',
  'ES384',
  'ES512',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'EdDSA',
  'Ed25519',
] as const;

/** Every algorithm a jwt block may list. */
export const JWT_ALGORITHMS = [...ASYMMETRIC_ALGORITHMS, ...HMAC_ALGORITHMS] as const;

const CLAIM_PATH = '^[A-Za-z0-9_:./-]{1,128}$';

/** The jwt policy block. */
export const jwtConfig = Type.Object(
  {
    issuer: Type.Optional(
      Type.String({ minLength: 1, maxLength: 512, description: 'the required `iss` (checked when set)' }),
    ),
    audience: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 512 }), {
        minItems: 1,
        maxItems: 32,
        description: 'accepted `aud` values; a token must name one of them (checked when set)',
      }),
    ),
    requireIssuer: Type.Boolean({
      default: true,
      description: '`issuer` must be set; `false` (explicitly) accepts tokens from an API that sets no `iss`',
    }),
    requireAudience: Type.Boolean({
      default: true,
      description:
        '`audience` must be set; `false` (explicitly) accepts tokens from an API that sets no `aud`',
    }),
    secret: Type.Optional(
      Type.Union([SecretRef], {
        description:
          'a shared HMAC secret ("env:NAME" or "file:PATH") for HS256/384/512 tokens; excludes keys, ' +
          'jwksUrl and discovery',
      }),
    ),
    allowWeakSecret: Type.Boolean({
      default: false,
      description:
        'accept a secret shorter than 32 bytes or a well-known one (tokens can then be forged by ' +
        'guessing it; `rampart check` reports it as high)',
    }),
    jwksUrl: Type.Optional(Type.String({ pattern: '^https?://[^\\s]+$', description: 'the JWKS endpoint' })),
    discovery: Type.Boolean({
      default: false,
      description: 'find the JWKS through OIDC discovery at `<issuer>/.well-known/openid-configuration`',
    }),
    keys: Type.Array(Type.String({ minLength: 1, maxLength: 1024 }), {
      default: [],
      maxItems: 64,
      description:
        'static public keys: PEM (SPKI) or JWK/JWKS JSON files, relative to the config (no shared-secret JWKs: use secret)',
    }),
    algorithms: Type.Optional(
      Type.Array(Type.Union(JWT_ALGORITHMS.map((alg) => Type.Literal(alg))), {
        minItems: 1,
        uniqueItems: true,
        description:
          'the allow-list (default [HS256] with `secret`, else [ES256, RS256, EdDSA]); HS* only with ' +
          '`secret`, asymmetric ones only with keys; `none` never',
      }),
    ),
    clockSkew: durationSetting('30s', 'tolerance on exp, nbf and iat (bounded by maxClockSkew)'),
    maxTokenAge: Type.Optional(
      Type.Union([Type.Number({ minimum: 0 }), Type.String({ pattern: DURATION_PATTERN })], {
        description: 'refuse tokens whose `iat` is older than this (and tokens without `iat`)',
      }),
    ),
    requireExpiry: Type.Boolean({ default: true, description: 'refuse tokens without `exp`' }),
    consumerClaim: Type.String({ pattern: CLAIM_PATH, default: 'sub' }),
    nameClaim: Type.Optional(Type.String({ pattern: CLAIM_PATH })),
    scopeClaims: Type.Array(Type.String({ pattern: CLAIM_PATH }), {
      default: ['scope', 'scp'],
      maxItems: 8,
      description: 'claims read as scopes: a space-separated string or an array of strings',
    }),
    roleClaims: Type.Array(Type.String({ pattern: CLAIM_PATH }), {
      default: [],
      maxItems: 8,
      description: 'claims read as roles (dotted paths allowed: `realm_access.roles`)',
    }),
    cacheSize: Type.Integer({
      minimum: 0,
      maximum: 1_000_000,
      default: 10_000,
      description: 'verified tokens kept (by SHA-256 of the token, never past `exp`); 0 turns it off',
    }),
    cacheTtl: durationSetting('5m', 'the longest a verified token is reused without verifying again'),
    revocationRefresh: durationSetting(
      '5s',
      'how often revocations are reread from the store: the bound on how long a revocation made where ' +
        'no notice reaches this instance (CLI, another instance without shared state) takes here',
    ),
    jwksCooldown: durationSetting('30s', 'minimum time between two JWKS fetches on an unknown `kid`'),
    jwksMaxAge: durationSetting('10m', 'refetch the JWKS after this long'),
    jwksTimeout: durationSetting('5s', 'timeout of a JWKS or discovery fetch'),
    realm: Type.String({ pattern: '^[A-Za-z0-9 _.-]{1,64}$', default: 'rampart' }),
    ...AUTHN_SETTINGS,
  },
  { additionalProperties: false },
);

export type JwtConfig = Static<typeof jwtConfig>;
