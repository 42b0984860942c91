// The quota config: daily and monthly allowances per consumer, reset on calendar boundaries in a zone.
import { type Static, Type } from '@sinclair/typebox';

/** The quota policy block. */
export const quotaConfig = Type.Object(
  {
    daily: Type.Optional(Type.Integer({ minimum: 1, description: 'requests per calendar day' })),
    monthly: Type.Optional(Type.Integer({ minimum: 1, description: 'requests per calendar month' })),
    timeZone: Type.String({
      default: 'UTC',
      maxLength: 64,
      description: 'IANA time zone whose midnight and first of the month reset the quota',
    }),
    consumers: Type.Record(
      Type.String({ maxLength: 256 }),
      Type.Object(
        {
          daily: Type.Optional(Type.Integer({ minimum: 1 })),
          monthly: Type.Optional(Type.Integer({ minimum: 1 })),
        },
        { additionalProperties: false },
      ),
      { default: {}, description: 'per-consumer allowances that replace the defaults' },
    ),
    cost: Type.Integer({ minimum: 1, default: 1, description: 'units each request takes' }),
    onStateError: Type.Union([Type.Literal('open'), Type.Literal('closed')], {
      default: 'open',
      description: 'when the shared state is unreachable: admit (open) or answer 503 (closed)',
    }),
  },
  { additionalProperties: false },
);

export type QuotaConfig = Static<typeof quotaConfig>;
