// The graphql config: input bound, document limits, cost model, introspection and suggestions,
// persisted queries, field roles from an SDL schema, and detection of variables and arguments.
import { type Static, Type } from '@sinclair/typebox';
import { BYTES_PATTERN } from '../../lib/bytes.ts';
import { Exclusion } from '../detect/config.ts';

const limit = (defaultValue: number, maximum: number, description: string) =>
  Type.Integer({ minimum: 1, maximum, default: defaultValue, description });

const NAMES = Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { minItems: 1, maxItems: 64 });

/** How a query's cost is estimated (README "Cost"). */
export const costConfig = Type.Object(
  {
    object: Type.Integer({
      minimum: 0,
      maximum: 1_000_000,
      default: 1,
      description: 'cost of a field that has a selection set (an object or a list of objects)',
    }),
    scalar: Type.Integer({
      minimum: 0,
      maximum: 1_000_000,
      default: 0,
      description: 'cost of a leaf field (a scalar or an enum)',
    }),
    listArguments: Type.Array(Type.String({ pattern: '^[_A-Za-z][_0-9A-Za-z]{0,63}$' }), {
      default: ['first', 'last', 'limit', 'pageSize', 'take'],
      maxItems: 32,
      description: 'arguments whose integer value is the number of items a list field returns',
    }),
    defaultListSize: Type.Integer({
      minimum: 1,
      maximum: 1_000_000,
      default: 10,
      description: 'items assumed for a list field (known from `schema`) called without a size argument',
    }),
    fields: Type.Record(
      Type.String({ pattern: '^[_A-Za-z][_0-9A-Za-z]{0,63}(\\.[_A-Za-z][_0-9A-Za-z]{0,63})?$' }),
      Type.Integer({ minimum: 0, maximum: 1_000_000 }),
      {
        default: {},
        description: 'per-field costs: `Type.field` (needs `schema`) or a bare field name',
      },
    ),
  },
  { additionalProperties: false, default: {} },
);

/** Persisted queries (README "Persisted queries"). */
export const persistedConfig = Type.Object(
  {
    mode: Type.Union([Type.Literal('open'), Type.Literal('allow-list')], {
      default: 'open',
      description:
        '`allow-list`: only documents whose SHA-256 is listed run; `open`: any document that passes the limits',
    }),
    manifest: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 4096,
        description:
          'JSON file (relative to the config file): an Apollo persisted-query manifest or `{ "<sha256>": "<document>" }`',
      }),
    ),
    hashes: Type.Array(Type.String({ pattern: '^[0-9a-f]{64}$' }), {
      default: [],
      maxItems: 100_000,
      description: 'more allowed SHA-256 hashes (lower-case hex) whose documents the gateway does not see',
    }),
    unknownHash: Type.Union([Type.Literal('ask-client'), Type.Literal('pass')], {
      default: 'ask-client',
      description:
        'a hash-only request (APQ) whose document the gateway has not seen: `ask-client` answers PersistedQueryNotFound so the client sends it; `pass` forwards it unchecked',
    }),
  },
  { additionalProperties: false, default: {} },
);

/** Detection of variables and inline arguments (the detect engine's settings). */
export const graphqlDetectConfig = Type.Object(
  {
    paranoia: Type.Integer({ minimum: 1, maximum: 4, default: 1, description: 'as in the detect policy' }),
    threshold: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 100, description: 'as in the detect policy' }),
    ),
    budget: Type.Union([Type.Integer({ minimum: 1 }), Type.String({ pattern: BYTES_PATTERN })], {
      default: '256kb',
      description: 'bytes of variables and arguments inspected per request; more is refused (413)',
    }),
    exclusions: Type.Array(Exclusion, {
      default: [],
      maxItems: 256,
      description:
        'rules silenced per location: `graphql.variables.query`, `graphql.search(text)`, prefixes with `*`',
    }),
  },
  { additionalProperties: false },
);

/** The graphql policy block. */
export const graphqlConfig = Type.Object(
  {
    maxBytes: Type.Union([Type.Integer({ minimum: 1 }), Type.String({ pattern: BYTES_PATTERN })], {
      default: '64kb',
      description:
        'largest GraphQL request read before anything is parsed: the body, or the query string of a GET (413)',
    }),
    maxTokens: limit(5000, 1_000_000, 'most lexical tokens in a document (the parser stops there)'),
    maxDepth: limit(12, 100, 'deepest field nesting of an operation, fragments expanded'),
    maxAliases: limit(30, 100_000, 'most aliased fields in a document'),
    maxDirectives: limit(50, 100_000, 'most directives in a document'),
    maxBatch: limit(10, 1000, 'most operations in one batched request (a JSON array)'),
    maxCost: limit(10_000, 1_000_000_000, 'highest estimated cost of an operation (see `cost`)'),
    cost: costConfig,
    allowGet: Type.Boolean({ default: true, description: 'accept queries over GET (mutations never)' }),
    introspection: Type.Union([Type.Boolean(), NAMES], {
      default: false,
      description:
        'allow `__schema` and `__type` queries: to everyone (true), or to callers with one of these roles',
    }),
    suggestions: Type.Boolean({
      default: false,
      description:
        'leave "Did you mean …?" hints (which reveal the schema) in the upstream\'s error messages',
    }),
    schema: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 4096,
        description:
          'SDL file (relative to the config file): types for the cost model and `@rampart(roles:)` rules',
      }),
    ),
    roles: Type.Record(
      Type.String({ pattern: '^[_A-Za-z][_0-9A-Za-z]{0,63}(\\.[_A-Za-z][_0-9A-Za-z]{0,63})?$' }),
      NAMES,
      {
        default: {},
        description:
          "who may read what: `Type.field` or `Type` → roles (any one suffices); added to the schema's `@rampart(roles:)`",
      },
    ),
    persistedQueries: persistedConfig,
    detect: Type.Optional(graphqlDetectConfig),
  },
  { additionalProperties: false },
);

export type GraphqlConfig = Static<typeof graphqlConfig>;
export type CostConfig = Static<typeof costConfig>;
