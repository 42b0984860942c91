// The ip-filter config: CIDR allow and deny lists matched against the client address.
import { type Static, Type } from '@sinclair/typebox';

const cidrList = (description: string) =>
  Type.Array(
    Type.String({
      minLength: 1,
      maxLength: 64,
      description: 'an IPv4 or IPv6 CIDR (`10.0.0.0/8`, `2001:db8::/32`) or a single address',
    }),
    { default: [], maxItems: 100_000, description },
  );

/** The ip-filter policy block. */
export const ipFilterConfig = Type.Object(
  {
    allow: cidrList('when not empty, only these client addresses are admitted'),
    deny: cidrList('client addresses always refused; wins over allow'),
  },
  { additionalProperties: false },
);

export type IpFilterConfig = Static<typeof ipFilterConfig>;
