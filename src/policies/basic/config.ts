// The basic config: realm, whether plain HTTP is tolerated, and the verified-credential cache.
import { type Static, Type } from '@sinclair/typebox';
import { AUTHN_SETTINGS, durationSetting } from '../../identity/authn.ts';

/** The basic policy block. */
export const basicConfig = Type.Object(
  {
    realm: Type.String({ pattern: '^[A-Za-z0-9 _.-]{1,64}$', default: 'rampart' }),
    allowInsecure: Type.Boolean({
      default: false,
      description: 'accept passwords over plain HTTP (they travel in clear text); only for loopback tests',
    }),
    cacheTtl: durationSetting(
      '30s',
      'how long a verified username/password pair is reused without running scrypt again (0: never)',
    ),
    cacheSize: Type.Integer({ minimum: 1, maximum: 100_000, default: 1000 }),
    ...AUTHN_SETTINGS,
  },
  { additionalProperties: false },
);

export type BasicConfig = Static<typeof basicConfig>;
