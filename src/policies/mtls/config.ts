// The mtls config: which certificate field names the consumer, and whether it must exist in the store.
import { type Static, Type } from '@sinclair/typebox';
import { AUTHN_SETTINGS, durationSetting } from '../../identity/authn.ts';

/** The mtls policy block. */
export const mtlsConfig = Type.Object(
  {
    consumerFrom: Type.Union(
      [
        Type.Literal('subject.CN'),
        Type.Literal('san.dns'),
        Type.Literal('san.uri'),
        Type.Literal('san.email'),
        Type.Literal('fingerprint'),
      ],
      {
        default: 'subject.CN',
        description: 'the certificate field that names the consumer (the first SAN entry of that type)',
      },
    ),
    lookup: Type.Union([Type.Literal('store'), Type.Literal('certificate')], {
      default: 'store',
      description:
        'store: the consumer with that name must exist and be enabled (roles from the store); ' +
        'certificate: the verified certificate alone is the identity (roles from `roles`)',
    }),
    roles: Type.Array(Type.String({ minLength: 1, maxLength: 128 }), {
      default: [],
      maxItems: 64,
      description: 'roles of certificate identities (lookup: certificate)',
    }),
    allow: Type.Array(Type.String({ minLength: 1, maxLength: 512 }), {
      default: [],
      maxItems: 10_000,
      description: 'when not empty, only these consumer names (field values) are accepted',
    }),
    cacheTtl: durationSetting('5s', 'how long a store lookup is reused (bound on a disable taking effect)'),
    ...AUTHN_SETTINGS,
  },
  { additionalProperties: false },
);

export type MtlsConfig = Static<typeof mtlsConfig>;
