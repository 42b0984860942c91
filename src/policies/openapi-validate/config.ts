// The openapi-validate config: which spec, how strict, and the limits on reading bodies (README.md).
import { type Static, Type } from '@sinclair/typebox';
import { BYTES_PATTERN } from '../../lib/bytes.ts';

const size = (defaultValue: string, description: string) =>
  Type.Union([Type.Integer({ minimum: 1 }), Type.String({ pattern: BYTES_PATTERN })], {
    default: defaultValue,
    description: `${description}: bytes, or a size such as "64kb"`,
  });

const rejectOrAllow = (description: string) =>
  Type.Optional(Type.Union([Type.Literal('reject'), Type.Literal('allow')], { description }));

/** The openapi-validate policy block. */
export const openapiValidateConfig = Type.Object(
  {
    spec: Type.String({
      minLength: 1,
      description: 'OpenAPI 3.0/3.1 file (YAML or JSON), relative to the config file',
    }),
    basePath: Type.Optional(
      Type.String({
        pattern: '^/[^?#]*$',
        description: 'request path prefix the spec paths are relative to',
      }),
    ),
    strict: Type.Boolean({
      default: true,
      description:
        'the strict defaults: unknown query parameters, undeclared members and read-only members refused',
    }),
    unknownQuery: rejectOrAllow(
      'query parameters the operation does not declare (default: reject when strict)',
    ),
    undeclaredProperties: rejectOrAllow(
      'body members the schema does not declare, i.e. mass assignment (default: reject when strict)',
    ),
    readOnly: rejectOrAllow('readOnly members sent in a request (default: reject when strict)'),
    requireCredentials: Type.Boolean({
      default: true,
      description:
        'refuse with 401 a request to an operation whose `security` requires a scheme when it carries no credential of it',
    }),
    unknownOperations: Type.Union([Type.Literal('reject'), Type.Literal('pass')], {
      default: 'reject',
      description:
        'paths/methods not in the spec: reject (404/405, upstream never asked) or pass unvalidated',
    }),
    compile: Type.Union([Type.Literal('eager'), Type.Literal('lazy')], {
      default: 'eager',
      description: 'compile every operation at load (eager) or on its first request (lazy, for huge specs)',
    }),
    inferFormats: Type.Boolean({
      default: false,
      description:
        'check string members named like email addresses (`email`, `contactEmail`) that declare no format ' +
        'as email addresses of at most 254 characters; `rampart init` turns it on',
    }),
    maxViolations: Type.Integer({
      minimum: 1,
      maximum: 100,
      default: 20,
      description: 'violations listed in a 400',
    }),
    selfParam: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'path parameter naming the object owner: the role `self` holds when it equals the consumer id',
      }),
    ),
    multipart: Type.Object(
      {
        maxParts: Type.Integer({
          minimum: 1,
          maximum: 10_000,
          default: 100,
          description: 'most parts per body',
        }),
        maxFieldBytes: size('64kb', 'largest non-file field'),
        maxFileBytes: size('10mb', 'largest file part'),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false },
);

export type OpenapiValidateConfig = Static<typeof openapiValidateConfig>;
