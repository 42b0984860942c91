// The introspection config: the RFC 7662 endpoint and the gateway's client credentials for it, the
// cache of answers, and how an active token's members map to the identity.
import { type Static, Type } from '@sinclair/typebox';
import { AUTHN_SETTINGS, durationSetting } from '../../identity/authn.ts';
import { SecretRef } from '../../lib/secrets.ts';

const CLAIM_PATH = '^[A-Za-z0-9_:./-]{1,128}$';

/** The introspection policy block. */
export const introspectionConfig = Type.Object(
  {
    endpoint: Type.String({
      pattern: '^https?://[^\\s]+$',
      description: "the authorization server's introspection endpoint (RFC 7662 §2)",
    }),
    clientId: Type.String({
      minLength: 1,
      maxLength: 256,
      description: "the gateway's client id at the authorization server",
    }),
    clientSecret: SecretRef,
    cacheTtl: durationSetting('60s', "how long an active answer is reused (never past the token's `exp`)"),
    negativeCacheTtl: durationSetting('5s', 'how long an inactive answer is reused'),
    cacheSize: Type.Integer({
      minimum: 0,
      maximum: 1_000_000,
      default: 10_000,
      description: 'answers kept, by SHA-256 of the token; 0 asks the endpoint on every request',
    }),
    timeout: durationSetting('2s', 'timeout of one introspection call'),
    issuer: Type.Optional(
      Type.String({ minLength: 1, maxLength: 512, description: 'required `iss`, when set' }),
    ),
    audience: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 512 }), {
        minItems: 1,
        maxItems: 32,
        description: 'accepted `aud` values, when set',
      }),
    ),
    consumerClaim: Type.String({ pattern: CLAIM_PATH, default: 'sub' }),
    nameClaim: Type.Optional(Type.String({ pattern: CLAIM_PATH })),
    scopeClaims: Type.Array(Type.String({ pattern: CLAIM_PATH }), {
      default: ['scope'],
      maxItems: 8,
      description: 'members read as scopes: a space-separated string (RFC 7662 §2.2) or an array',
    }),
    roleClaims: Type.Array(Type.String({ pattern: CLAIM_PATH }), { default: [], maxItems: 8 }),
    realm: Type.String({ pattern: '^[A-Za-z0-9 _.-]{1,64}$', default: 'rampart' }),
    ...AUTHN_SETTINGS,
  },
  { additionalProperties: false },
);

export type IntrospectionConfig = Static<typeof introspectionConfig>;
