// The authorize config: function-level rules (paths, methods, roles/scopes any-of/all-of, public,
// any signed-in caller, conditions, step-up) and object-level (BOLA) rules: a request parameter or a
// member of the upstream's answer bound to the caller, and ownership learned when objects are created.
import { type Static, Type } from '@sinclair/typebox';
import { DURATION_PATTERN } from '../../lib/durations.ts';

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
    authenticated: Type.Boolean({
      default: false,
      description: 'any signed-in caller may call, whatever its roles (anyOf/allOf are then ignored)',
    }),
    when: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 1024,
        description:
          'a condition that must also hold: `claims.admin == true`, `consumer.name == "admin"`, ' +
          '`enriched.role in ["Employee"]`, joined by and/or',
      }),
    ),
    stepUp: Type.Optional(
      Type.Object(
        {
          acr: Type.Optional(
            Type.Array(
              Type.String({ minLength: 1, maxLength: 128, pattern: '^[\\x21\\x23-\\x5B\\x5D-\\x7E]+$' }),
              {
                minItems: 1,
                maxItems: 16,
                description: 'acceptable `acr` claim values, most preferred first',
              },
            ),
          ),
          amr: Type.Optional(
            Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
              minItems: 1,
              maxItems: 16,
              description: 'the `amr` claim must hold one of these methods (e.g. mfa, hwk)',
            }),
          ),
        },
        {
          additionalProperties: false,
          description:
            'step-up authentication (RFC 9470): a token without them gets 401 insufficient_user_authentication',
        },
      ),
    ),
  },
  { additionalProperties: false },
);

const PARAM = '^(params|query|body|header)\\.[A-Za-z0-9_.-]{1,128}$';
const SUBJECT = '^(consumer\\.(id|name)|(claims|enriched)\\.[A-Za-z0-9_:./-]{1,128})$';

const ObjectRule = Type.Object(
  {
    name: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$' })),
    paths: Type.Array(PATTERN, { default: ['/**'], maxItems: 64 }),
    methods: Type.Optional(Type.Array(METHOD, { minItems: 1, maxItems: 16 })),
    param: Type.Optional(
      Type.String({
        pattern: PARAM,
        description:
          '`params.id` (route or rule path parameter), `query.userId`, `body.owner.id`, `header.x-tenant`',
      }),
    ),
    equals: Type.Optional(
      Type.String({
        pattern: SUBJECT,
        description: '`consumer.id`, `consumer.name`, `claims.<path>` or `enriched.<path>`',
      }),
    ),
    response: Type.Optional(
      Type.Object(
        {
          member: Type.String({
            pattern: '^[A-Za-z0-9_.:-]{1,128}$',
            description: 'owner member of the JSON answer (dotted)',
          }),
          equals: Type.String({ pattern: SUBJECT, description: 'the caller attribute it must equal' }),
        },
        {
          additionalProperties: false,
          description:
            'ownership read from the upstream answer instead of the request (checked before the client sees it)',
        },
      ),
    ),
    hide: Type.Union([Type.Literal('not-found'), Type.Literal('forbidden')], {
      default: 'not-found',
      description: 'response rules: replace another consumer’s object by 404 (default) or 403',
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

// No defaults inside: the block is one entry or a list (a union), where defaults would be ambiguous;
// learned-ownership.ts applies them.
const Learned = Type.Object(
  {
    name: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$', description: 'rule id in events' })),
    create: Type.Object(
      {
        methods: Type.Optional(
          Type.Array(METHOD, { minItems: 1, maxItems: 8, description: 'default [POST]' }),
        ),
        path: PATTERN,
        id: Type.String({
          pattern: '^(request|response)\\.[A-Za-z0-9_.:-]{1,128}$',
          description:
            'where the new object’s id is: `request.<member>` of the JSON body, or `response.<member>`',
        }),
      },
      { additionalProperties: false, description: 'the operation that creates an object' },
    ),
    objects: Type.Object(
      {
        path: PATTERN,
        param: Type.String({
          pattern: '^[A-Za-z0-9_-]{1,64}$',
          description: 'the path parameter holding the id',
        }),
        methods: Type.Optional(
          Type.Array(METHOD, { minItems: 1, maxItems: 16, description: 'default [GET, PUT, PATCH, DELETE]' }),
        ),
      },
      { additionalProperties: false, description: 'the operations on one object' },
    ),
    exemptRoles: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 128 }), {
        maxItems: 64,
        description: 'callers with any of these roles/scopes may use every object',
      }),
    ),
    remember: Type.Optional(
      Type.Union([Type.Number({ minimum: 1 }), Type.String({ pattern: DURATION_PATTERN })], {
        description: 'how long the creator is remembered (default 365d)',
      }),
    ),
    hide: Type.Optional(
      Type.Union([Type.Literal('not-found'), Type.Literal('forbidden')], {
        description: 'another consumer gets 404 (default) or 403',
      }),
    ),
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
    authenticated: Type.Boolean({
      default: false,
      description: 'when no rule matches: any signed-in caller may call (instead of default deny)',
    }),
    learnOwnership: Type.Optional(
      Type.Union([Learned, Type.Array(Learned, { minItems: 1, maxItems: 64 })], {
        description:
          'learned ownership: objects a consumer creates are recorded with it on the shared state; others are refused',
      }),
    ),
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
export type LearnedOwnershipConfig = Static<typeof Learned>;
