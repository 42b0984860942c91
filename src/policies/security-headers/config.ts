// The security-headers config: which protective headers to add and which revealing ones to remove.
import { type Static, Type } from '@sinclair/typebox';

// A header value as configured: printable ASCII only, so no CR/LF can split the response.
const headerValue = (description: string, defaultValue: string) =>
  Type.Union([Type.String({ pattern: '^[ -~]{1,4096}$' }), Type.Literal(false)], {
    default: defaultValue,
    description: `${description}; false leaves it out`,
  });

const oneOf = <T extends string>(values: readonly T[], defaultValue: T, description: string) =>
  Type.Union([...values.map((value) => Type.Literal(value)), Type.Literal(false)], {
    default: defaultValue,
    description: `${description}; false leaves it out`,
  });

/** HSTS settings (RFC 6797). */
export const hstsConfig = Type.Object(
  {
    enabled: Type.Boolean({
      default: true,
      description: 'send Strict-Transport-Security on HTTPS responses',
    }),
    maxAge: Type.Integer({
      minimum: 0,
      maximum: 63_072_000,
      default: 31_536_000,
      description: 'max-age in seconds',
    }),
    includeSubDomains: Type.Boolean({ default: true, description: 'add includeSubDomains' }),
    preload: Type.Boolean({ default: false, description: 'add preload (only after submitting the domain)' }),
    force: Type.Boolean({
      default: false,
      description: 'send it on plain-HTTP responses too (TLS terminated in front of the gateway)',
    }),
  },
  { additionalProperties: false, default: {} },
);

/** The security-headers policy block. */
export const securityHeadersConfig = Type.Object(
  {
    hsts: hstsConfig,
    contentTypeOptions: Type.Boolean({ default: true, description: 'send X-Content-Type-Options: nosniff' }),
    cacheControl: headerValue('Cache-Control when the upstream set none', 'no-store'),
    forceCacheControl: Type.Boolean({ default: false, description: "replace the upstream's Cache-Control" }),
    frameOptions: oneOf(['DENY', 'SAMEORIGIN'], 'DENY', 'X-Frame-Options'),
    referrerPolicy: oneOf(
      [
        'no-referrer',
        'no-referrer-when-downgrade',
        'origin',
        'origin-when-cross-origin',
        'same-origin',
        'strict-origin',
        'strict-origin-when-cross-origin',
        'unsafe-url',
      ],
      'no-referrer',
      'Referrer-Policy',
    ),
    contentSecurityPolicy: headerValue(
      'Content-Security-Policy',
      "default-src 'none'; frame-ancestors 'none'",
    ),
    crossOriginResourcePolicy: oneOf(
      ['same-origin', 'same-site', 'cross-origin'],
      'same-origin',
      'Cross-Origin-Resource-Policy',
    ),
    overrideUpstream: Type.Boolean({
      default: false,
      description:
        'replace X-Frame-Options, Referrer-Policy, Content-Security-Policy and Cross-Origin-Resource-Policy set by the upstream',
    }),
    removeHeaders: Type.Array(Type.String({ pattern: "^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}$" }), {
      default: [],
      maxItems: 256,
      description:
        'more response headers to remove, besides Server, X-Powered-By, X-AspNet-Version, X-AspNetMvc-Version',
    }),
  },
  { additionalProperties: false },
);

export type SecurityHeadersConfig = Static<typeof securityHeadersConfig>;
