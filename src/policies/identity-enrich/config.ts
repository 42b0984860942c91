// The identity-enrich config: which upstream operation tells the gateway more about a caller (a
// `/me` or OIDC userinfo endpoint, a user resource), with whose credential, which members to keep and
// how long.
import { type Static, Type } from '@sinclair/typebox';
import { durationSetting } from '../../identity/authn.ts';

/** A dotted JSON member path of the answer (`role`, `data.admin`). */
const MEMBER_PATH = '^[A-Za-z0-9_$-]{1,64}(\\.[A-Za-z0-9_$-]{1,64}){0,7}$';

/** The identity-enrich policy block. */
export const identityEnrichConfig = Type.Object(
  {
    upstream: Type.Optional(
      Type.String({
        pattern: '^([A-Za-z0-9_.-]{1,64}|https?://[^\\s]+)$',
        description: "an upstream name of the config or a URL; default: the route's own upstream",
      }),
    ),
    path: Type.String({
      pattern: '^/[^\\s?#]{0,1023}$',
      description:
        "the operation's path, with `{claim}` placeholders from the identity's claims, URL-encoded " +
        '(`/users/v1/{sub}`, `/me`)',
    }),
    method: Type.Union([Type.Literal('GET'), Type.Literal('POST')], { default: 'GET' }),
    forwardCredential: Type.Boolean({
      default: true,
      description:
        "ask with the caller's own credential (the one the upstream knows: token-shield's upstream " +
        'token, else the `header` the client sent)',
    }),
    header: Type.String({
      pattern: '^[a-z0-9-]{1,64}$',
      default: 'authorization',
      description: 'the credential header forwarded and the cache is keyed by',
    }),
    cacheTtl: durationSetting('60s', 'how long an answer is reused for one credential'),
    cacheSize: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 10_000 }),
    timeout: durationSetting('2s', 'timeout of one call'),
    members: Type.Array(Type.String({ pattern: MEMBER_PATH }), {
      minItems: 1,
      maxItems: 32,
      uniqueItems: true,
      description:
        'members of the JSON answer kept, each exposed under its last segment: `data.admin` → ' +
        '`enriched.admin`',
    }),
  },
  { additionalProperties: false },
);

export type IdentityEnrichConfig = Static<typeof identityEnrichConfig>;
