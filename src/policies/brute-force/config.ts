// The brute-force config: how many failed authentications, in what window, lock for how long.
import { type Static, Type } from '@sinclair/typebox';
import { durationSetting } from '../../identity/authn.ts';

/** The brute-force policy block. */
export const bruteForceConfig = Type.Object(
  {
    maxFailures: Type.Integer({
      minimum: 1,
      maximum: 10_000,
      default: 5,
      description: 'failed authentications per window before a lockout',
    }),
    window: durationSetting('5m', 'the window failures are counted in'),
    lockout: durationSetting('1m', 'the first lockout; each further one in a row doubles it'),
    maxLockout: durationSetting('1h', 'the longest lockout'),
    by: Type.Array(Type.Union([Type.Literal('ip'), Type.Literal('credential')]), {
      default: ['ip', 'credential'],
      minItems: 1,
      uniqueItems: true,
      description:
        'count per client address, per credential identifier (API key id, Basic username), or both; ' +
        'per credential stops a distributed guess at one account (credential stuffing spreads over IPs)',
    }),
    apiKeyHeader: Type.String({
      pattern: '^[a-z0-9-]{1,64}$',
      default: 'x-api-key',
      description: 'where API keys are read (to identify the credential before it is checked)',
    }),
    onStateError: Type.Union([Type.Literal('open'), Type.Literal('closed')], {
      default: 'open',
      description: 'when the state backend is unreachable: skip the guard (open) or answer 429 (closed)',
    }),
  },
  { additionalProperties: false },
);

export type BruteForceConfig = Static<typeof bruteForceConfig>;
