// The api-key config: where the key is read, the bound on how long a revocation takes, the cache size.
import { type Static, Type } from '@sinclair/typebox';
import { AUTHN_SETTINGS, durationSetting } from '../../identity/authn.ts';

/** The api-key policy block. */
export const apiKeyConfig = Type.Object(
  {
    header: Type.String({
      pattern: '^[a-z0-9-]{1,64}$',
      default: 'x-api-key',
      description: 'the request header that carries the key (lower case)',
    }),
    queryParameter: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9_.-]{1,64}$',
        description:
          'also accept the key in this query parameter (off unless set: URLs end up in logs and ' +
          'histories); it is removed from the upstream URL unless `stripCredentials: false`',
      }),
    ),
    cacheTtl: durationSetting(
      '5s',
      'how long a looked-up key is trusted without asking the store again: the upper bound on how ' +
        'long a revocation made elsewhere (CLI, another instance without shared state) takes here',
    ),
    cacheSize: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 10_000 }),
    realm: Type.String({ pattern: '^[A-Za-z0-9 _.-]{1,64}$', default: 'rampart' }),
    ...AUTHN_SETTINGS,
  },
  { additionalProperties: false },
);

export type ApiKeyConfig = Static<typeof apiKeyConfig>;
