// The request-limits config: URL, header, body and JSON shape limits, secure by default (README.md).
import { type Static, Type } from '@sinclair/typebox';
import { BYTES_PATTERN } from '../../lib/bytes.ts';

// A size as the config writes it; parsed with parseBytes in create(). Local to avoid importing
// src/config/schema.ts, which imports the policy contract.
const size = (defaultValue: string, description: string) =>
  Type.Union([Type.Integer({ minimum: 1 }), Type.String({ pattern: BYTES_PATTERN })], {
    default: defaultValue,
    description: `${description}: bytes, or a size such as "16kb"`,
  });

/** JSON shape limits for buffered JSON bodies; present means the body is buffered and scanned. */
export const jsonLimitsConfig = Type.Object(
  {
    maxDepth: Type.Integer({
      minimum: 1,
      maximum: 1024,
      default: 32,
      description: 'deepest nesting of objects and arrays (`{}` is depth 1) before 400',
    }),
    maxKeys: Type.Integer({
      minimum: 1,
      maximum: 10_000_000,
      default: 10_000,
      description: 'most object members in the whole document before 413',
    }),
  },
  { additionalProperties: false },
);

/** The request-limits policy block. */
export const requestLimitsConfig = Type.Object(
  {
    maxUrlLength: Type.Integer({
      minimum: 1,
      maximum: 1_048_576,
      default: 8192,
      description: 'longest request target (path and query, as received) before 414',
    }),
    maxHeaders: Type.Integer({
      minimum: 1,
      maximum: 10_000,
      default: 100,
      description: 'most request header fields before 431',
    }),
    maxHeaderBytes: size(
      '16kb',
      'most bytes of request header fields (names, values, separators) before 431',
    ),
    maxBodyBytes: size('1mb', 'largest request body before 413, declared or streamed'),
    json: Type.Optional(jsonLimitsConfig),
  },
  { additionalProperties: false },
);

export type RequestLimitsConfig = Static<typeof requestLimitsConfig>;
