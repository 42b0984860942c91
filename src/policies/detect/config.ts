// The detect config: paranoia, threshold, categories, exclusions, what to inspect and the budget.
import { type Static, Type } from '@sinclair/typebox';
import { CATEGORIES, DEFAULT_HEADERS } from '../../detect/index.ts';
import { BYTES_PATTERN } from '../../lib/bytes.ts';

// A size as the config writes it; parsed with parseBytes in create(). Local to avoid importing
// src/config/schema.ts, which imports the policy contract.
const Size = Type.Union([Type.Integer({ minimum: 1 }), Type.String({ pattern: BYTES_PATTERN })], {
  default: '1mb',
  description: 'input bytes inspected per request, or a size such as "256kb"; the rest is over budget',
});

/** One exclusion: rules silenced at a location (also used by graphql's `detect`). */
export const Exclusion = Type.Object(
  {
    location: Type.String({
      minLength: 1,
      maxLength: 256,
      description: 'where: `query.q`, `body.comment`, `header.user-agent`; a trailing `*` matches a prefix',
    }),
    rules: Type.Optional(
      Type.Array(Type.String({ pattern: '^[a-z*][a-z0-9.*-]{0,63}$' }), {
        minItems: 1,
        maxItems: 64,
        description: 'rule ids (`sqli.tautology`) or categories (`sqli`); all rules when absent',
      }),
    ),
  },
  { additionalProperties: false },
);

/** The detect policy block. */
export const detectConfig = Type.Object(
  {
    paranoia: Type.Integer({
      minimum: 1,
      maximum: 4,
      default: 1,
      description:
        '1: fewest false positives; 2–4 add rules, lower the default threshold and weigh documentation-like text fully',
    }),
    threshold: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 100,
        description:
          'anomaly score at which the request is denied (default by paranoia: 5, 3, 3, 2); below it findings are flagged',
      }),
    ),
    categories: Type.Optional(
      Type.Array(Type.Union(CATEGORIES.map((c) => Type.Literal(c))), {
        minItems: 1,
        uniqueItems: true,
        description: 'only these detectors run (default: all)',
      }),
    ),
    exclusions: Type.Array(Exclusion, {
      default: [],
      maxItems: 256,
      description: 'rules silenced per location',
    }),
    headers: Type.Array(Type.String({ pattern: '^[a-z0-9-]{1,64}$' }), {
      default: [...DEFAULT_HEADERS],
      maxItems: 64,
      uniqueItems: true,
      description: 'request headers inspected (lower-case names); cookies are inspected separately',
    }),
    inspect: Type.Object(
      {
        path: Type.Boolean({ default: true }),
        query: Type.Boolean({ default: true }),
        headers: Type.Boolean({ default: true }),
        cookies: Type.Boolean({ default: true }),
        body: Type.Boolean({
          default: true,
          description: 'JSON, urlencoded and XML are walked; other text is read whole',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    budget: Size,
    spec: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 4096,
        description:
          'OpenAPI file (relative to the config file): fields it types narrowly are left to openapi-validate, not scanned',
      }),
    ),
    overBudget: Type.Union([Type.Literal('block'), Type.Literal('flag')], {
      default: 'block',
      description: 'a request with more input bytes than the budget: denied (413) or flagged',
    }),
  },
  { additionalProperties: false },
);

export type DetectConfig = Static<typeof detectConfig>;
