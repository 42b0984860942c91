// The `alerts:` section of rampart.yaml: channels (Slack, PagerDuty, email, signed webhook) and rules
// (a signal, a grouping, a window, a threshold, a cooldown, where to send). Secrets are references.
import { type Static, Type } from '@sinclair/typebox';
import { DURATION_PATTERN } from '../lib/durations.ts';
import { SecretRef } from '../lib/secrets.ts';

const Duration = Type.Union([Type.Number({ minimum: 0 }), Type.String({ pattern: DURATION_PATTERN })]);
const NAME = '^[A-Za-z0-9_.-]{1,64}$';
const HTTP_URL = '^https?://[^\\s]+$';

/** The signals a rule can watch (docs/alerts.md describes each). */
export const ALERT_SIGNALS = [
  'auth-failures',
  'credential-stuffing',
  'blocked-attacks',
  'server-errors',
  'latency-p99',
  'rate-limited',
  'security-events',
] as const;
export type AlertSignal = (typeof ALERT_SIGNALS)[number];

/** What a rule's counts are grouped by; `none`: one count for everything. */
export const ALERT_GROUPS = ['clientIp', 'credential', 'route', 'consumer', 'none'] as const;
export type AlertGroupBy = (typeof ALERT_GROUPS)[number];

export const ALERT_SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

const literals = <T extends string>(values: readonly T[]) => values.map((value) => Type.Literal(value));

const SlackChannel = Type.Object(
  {
    type: Type.Literal('slack'),
    // Not `url`: secret references are found by schema, through every branch of this union, so a
    // secret member's name must not be a plain member of another channel.
    webhookUrl: Type.Union([SecretRef], {
      description: 'the incoming webhook URL (a secret): env:NAME or file:PATH',
    }),
  },
  { additionalProperties: false },
);

const PagerDutyChannel = Type.Object(
  {
    type: Type.Literal('pagerduty'),
    routingKey: Type.Union([SecretRef], { description: 'the Events API v2 integration (routing) key' }),
    url: Type.Optional(
      Type.String({
        pattern: HTTP_URL,
        description:
          'the Events API v2 endpoint; default https://events.pagerduty.com/v2/enqueue (EU: https://events.eu.pagerduty.com/v2/enqueue)',
      }),
    ),
    source: Type.Optional(Type.String({ maxLength: 255, description: 'payload.source; default "rampart"' })),
  },
  { additionalProperties: false },
);

const EmailChannel = Type.Object(
  {
    type: Type.Literal('email'),
    host: Type.String({ minLength: 1, maxLength: 253 }),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, description: 'default 587' })),
    tls: Type.Optional(
      Type.Union([Type.Literal('starttls'), Type.Literal('implicit')], {
        description:
          'starttls (default): upgrade on the submission port and refuse to send without it; implicit: TLS from the start (465)',
      }),
    ),
    ca: Type.Optional(
      Type.String({ maxLength: 1024, description: 'PEM file of the CA the server chains to' }),
    ),
    user: Type.Optional(Type.String({ maxLength: 256 })),
    password: Type.Optional(SecretRef),
    from: Type.String({ minLength: 3, maxLength: 256 }),
    to: Type.Array(Type.String({ minLength: 3, maxLength: 256 }), { minItems: 1, maxItems: 50 }),
  },
  { additionalProperties: false },
);

const WebhookChannel = Type.Object(
  {
    type: Type.Literal('webhook'),
    url: Type.String({ pattern: HTTP_URL }),
    secret: Type.Union([SecretRef], {
      description:
        'HMAC-SHA256 key; X-Rampart-Signature: t=<unix seconds>,v1=<hex of HMAC(key, t + "." + body)>',
    }),
  },
  { additionalProperties: false },
);

// Members of a union get no defaults from the validator (ajv ignores them under anyOf): the channels
// apply theirs in gateway-alerts.ts, and the descriptions say what they are.

/** One channel. */
export const AlertChannelSettings = Type.Union([
  SlackChannel,
  PagerDutyChannel,
  EmailChannel,
  WebhookChannel,
]);

/** One rule. */
export const AlertRuleSettings = Type.Object(
  {
    name: Type.String({ pattern: NAME }),
    signal: Type.Union(literals(ALERT_SIGNALS)),
    groupBy: Type.Optional(
      Type.Union(literals(ALERT_GROUPS), { description: "default: the signal's natural grouping" }),
    ),
    threshold: Type.Number({
      exclusiveMinimum: 0,
      description:
        'fire at or above: a count (auth-failures, blocked-attacks, security-events), distinct credentials (credential-stuffing), a share 0-1 (server-errors, rate-limited), milliseconds (latency-p99)',
    }),
    window: Type.Union([Duration], { default: '5m' }),
    minRequests: Type.Integer({
      minimum: 1,
      default: 20,
      description: 'share and latency rules: requests in the window before they judge',
    }),
    cooldown: Type.Union([Duration], {
      default: '10m',
      description: 'after a resolve, no new alert of the group for this long',
    }),
    severity: Type.Union(literals(ALERT_SEVERITIES), { default: 'high' }),
    channels: Type.Array(Type.String({ pattern: NAME }), { minItems: 1, maxItems: 16, uniqueItems: true }),
    match: Type.Optional(
      Type.Object(
        {
          policies: Type.Optional(Type.Array(Type.String({ pattern: NAME }), { maxItems: 64 })),
          codes: Type.Optional(
            Type.Array(Type.String({ pattern: '^RAMPART_[A-Z0-9_]{1,64}$' }), { maxItems: 64 }),
          ),
          rules: Type.Optional(Type.Array(Type.String({ maxLength: 128 }), { maxItems: 64 })),
          routes: Type.Optional(Type.Array(Type.String({ pattern: NAME }), { maxItems: 256 })),
        },
        {
          additionalProperties: false,
          description: 'narrows what the signal counts (security-events: what it counts)',
        },
      ),
    ),
  },
  { additionalProperties: false },
);

/** The schema of `alerts:`. */
export const AlertSettings = Type.Object(
  {
    evaluateEvery: Type.Union([Duration], {
      default: '10s',
      description: 'how often windows are judged (counts also fire at once when crossed)',
    }),
    maxGroups: Type.Integer({
      minimum: 1,
      maximum: 1_000_000,
      default: 10_000,
      description:
        'groups (addresses, credentials, routes) tracked per rule; the stalest quiet one makes room',
    }),
    channels: Type.Record(Type.String({ pattern: NAME }), AlertChannelSettings, { default: {} }),
    rules: Type.Array(AlertRuleSettings, { default: [], maxItems: 256 }),
  },
  { additionalProperties: false, description: 'alert rules over security events and request metrics' },
);

export type AlertConfig = Static<typeof AlertSettings>;
export type AlertRuleConfig = Static<typeof AlertRuleSettings>;
export type AlertChannelConfig = Static<typeof AlertChannelSettings>;
