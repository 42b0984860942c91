// The cors config: which origins may read answers from a browser, with which methods, headers and
// credentials, and how long a preflight answer may be cached.
import { type Static, Type } from '@sinclair/typebox';

const HEADER_NAME = Type.String({ pattern: "^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$" });

/** The cors policy block. */
export const corsConfig = Type.Object(
  {
    origins: Type.Array(Type.String({ minLength: 1, maxLength: 300 }), {
      minItems: 1,
      maxItems: 1000,
      description:
        'allowed origins: exact (`https://app.example.com`), subdomain wildcards (`https://*.example.com`, ' +
        'not example.com itself), `null` (sandboxed frames, file: pages) only when listed, or `*` without credentials',
    }),
    methods: Type.Array(Type.String({ pattern: '^[A-Z]{1,16}$' }), {
      default: ['GET', 'HEAD', 'POST'],
      maxItems: 32,
      uniqueItems: true,
      description: 'methods a preflight may ask for',
    }),
    headers: Type.Array(HEADER_NAME, {
      default: ['content-type'],
      maxItems: 64,
      description:
        'request headers a preflight may ask for (case-insensitive); CORS-safelisted ones need no listing',
    }),
    exposeHeaders: Type.Array(HEADER_NAME, {
      default: [],
      maxItems: 64,
      description: 'response headers browser scripts may read (Access-Control-Expose-Headers)',
    }),
    credentials: Type.Boolean({
      default: false,
      description: 'let browsers send cookies and read the answer (never together with `*`)',
    }),
    maxAge: Type.Integer({
      minimum: 0,
      maximum: 86_400,
      default: 600,
      description: 'seconds a browser may cache a preflight answer (Access-Control-Max-Age)',
    }),
  },
  { additionalProperties: false },
);

export type CorsConfig = Static<typeof corsConfig>;
