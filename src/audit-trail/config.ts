// The `auditTrail:` section of rampart.yaml: checkpoints (algorithm, key reference, cadence), which
// enforced denials are recorded, and the writer's batching. Admin changes and reloads are always kept.
import { type Static, Type } from '@sinclair/typebox';
import { DURATION_PATTERN } from '../lib/durations.ts';
import { SecretRef } from '../lib/secrets.ts';

const Duration = Type.Union([Type.Number({ minimum: 0 }), Type.String({ pattern: DURATION_PATTERN })]);
const NAME = '^[A-Za-z0-9_.-]{1,64}$';

/** The schema of `auditTrail:`. */
export const AuditTrailSettings = Type.Object(
  {
    enabled: Type.Boolean({ default: true }),
    checkpoints: Type.Optional(
      Type.Object(
        {
          algorithm: Type.Union([Type.Literal('hmac-sha256'), Type.Literal('ed25519')], {
            default: 'hmac-sha256',
            description: 'hmac-sha256 (a secret of 32+ bytes) or ed25519 (a PEM private key)',
          }),
          key: Type.Union([SecretRef], {
            description: 'the signing key: env:NAME or file:PATH; `audit-log verify` needs it too',
          }),
          every: Type.Integer({
            minimum: 1,
            maximum: 1_000_000,
            default: 1000,
            description: 'a checkpoint after this many records',
          }),
          interval: Type.Union([Duration], {
            default: '1h',
            description: 'or once this much time passed with new records',
          }),
        },
        { additionalProperties: false, description: 'signed checkpoints over the chain head' },
      ),
    ),
    denials: Type.Object(
      {
        policies: Type.Array(Type.String({ pattern: NAME }), {
          default: [],
          maxItems: 256,
          description: 'enforced denials of these policies are recorded (e.g. detect, authorize)',
        }),
        codes: Type.Array(Type.String({ pattern: '^RAMPART_[A-Z0-9_]{1,64}$' }), {
          default: [],
          maxItems: 256,
          description: 'enforced denials with these problem codes are recorded',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    flush: Type.Union([Duration], {
      default: '250ms',
      description: 'longest a record waits before its batch is written',
    }),
    maxQueue: Type.Integer({
      minimum: 100,
      maximum: 1_000_000,
      default: 10_000,
      description: 'records waiting at most; beyond, they are dropped and a gap record counts them',
    }),
  },
  {
    additionalProperties: false,
    description:
      'a hash-chained audit trail in the store: admin changes, reloads, policy modes, chosen denials',
  },
);

export type AuditTrailConfig = Static<typeof AuditTrailSettings>;
