// The concurrency config: how many requests may be in flight per key, and an optional bounded wait.
import { type Static, Type } from '@sinclair/typebox';

const Duration = Type.Union([Type.Integer({ minimum: 0 }), Type.String({ pattern: '^[0-9]+(ms|s|m|h|d)$' })]);

/** The concurrency policy block. */
export const concurrencyConfig = Type.Object(
  {
    max: Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'requests in flight per key' }),
    key: Type.Array(Type.String({ pattern: '^(consumer|ip|route|header:[a-z0-9-]{1,64})$' }), {
      default: ['route'],
      minItems: 1,
      maxItems: 4,
      uniqueItems: true,
      description: 'what the limit is counted per: route, consumer, ip, header:NAME, or a combination',
    }),
    queue: Type.Object(
      {
        size: Type.Integer({
          minimum: 0,
          maximum: 100_000,
          default: 0,
          description: 'requests that may wait (0: none)',
        }),
        timeout: Type.Union([Duration], { default: '1s', description: 'longest wait for a free slot' }),
      },
      { additionalProperties: false, default: {} },
    ),
    lease: Type.Union([Duration], {
      default: '5m',
      description: 'a slot whose holder vanished (a crashed instance) is freed after this long idle',
    }),
    onStateError: Type.Union([Type.Literal('open'), Type.Literal('closed')], {
      default: 'open',
      description: 'when the shared state is unreachable: admit (open) or answer 503 (closed)',
    }),
  },
  { additionalProperties: false },
);

export type ConcurrencyConfig = Static<typeof concurrencyConfig>;
