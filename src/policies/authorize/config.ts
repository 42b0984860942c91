// The authorize config: function-level rules (paths, methods, roles/scopes any-of/all-of, public) and
// object-level (BOLA) bindings of a request parameter to the caller's identity.
import { type Static, Type } from '@sinclair/typebox';

const METHOD = Type.String({ pattern: '^[A-Z]{1,16}$' });
const PATTERN = Type.String({ pattern: '^/', maxLength: 512 });
const NAMES = (description: string) =>
  Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { maxItems: 64, description });

const Rule = Type.Object(
  {
    name: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$', description: 'rule id in events' })),
    paths: Type.Array(PATTERN, {
      default: ['/**'],
      maxItems: 64,
      description: 'patterns: literal segments, `*`, `:name` / `{name}`, a final `**`',
    }),
    methods: Type.Optional(
      Type.Array(METHOD, { minItems: 1, maxItems: 16, description: 'HEAD counts as GET' }),
    ),
    anyOf: Type.Optional(NAMES('roles/scopes of which the caller needs at least one')),
    allOf: Type.Optional(NAMES('roles/scopes the caller needs all of')),
    public: Type.Boolean({ default: false, description: 'anyone may call, identified or not' }),
    deny: Type.Boolean({ default: false, description: 'nobody may call (e.g. an internal path)' }),
  },
  { additionalProperties: false },
);

const PARAM = '^(params|query|body|header)\\.[A-Za-z0-9_.-]{1,128}$';
const SUBJECT = '^(consumer\\.(id|name)|claims\\.[A-Za-z0-9_:./-]{1,128})$';

const ObjectRule = Type.Object(
  {
    name: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$' })),
    paths: Type.Array(PATTERN, { default: ['/**'], maxItems: 64 }),
    methods: Type.Optional(Type.Array(METHOD, { minItems: 1, maxItems: 16 })),
    param: Type.String({
      pattern: PARAM,
      description:
        '`params.id` (route or rule path parameter), `query.userId`, `body.owner.id`, `header.x-tenant`',
    }),
    equals: Type.String({
      pattern: SUBJECT,
      description: '`consumer.id`, `consumer.name` or `claims.<path>`',
    }),
    unlessRoles: Type.Array(Type.String({ minLength: 1, maxLength: 128 }), {
      default: [],
      maxItems: 64,
      description: 'callers with any of these roles/scopes are exempt (e.g. admin)',
    }),
    whenMissing: Type.Union([Type.Literal('deny'), Type.Literal('allow')], {
      default: 'deny',
      description: 'what a request without the parameter gets',
    }),
  },
  { additionalProperties: false },
);

/** The authorize policy block. */
export const authorizeConfig = Type.Object(
  {
    public: Type.Boolean({
      default: false,
      description: 'anonymous callers are let through; identified callers with no matching rule too',
    }),
    rules: Type.Array(Rule, {
      default: [],
      maxItems: 1000,
      description: 'function-level rules; the first whose path and method match decides',
    }),
    anyOf: Type.Optional(NAMES('route-wide requirement when no rule matches: at least one of these')),
    allOf: Type.Optional(NAMES('route-wide requirement when no rule matches: all of these')),
    objects: Type.Array(ObjectRule, {
      default: [],
      maxItems: 1000,
      description: 'object-level (BOLA) rules; every one whose path and method match must hold',
    }),
    caseSensitive: Type.Boolean({
      default: false,
      description: 'compare path literals case-sensitively (off: /Admin is held to the /admin rules)',
    }),
    challenge: Type.String({
      maxLength: 256,
      default: 'Bearer realm="rampart"',
      description: 'WWW-Authenticate for anonymous callers when no authn method offered one',
    }),
    stripHeaders: Type.Array(Type.String({ pattern: '^[a-z0-9-]{1,64}$' }), {
      default: ['x-consumer-id', 'x-consumer-name', 'x-consumer-scopes', 'x-authenticated-by'],
      maxItems: 32,
      description: 'identity headers removed from anonymous requests (so clients cannot spoof them)',
    }),
  },
  { additionalProperties: false },
);

export type AuthorizeConfig = Static<typeof authorizeConfig>;
export type AuthorizeRule = Static<typeof Rule>;
export type ObjectRuleConfig = Static<typeof ObjectRule>;
