// The csrf config: which sites may send state-changing requests that carry cookies, and the optional
// double-submit token.
import { type Static, Type } from '@sinclair/typebox';

/** The csrf policy block. */
export const csrfConfig = Type.Object(
  {
    trustedOrigins: Type.Array(Type.String({ minLength: 1, maxLength: 300 }), {
      default: [],
      maxItems: 1000,
      description:
        "origins besides the request's own host that may send unsafe requests (`https://app.example.com`, `https://*.example.com`)",
    }),
    allowSameSite: Type.Boolean({
      default: false,
      description: 'accept `Sec-Fetch-Site: same-site` (sibling subdomains) besides same-origin',
    }),
    onlyWithCookies: Type.Boolean({
      default: true,
      description:
        'check only requests that carry a Cookie header (a token-authenticated client is not exposed to CSRF)',
    }),
    requireOrigin: Type.Boolean({
      default: false,
      description: 'refuse unsafe requests that carry neither Sec-Fetch-Site, Origin nor Referer',
    }),
    doubleSubmit: Type.Optional(
      Type.Object(
        {
          cookie: Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$', default: 'csrf-token' }),
          header: Type.String({ pattern: '^[a-z0-9-]{1,64}$', default: 'x-csrf-token' }),
        },
        {
          additionalProperties: false,
          description:
            "also require the header to repeat the cookie's value (the page reads the cookie and sends it)",
        },
      ),
    ),
  },
  { additionalProperties: false },
);

export type CsrfConfig = Static<typeof csrfConfig>;
