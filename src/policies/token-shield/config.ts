// The token-shield config: which part of the phantom-token pattern this route plays (issue on the
// login route, accept on protected routes, revoke on logout), where the upstream's token is, how long
// a reference lives, and how the upstream token's claims map to the identity.
import { type Static, Type } from '@sinclair/typebox';
import { AUTHN_SETTINGS, durationSetting } from '../../identity/authn.ts';

const CLAIM_PATH = '^[A-Za-z0-9_:./-]{1,128}$';

/** The token-shield policy block. */
export const tokenShieldConfig = Type.Object(
  {
    role: Type.Union([Type.Literal('issue'), Type.Literal('accept'), Type.Literal('revoke')], {
      description:
        '`issue` on the login route (swaps the token in its 2xx JSON answer for a reference), `accept` ' +
        'on protected routes (a reference in, the upstream token out), `revoke` on the logout route',
    }),
    tokenPath: Type.String({
      pattern: '^body(\\.[A-Za-z0-9_$-]{1,64}){1,8}$',
      default: 'body.auth_token',
      description: 'issue: where the login answer carries the token, a dotted JSON member path',
    }),
    ttl: durationSetting('1h', 'how long a reference works (less when the upstream token expires sooner)'),
    header: Type.String({
      pattern: '^[a-z0-9-]{1,64}$',
      default: 'authorization',
      description:
        'where the reference arrives and the upstream token leaves (`Bearer` for authorization, the ' +
        'bare value for any other header)',
    }),
    consumerClaim: Type.String({ pattern: CLAIM_PATH, default: 'sub' }),
    nameClaim: Type.Optional(Type.String({ pattern: CLAIM_PATH })),
    scopeClaims: Type.Array(Type.String({ pattern: CLAIM_PATH }), {
      default: [],
      maxItems: 8,
      description: 'claims of the upstream token read as scopes',
    }),
    roleClaims: Type.Array(Type.String({ pattern: CLAIM_PATH }), {
      default: [],
      maxItems: 8,
      description: 'claims of the upstream token read as roles',
    }),
    realm: Type.String({ pattern: '^[A-Za-z0-9 _.-]{1,64}$', default: 'rampart' }),
    ...AUTHN_SETTINGS,
  },
  { additionalProperties: false },
);

export type TokenShieldConfig = Static<typeof tokenShieldConfig>;
