// The schema of rampart.yaml: validated at load (ajv), and the source of the config's TypeScript types.
// The `policies` member of defaults and routes is built from the policy registry, so a policy's own
// schema validates its block with exact paths (`routes[2].policies.methods.allow[0]`).
import { type Static, type TObject, type TSchema, Type } from '@sinclair/typebox';
import { BYTES_PATTERN } from '../lib/bytes.ts';
import { DURATION_PATTERN } from '../lib/durations.ts';
import { SecretRef } from '../lib/secrets.ts';
import { POLICY_MODES, type PolicyDefinition } from '../policies/policy.ts';

export { SecretRef };

/** A size: bytes as an integer, or a string like "64kb". */
export const Bytes = Type.Union([Type.Integer({ minimum: 0 }), Type.String({ pattern: BYTES_PATTERN })], {
  description: 'bytes, or a size such as "64kb" or "1mb"',
});

/** A duration: milliseconds as a number, or a string like "30s". */
export const Duration = Type.Union(
  [Type.Number({ minimum: 0 }), Type.String({ pattern: DURATION_PATTERN })],
  {
    description: 'milliseconds, or a duration such as "500ms", "30s", "5m"',
  },
);

const Port = Type.Integer({ minimum: 0, maximum: 65535 });

const HttpListener = Type.Object(
  {
    host: Type.String({ default: '127.0.0.1', description: 'address to bind' }),
    port: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
    redirectToHttps: Type.Boolean({ default: false, description: 'answer 308 to the HTTPS listener' }),
  },
  { additionalProperties: false },
);

const HttpsListener = Type.Object(
  {
    host: Type.String({ default: '127.0.0.1' }),
    port: Port,
    cert: Type.String({ description: 'PEM certificate chain file (reloaded when it changes)' }),
    key: Type.String({ description: 'PEM private key file (reloaded when it changes)' }),
    certificates: Type.Optional(
      Type.Array(
        Type.Object(
          {
            cert: Type.String({ description: 'PEM certificate chain file' }),
            key: Type.String({ description: 'PEM private key file' }),
          },
          { additionalProperties: false },
        ),
        {
          maxItems: 100,
          description:
            'more certificates, served by SNI to the host names of their subjectAltName; `cert` for the others',
        },
      ),
    ),
    ocspResponse: Type.Optional(
      Type.String({
        description:
          'a DER OCSP response for `cert`, stapled to clients that ask; refresh the file (e.g. openssl ocsp) before it expires',
      }),
    ),
    minVersion: Type.Union([Type.Literal('TLSv1.2'), Type.Literal('TLSv1.3')], { default: 'TLSv1.2' }),
    clientCertificates: Type.Optional(
      Type.Object(
        {
          ca: Type.String({ description: 'PEM file of the CA(s) client certificates must chain to' }),
          required: Type.Boolean({
            default: true,
            description:
              'refuse the TLS handshake without a valid client certificate; false: ask, let policies decide',
          }),
        },
        { additionalProperties: false },
      ),
    ),
    hsts: Type.Optional(
      Type.Object(
        {
          maxAge: Type.Integer({ minimum: 0, default: 31_536_000 }),
          includeSubDomains: Type.Boolean({ default: true }),
          preload: Type.Boolean({ default: false }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

const ServerSettings = Type.Object(
  {
    http: Type.Optional(HttpListener),
    https: Type.Optional(HttpsListener),
    trustedProxies: Type.Array(Type.String({ maxLength: 64 }), {
      default: [],
      maxItems: 1024,
      description: 'CIDRs whose X-Forwarded-* and X-Request-Id headers are believed',
    }),
    headersTimeout: Type.Optional(Duration),
    maxConnectionsPerIp: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 1_000_000,
        description:
          'open connections one client address may hold (default 256; 0: no cap); trusted proxies are exempt',
      }),
    ),
    requestTimeout: Type.Optional(Duration),
    keepAliveTimeout: Type.Optional(Duration),
    maxHeaderBytes: Type.Optional(Bytes),
    maxBufferedBodyBytes: Type.Optional(Bytes),
    shutdownTimeout: Type.Optional(Duration),
    caseSensitive: Type.Boolean({
      default: true,
      description: 'whether /Admin and /admin are different paths',
    }),
    requestIdHeader: Type.String({ default: 'x-request-id' }),
    clientHeaders: Type.Optional(
      Type.Object(
        {
          strip: Type.Array(Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }), {
            maxItems: 256,
            description: 'more header names removed unless the peer is a trusted proxy (`_` counts as `-`)',
          }),
          keep: Type.Array(Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }), {
            maxItems: 256,
            description:
              'names of the default identity and client-address lists to let through (never X-Consumer-*)',
          }),
          underscores: Type.Union([Type.Literal('drop'), Type.Literal('allow')], {
            default: 'drop',
            description: 'drop header names with `_`, or let them through unless their `-` twin is stripped',
          }),
        },
        {
          additionalProperties: false,
          description:
            'identity and client-address headers removed from client requests (docs: README, "What the proxy does")',
        },
      ),
    ),
  },
  { additionalProperties: false, default: {} },
);

const UpstreamUrl = Type.String({
  pattern: '^https?://[^\\s]+$',
  description: 'origin (and optional base path) of the upstream',
});

const Upstream = Type.Object(
  {
    url: Type.Optional(UpstreamUrl),
    targets: Type.Optional(
      Type.Array(
        Type.Object(
          {
            url: UpstreamUrl,
            weight: Type.Integer({
              minimum: 1,
              maximum: 1000,
              default: 1,
              description: 'share of the requests',
            }),
          },
          { additionalProperties: false },
        ),
        {
          minItems: 1,
          maxItems: 64,
          description: 'several instances of the upstream, instead of `url`; all with the same base path',
        },
      ),
    ),
    balance: Type.Union([Type.Literal('round-robin'), Type.Literal('least-request')], {
      default: 'round-robin',
      description:
        'round-robin: in turn, by weight (smooth weighted round-robin); least-request: fewest requests in flight per weight',
    }),
    outlierDetection: Type.Optional(
      Type.Object(
        {
          consecutiveFailures: Type.Integer({
            minimum: 1,
            maximum: 1000,
            default: 5,
            description: 'answers 5xx or connection failures in a row that eject a target',
          }),
          ejectionTime: Type.Union([Duration], {
            default: '30s',
            description: 'how long a first ejection lasts; each ejection in a row lasts one more of it',
          }),
          maxEjectionPercent: Type.Integer({
            minimum: 0,
            maximum: 100,
            default: 50,
            description: 'never eject more than this share of the targets',
          }),
        },
        {
          additionalProperties: false,
          description: 'takes a failing target out of the rotation for a while',
        },
      ),
    ),
    connections: Type.Integer({ minimum: 1, maximum: 10_000, default: 128, description: 'per target' }),
    connectTimeout: Type.Optional(Duration),
    headersTimeout: Type.Optional(Duration),
    bodyTimeout: Type.Optional(Duration),
    keepAliveTimeout: Type.Optional(Duration),
    preserveHost: Type.Boolean({
      default: false,
      description: 'forward the client Host instead of the upstream host',
    }),
    circuitBreaker: Type.Optional(
      Type.Object(
        {
          failureRate: Type.Number({
            minimum: 0,
            maximum: 1,
            default: 0.5,
            description: 'open at this error rate',
          }),
          minRequests: Type.Integer({ minimum: 1, default: 20, description: 'requests in the window first' }),
          consecutiveFailures: Type.Integer({ minimum: 1, default: 5, description: 'or this many in a row' }),
          window: Type.Union([Duration], { default: '10s' }),
          openFor: Type.Union([Duration], {
            default: '10s',
            description: 'cool-down before half-open probes',
          }),
          halfOpenRequests: Type.Integer({ minimum: 1, default: 1 }),
        },
        {
          additionalProperties: false,
          description: 'errors, timeouts and 502/503/504 open it; while open the gateway answers 503',
        },
      ),
    ),
    healthCheck: Type.Optional(
      Type.Object(
        {
          path: Type.String({ pattern: '^/[^\\s]*$', maxLength: 1024, default: '/health' }),
          interval: Type.Union([Duration], { default: '5s', description: 'time between probes' }),
          timeout: Type.Union([Duration], { default: '2s', description: 'a probe slower than this fails' }),
          healthyThreshold: Type.Integer({ minimum: 1, maximum: 100, default: 2 }),
          unhealthyThreshold: Type.Integer({ minimum: 1, maximum: 100, default: 3 }),
          expectedStatuses: Type.Array(
            Type.Union([Type.Integer({ minimum: 100, maximum: 599 }), Type.String({ pattern: '^[1-5]xx$' })]),
            { minItems: 1, maxItems: 50, default: ['2xx'], description: 'codes or classes like "2xx"' },
          ),
        },
        {
          additionalProperties: false,
          description: 'active probes; after unhealthyThreshold failures in a row the gateway answers 503',
        },
      ),
    ),
    retries: Type.Optional(
      Type.Object(
        {
          attempts: Type.Integer({
            minimum: 1,
            maximum: 5,
            default: 2,
            description: 'tries per request, the first included',
          }),
          budget: Type.Number({
            minimum: 0,
            maximum: 1,
            default: 0.2,
            description: 'retries at most this share of the requests in the window',
          }),
          minRetries: Type.Integer({
            minimum: 0,
            maximum: 10_000,
            default: 3,
            description: 'retries always allowed per window',
          }),
          window: Type.Union([Duration], { default: '10s' }),
        },
        {
          additionalProperties: false,
          description:
            'GET/HEAD/OPTIONS/PUT/DELETE retried when the connection was refused or reset before any answer; with several targets a retry goes to another one',
        },
      ),
    ),
  },
  {
    additionalProperties: false,
    description: 'an upstream: `url` (one target) or `targets` (several), not both (checked in semantic.ts)',
  },
);

/** Where hot counters live (src/state/README.md): one process, or Redis shared by every instance. */
const StateSettings = Type.Object(
  {
    backend: Type.Union([Type.Literal('memory'), Type.Literal('redis')], {
      default: 'memory',
      description: 'memory: one process (per worker with --workers); redis: shared by every instance',
    }),
    redis: Type.Optional(
      Type.Object(
        {
          url: Type.String({
            pattern: '^(rediss?://[^\\s]+|env:[^\\s]+|file:[^\\s]+)$',
            description: 'redis://host:port/db, or a secret reference (env:NAME, file:PATH)',
          }),
          keyPrefix: Type.String({ default: 'rampart:', maxLength: 64 }),
          timeout: Type.Optional(Duration),
          downAfterTimeouts: Type.Optional(
            Type.Integer({
              minimum: 1,
              maximum: 1000,
              description: 'timeouts in a row that mark Redis down although connected (default 3)',
            }),
          ),
          fastFail: Type.Optional(
            Type.Union([Duration], {
              description: 'after that, operations fail at once for this long before one probe (default 1s)',
            }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false, default: {} },
);

/** The durable identity store (src/store/README.md): consumers and credential hashes. */
const StoreSettings = Type.Object(
  {
    sqlite: Type.String({
      minLength: 1,
      maxLength: 1024,
      default: 'rampart.db',
      description: 'node:sqlite file, relative to the config file; ":memory:" for a throwaway store',
    }),
    postgres: Type.Optional(
      Type.Object(
        {
          url: Type.String({
            pattern: '^(postgres(ql)?://[^\\s]+|env:[^\\s]+|file:[^\\s]+)$',
            description: 'postgres://user:password@host:5432/db, or a secret reference (env:NAME, file:PATH)',
          }),
          poolSize: Type.Integer({
            minimum: 1,
            maximum: 200,
            default: 10,
            description: 'connections per instance',
          }),
          statementTimeout: Type.Optional(
            Type.Union([Duration], { description: 'longest a store query may run (default 5s)' }),
          ),
        },
        {
          additionalProperties: false,
          description: 'a PostgreSQL database shared by every instance; when present, `sqlite` is not used',
        },
      ),
    ),
  },
  { additionalProperties: false },
);

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

const HTTP_METHOD = '^[A-Z]{1,16}$';

const RouteMatch = Type.Object(
  {
    path: Type.String({
      pattern: '^/',
      maxLength: 2048,
      description: 'find-my-way pattern: /users/:id, /files/*',
    }),
    host: Type.Optional(Type.String({ maxLength: 253, description: 'exact host, or *.example.com' })),
    methods: Type.Optional(
      Type.Array(Type.String({ pattern: HTTP_METHOD }), { minItems: 1, uniqueItems: true }),
    ),
  },
  { additionalProperties: false },
);

/** The settings every policy block accepts besides its own. */
export const PolicyModeSettings = Type.Object({
  mode: Type.Optional(Type.Union(POLICY_MODES.map((mode) => Type.Literal(mode)))),
});

/** The policies block: one optional member per registered policy, unknown names refused. */
export function policiesSchema(definitions: readonly PolicyDefinition[]): TObject {
  const members: Record<string, TSchema> = {};
  for (const definition of definitions) {
    members[definition.name] = Type.Optional(
      Type.Composite([definition.config, PolicyModeSettings], { additionalProperties: false }),
    );
  }
  return Type.Object(members, { additionalProperties: false });
}

/** The whole config schema for a given set of policies. */
export function configSchema(definitions: readonly PolicyDefinition[]) {
  const policies = policiesSchema(definitions);
  const Route = Type.Object(
    {
      name: Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$' }),
      match: RouteMatch,
      upstream: Type.String({ minLength: 1 }),
      stripPrefix: Type.Optional(Type.String({ pattern: '^/' })),
      allowMethods: Type.Optional(
        Type.Array(Type.Union([Type.Literal('TRACE'), Type.Literal('TRACK'), Type.Literal('CONNECT')]), {
          description: 'methods refused everywhere unless a route lists them',
        }),
      ),
      allowMethodOverride: Type.Boolean({ default: false }),
      allowUrlRewriteHeaders: Type.Boolean({ default: false }),
      public: Type.Optional(
        Type.Object(
          { reason: Type.String({ minLength: 1, maxLength: 512, description: 'why anyone may call it' }) },
          {
            additionalProperties: false,
            description:
              'marks the route intentionally public: `rampart check` stops reporting it as unauthenticated',
          },
        ),
      ),
      policies: Type.Optional(policies),
    },
    { additionalProperties: false },
  );
  return Type.Object(
    {
      version: Type.Literal(1),
      server: Type.Optional(ServerSettings),
      admin: Type.Optional(
        Type.Object(
          {
            host: Type.String({ default: '127.0.0.1' }),
            port: Type.Integer({ minimum: 0, maximum: 65535, default: 9901 }),
            token: Type.Optional(SecretRef),
            readToken: Type.Optional(
              Type.Union([SecretRef], {
                description: 'a read-only token (GET and HEAD only: /metrics, listings); writes need `token`',
              }),
            ),
            enabled: Type.Boolean({ default: true }),
          },
          { additionalProperties: false, default: {} },
        ),
      ),
      log: Type.Optional(
        Type.Object(
          {
            level: Type.Union(
              LOG_LEVELS.map((level) => Type.Literal(level)),
              { default: 'info' },
            ),
            accessLog: Type.Boolean({ default: true }),
            redact: Type.Array(Type.String({ maxLength: 128 }), {
              default: [],
              description: 'extra header or query names to redact in logs',
            }),
          },
          { additionalProperties: false, default: {} },
        ),
      ),
      state: Type.Optional(StateSettings),
      store: Type.Optional(StoreSettings),
      upstreams: Type.Record(Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$' }), Upstream, {
        additionalProperties: false,
      }),
      defaults: Type.Optional(
        Type.Object({ policies: Type.Optional(policies) }, { additionalProperties: false }),
      ),
      routes: Type.Array(Route, { maxItems: 10_000 }),
    },
    { additionalProperties: false },
  );
}

export type ConfigSchema = ReturnType<typeof configSchema>;
/** The validated config (defaults applied, secret references not yet resolved). */
export type RampartConfig = Static<ConfigSchema>;
export type RouteConfig = RampartConfig['routes'][number];
export type UpstreamConfig = RampartConfig['upstreams'][string];
