// The hmac-signature config: signing keys per consumer, the covered components, the replay window.
import { type Static, Type } from '@sinclair/typebox';
import { AUTHN_SETTINGS, durationSetting } from '../../identity/authn.ts';
import { SecretRef } from '../../lib/secrets.ts';

const Key = Type.Object(
  {
    id: Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,128}$', description: 'the `keyid` signers send' }),
    consumer: Type.String({
      pattern: '^[A-Za-z0-9_.@-]{1,64}$',
      description: 'the consumer this key identifies',
    }),
    roles: Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { default: [], maxItems: 64 }),
    algorithm: Type.Union([Type.Literal('hmac-sha256'), Type.Literal('ed25519')]),
    secret: Type.Optional(SecretRef),
    publicKey: Type.Optional(
      Type.String({ minLength: 1, maxLength: 1024, description: 'ed25519: PEM file' }),
    ),
  },
  { additionalProperties: false },
);

/** The hmac-signature policy block. */
export const hmacSignatureConfig = Type.Object(
  {
    keys: Type.Array(Key, {
      default: [],
      maxItems: 10_000,
      description:
        'keys from the config; keys per consumer in the store (`rampart keys create --type`) also work',
    }),
    cacheTtl: durationSetting(
      '5s',
      'how long a key looked up in the store is trusted: the bound on how long a revocation made ' +
        'elsewhere (CLI, an instance without shared state) takes here',
    ),
    cacheSize: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 10_000 }),
    components: Type.Array(
      Type.String({ pattern: '^(@method|@path|@query|@authority|@target-uri|[a-z0-9-]{1,64})$' }),
      {
        default: ['@method', '@path', '@query'],
        maxItems: 32,
        description: 'components every signature must cover; content-digest is added when there is a body',
      },
    ),
    maxAge: durationSetting('5m', 'signatures older than this (`created`) are refused; the replay window'),
    clockSkew: durationSetting('30s', 'tolerance for `created` in the future'),
    maxBodyBytes: Type.Integer({ minimum: 0, maximum: 64 * 1024 * 1024, default: 1024 * 1024 }),
    ...AUTHN_SETTINGS,
  },
  { additionalProperties: false },
);

export type HmacSignatureConfig = Static<typeof hmacSignatureConfig>;
export type SigningKeyConfig = Static<typeof Key>;
