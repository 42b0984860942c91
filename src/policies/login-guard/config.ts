// The login-guard config: where the username is, how the upstream says "failed", lockout, credential
// stuffing signals, uniform failure answers and a delay.
import { type Static, Type } from '@sinclair/typebox';
import { durationSetting } from '../../identity/authn.ts';

const NAME = Type.String({ minLength: 1, maxLength: 128 });

const Username = Type.Union(
  [
    Type.Object({ json: NAME }, { additionalProperties: false }),
    Type.Object({ form: NAME }, { additionalProperties: false }),
    Type.Object({ header: Type.String({ pattern: '^[a-z0-9-]{1,64}$' }) }, { additionalProperties: false }),
  ],
  {
    description:
      'where the username is: a JSON body member (dotted path), a form field (OAuth2 password grant) or a header',
  },
);

const Failure = Type.Object(
  {
    status: Type.Array(Type.Integer({ minimum: 100, maximum: 599 }), {
      default: [401, 403],
      maxItems: 16,
      description: 'statuses that mean the login failed',
    }),
    json: Type.Optional(
      Type.Object(
        {
          member: NAME,
          equals: Type.Union([Type.String({ maxLength: 256 }), Type.Number(), Type.Boolean()]),
        },
        { additionalProperties: false, description: 'a JSON answer member whose value means failed' },
      ),
    ),
    bodyContains: Type.Optional(
      Type.String({ minLength: 1, maxLength: 256, description: 'text in the answer that means failed' }),
    ),
  },
  {
    additionalProperties: false,
    default: {},
    description: 'any listed signal means the login failed; a 2xx answer without them is a success',
  },
);

const Lockout = Type.Object(
  {
    attempts: Type.Integer({
      minimum: 1,
      maximum: 10_000,
      default: 5,
      description: 'failed logins per window before a username (or a client address) is locked',
    }),
    ipAttempts: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 100_000,
        description: 'failed logins per window before a client address is locked (default: attempts)',
      }),
    ),
    window: durationSetting('15m', 'the window failed logins are counted in'),
    duration: durationSetting('15m', 'the first lockout; each further one in a row doubles it'),
    maxDuration: durationSetting('24h', 'the longest lockout'),
    knownSources: durationSetting(
      '30d',
      'how long a client address that logged in as a user stays exempt from that username’s lockout',
    ),
  },
  { additionalProperties: false, default: {} },
);

const Stuffing = Type.Object(
  {
    ipUsernames: Type.Integer({
      minimum: 1,
      maximum: 100_000,
      default: 10,
      description: 'distinct usernames failing from one client address per window: a stuffing signal',
    }),
    usernameIps: Type.Integer({
      minimum: 1,
      maximum: 100_000,
      default: 5,
      description: 'distinct client addresses failing on one username per window: a stuffing signal',
    }),
    window: durationSetting('10m', 'the window distinct usernames and addresses are counted in'),
    action: Type.Union([Type.Literal('flag'), Type.Literal('block')], {
      default: 'flag',
      description: 'flag: a security event; block: also refuse further logins from that source (429)',
    }),
  },
  { additionalProperties: false, default: {} },
);

/** The login-guard policy block. */
export const loginGuardConfig = Type.Object(
  {
    username: Username,
    methods: Type.Array(Type.String({ pattern: '^[A-Z]{1,16}$' }), {
      default: ['POST'],
      minItems: 1,
      maxItems: 8,
      description: 'the methods that are login attempts on this route',
    }),
    failure: Failure,
    lockout: Lockout,
    stuffing: Stuffing,
    uniform: Type.Boolean({
      default: false,
      description:
        'answer every failed login with one fixed 401 problem document (no user or password enumeration)',
    }),
    delay: durationSetting('0s', 'added to every failed login answer (slows guessing)'),
    caseSensitive: Type.Boolean({
      default: false,
      description: 'count `Alice` and `alice` apart (off: one username, as most logins treat them)',
    }),
    onStateError: Type.Union([Type.Literal('open'), Type.Literal('closed')], {
      default: 'open',
      description: 'when the state backend is unreachable: skip the guard (open) or answer 429 (closed)',
    }),
  },
  { additionalProperties: false },
);

export type LoginGuardConfig = Static<typeof loginGuardConfig>;
