// The sensitive-data config: an action per data type, the inspection budget, request scanning.
import { type Static, Type } from '@sinclair/typebox';
import { BYTES_PATTERN } from '../../lib/bytes.ts';

const action = (defaultValue: 'mask' | 'block' | 'report' | 'off', what: string) =>
  Type.Union([Type.Literal('mask'), Type.Literal('block'), Type.Literal('report'), Type.Literal('off')], {
    default: defaultValue,
    description: `${what}: mask it, block the response (502), only report it, or ignore it`,
  });

/** The sensitive-data policy block. */
export const sensitiveDataConfig = Type.Object(
  {
    types: Type.Object(
      {
        card: action('mask', 'payment card numbers (Luhn-checked)'),
        iban: action('mask', 'IBANs (mod-97 checked)'),
        ssn: action('mask', 'US social security numbers'),
        email: action('report', 'email addresses'),
        phone: action('report', 'phone numbers'),
        jwt: action(
          'report',
          'JSON Web Tokens (report by default: a token in an answer is usually one issued to the caller)',
        ),
        privateKey: action('block', 'PEM private keys'),
        cloudKey: action('block', 'cloud and SaaS access keys (AWS, Google, GitHub, Slack, Stripe)'),
        rampartKey: action('block', "API keys with Rampart's rmp_ prefix"),
      },
      { additionalProperties: false, default: {} },
    ),
    maxBytes: Type.Union([Type.Integer({ minimum: 1 }), Type.String({ pattern: BYTES_PATTERN })], {
      default: '1mb',
      description: 'inspection budget: larger bodies are not scanned',
    }),
    overBudget: Type.Union([Type.Literal('pass'), Type.Literal('block')], {
      default: 'pass',
      description: 'a body over the budget: pass it with an event, or block it (502)',
    }),
    keepIssuedTokens: Type.Boolean({
      default: true,
      description:
        'never mask or block a JWT in a member named …token or jwt at the top of an answer (a login or token answer), whatever `jwt` says',
    }),
    requests: Type.Boolean({
      default: false,
      description: 'also scan request bodies: `block` types are refused with 400, the others reported',
    }),
  },
  { additionalProperties: false },
);

export type SensitiveDataConfig = Static<typeof sensitiveDataConfig>;
