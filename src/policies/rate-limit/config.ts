// The rate-limit config: rules (limit per window, algorithm, key), per-consumer plans, reject or
// throttle, and what to do when the shared state is unreachable.
import { type Static, Type } from '@sinclair/typebox';
import { KEY_PART_PATTERN } from './key.ts';

/** `N/unit` or `N/Kunit`: `10/s`, `1000/h`, `100/10s`. */
export const RATE_PATTERN = '^[0-9]{1,12}/[0-9]{0,9}(ms|s|m|h|d)$';

const Rate = Type.String({
  pattern: RATE_PATTERN,
  description: 'requests per window: "10/s", "1000/h", "100/10s"',
});

const Duration = Type.Union([Type.Integer({ minimum: 0 }), Type.String({ pattern: '^[0-9]+(ms|s|m|h|d)$' })]);

const KeyPart = Type.String({
  pattern: KEY_PART_PATTERN,
  description:
    'consumer (the identified consumer, else the client IP), ip, route, header:NAME, body:MEMBER (JSON, ' +
    'dotted), form:FIELD, claim:NAME, query:NAME; a value the request lacks falls back to the client IP',
});

const Rule = Type.Object(
  {
    name: Type.String({
      pattern: '^[A-Za-z0-9_.-]{1,64}$',
      description: 'rule id in headers, events and plans',
    }),
    limit: Rate,
    algorithm: Type.Union([Type.Literal('sliding-window'), Type.Literal('token-bucket')], {
      default: 'sliding-window',
      description: 'sliding-window: smooth; token-bucket: allows bursts up to `burst`',
    }),
    burst: Type.Optional(
      Type.Integer({ minimum: 1, description: 'token bucket capacity (default: the limit)' }),
    ),
    key: Type.Array(KeyPart, {
      default: ['consumer'],
      minItems: 1,
      maxItems: 4,
      uniqueItems: true,
      description: 'what the limit is counted per; parts combine',
    }),
    cost: Type.Integer({ minimum: 1, default: 1, description: 'units each request takes' }),
  },
  { additionalProperties: false },
);

const Plan = Type.Object(
  {
    consumers: Type.Array(Type.String({ maxLength: 256 }), {
      default: [],
      maxItems: 100_000,
      description: 'consumer ids on this plan',
    }),
    limits: Type.Record(Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$' }), Rate, {
      description: 'rule name → the limit for consumers on this plan',
    }),
  },
  { additionalProperties: false },
);

/** The rate-limit policy block. */
export const rateLimitConfig = Type.Object(
  {
    rules: Type.Array(Rule, { minItems: 1, maxItems: 16 }),
    plans: Type.Record(Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$' }), Plan, {
      default: {},
      description: 'per-consumer overrides: a consumer on a plan gets its limits',
    }),
    planClaim: Type.Optional(
      Type.String({ maxLength: 64, description: 'identity claim naming the plan (e.g. "plan")' }),
    ),
    action: Type.Union([Type.Literal('reject'), Type.Literal('throttle')], {
      default: 'reject',
      description: 'reject: 429 at once; throttle: delay the request until it fits (bounded)',
    }),
    throttle: Type.Object(
      {
        maxQueue: Type.Integer({
          minimum: 1,
          maximum: 100_000,
          default: 100,
          description: 'waiting requests per instance',
        }),
        maxWait: Type.Union([Duration], { default: '2s', description: 'longest a request waits before 429' }),
      },
      { additionalProperties: false, default: {} },
    ),
    headers: Type.Boolean({ default: true, description: 'send RateLimit and RateLimit-Policy headers' }),
    onStateError: Type.Union([Type.Literal('open'), Type.Literal('closed')], {
      default: 'open',
      description: 'when the shared state is unreachable: admit (open) or answer 503 (closed)',
    }),
  },
  { additionalProperties: false },
);

export type RateLimitConfig = Static<typeof rateLimitConfig>;
