// The schema of rampart.yaml: validated at load (ajv), and the source of the config's TypeScript types.
// The `policies` member of defaults and routes is built from the policy registry, so a policy's own
// schema validates its block with exact paths (`routes[2].policies.methods.allow[0]`).
import { type Static, type TObject, type TSchema, Type } from '@sinclair/typebox';
import { AlertSettings } from '../alerts/config.ts';
import { AuditTrailSettings } from '../audit-trail/config.ts';
import { forwardAuthConfig } from '../forward-auth/config.ts';
import { InventorySettings } from '../inventory/config.ts';
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
    http2: Type.Boolean({
      default: false,
      description: 'offer HTTP/2 by ALPN (h2, then http/1.1 for clients without it)',
    }),
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

/** HTTP/2 limits (docs/protocols.md): per connection, on the TLS listener with `http2` and on h2c. */
const Http2Settings = Type.Object(
  {
    maxConcurrentStreams: Type.Integer({
      minimum: 1,
      maximum: 1000,
      default: 100,
      description: 'streams one connection may have open at once (SETTINGS_MAX_CONCURRENT_STREAMS)',
    }),
    maxHeaderListSize: Type.Optional(
      Type.Union([Bytes], {
        description: 'decoded header list a request may carry (default: server.maxHeaderBytes, 16kb)',
      }),
    ),
    maxStreamResets: Type.Integer({
      minimum: 1,
      maximum: 100_000,
      default: 200,
      description:
        'streams a client may reset before their answer within streamResetWindow; past it the connection ends with GOAWAY (rapid reset, CVE-2023-44487)',
    }),
    streamResetWindow: Type.Union([Duration], { default: '10s' }),
  },
  { additionalProperties: false, default: {} },
);

/** A cleartext HTTP/2 listener (h2c with prior knowledge; no HTTP/1.1 on it). */
const H2cListener = Type.Object(
  {
    host: Type.String({ default: '127.0.0.1', description: 'address to bind' }),
    port: Port,
  },
  { additionalProperties: false },
);

const ServerSettings = Type.Object(
  {
    http: Type.Optional(HttpListener),
    https: Type.Optional(HttpsListener),
    h2c: Type.Optional(H2cListener),
    http2: Type.Optional(Http2Settings),
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
    forwardAuth: Type.Optional(forwardAuthConfig),
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

const HeaderSecrets = Type.Record(Type.String({ pattern: '^[A-Za-z0-9-]{1,64}$' }), SecretRef, {
  description: 'request headers whose values are secret references (env:NAME, file:PATH)',
});
const HttpUrl = Type.String({ pattern: '^https?://[^\\s]+$', maxLength: 2048 });

/** The kinds of sink (docs/observability.md). */
export const SINK_TYPES = ['file', 'syslog', 'http', 'otlp-logs'] as const;

/** Which members each sink type takes besides the common ones (checked in semantic.ts). */
export const SINK_MEMBERS: Readonly<Record<(typeof SINK_TYPES)[number], readonly string[]>> = {
  file: ['path', 'maxBytes', 'maxAge', 'keep'],
  syslog: [
    'protocol',
    'host',
    'port',
    'facility',
    'appName',
    'ca',
    'serverName',
    'timeout',
    'maxDatagramBytes',
  ],
  http: ['url', 'shape', 'token', 'headers', 'index', 'sourceType', 'timeout'],
  'otlp-logs': ['url', 'headers', 'serviceName', 'timeout'],
};

/** The members a sink type must have. */
export const SINK_REQUIRED: Readonly<Record<(typeof SINK_TYPES)[number], readonly string[]>> = {
  file: ['path'],
  syslog: ['host', 'port'],
  http: ['url'],
  'otlp-logs': ['url'],
};

// One object for every type (ajv applies no defaults inside union branches): members of other types
// are refused by semantic.ts, and type-specific defaults are applied where the sink is built.
const Sink = Type.Object(
  {
    name: Type.String({
      pattern: '^[A-Za-z0-9_.-]{1,64}$',
      description: 'names the sink in metrics and logs',
    }),
    type: Type.Union(
      SINK_TYPES.map((type) => Type.Literal(type)),
      { description: 'file (JSON lines), syslog (RFC 5424), http (batches), otlp-logs (OpenTelemetry)' },
    ),
    events: Type.Array(Type.Union([Type.Literal('security'), Type.Literal('requests')]), {
      default: ['security'],
      minItems: 1,
      uniqueItems: true,
      description: 'security: denials, would-denies and flags; requests: one record per finished request',
    }),
    format: Type.Union([Type.Literal('ocsf'), Type.Literal('ecs'), Type.Literal('rampart')], {
      default: 'ocsf',
      description: "OCSF 1.3 classes, Elastic Common Schema 8, or Rampart's own field names",
    }),
    queue: Type.Object(
      {
        maxRecords: Type.Integer({
          minimum: 1,
          maximum: 1_000_000,
          default: 10_000,
          description: 'records waiting before new ones are dropped (counted)',
        }),
        maxBatch: Type.Integer({ minimum: 1, maximum: 10_000, default: 500 }),
        flushInterval: Type.Union([Duration], {
          default: '500ms',
          description: 'longest a record waits for its batch',
        }),
        retries: Type.Integer({ minimum: 0, maximum: 20, default: 5 }),
        backoff: Type.Union([Duration], {
          default: '200ms',
          description: 'first retry delay, doubled each time (full jitter)',
        }),
        maxBackoff: Type.Union([Duration], { default: '30s' }),
      },
      { additionalProperties: false, default: {} },
    ),
    timeout: Type.Optional(
      Type.Union([Duration], { description: 'connect/write or request timeout (default 5s; http 10s)' }),
    ),
    // file
    path: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 1024,
        description: 'file: JSON lines file, relative to the config file',
      }),
    ),
    maxBytes: Type.Optional(
      Type.Union([Bytes], {
        description: 'file: rotate before it grows past this (default 100mb; 0: never)',
      }),
    ),
    maxAge: Type.Optional(
      Type.Union([Duration], { description: 'file: rotate a file this old (default 0: never)' }),
    ),
    keep: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 1000, description: 'file: rotated files kept (default 5)' }),
    ),
    // syslog
    protocol: Type.Optional(
      Type.Union([Type.Literal('udp'), Type.Literal('tcp'), Type.Literal('tls')], {
        description: 'syslog: default tcp',
      }),
    ),
    host: Type.Optional(Type.String({ minLength: 1, maxLength: 253 })),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
    facility: Type.Optional(
      Type.Union(
        [
          'kern',
          'user',
          'daemon',
          'auth',
          'authpriv',
          'local0',
          'local1',
          'local2',
          'local3',
          'local4',
          'local5',
          'local6',
          'local7',
        ].map((name) => Type.Literal(name)),
        { description: 'syslog: default local0' },
      ),
    ),
    appName: Type.Optional(Type.String({ pattern: '^[!-~]{1,48}$', description: 'syslog: default rampart' })),
    ca: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 1024,
        description: 'syslog tls: PEM CA file to trust, relative to the config file',
      }),
    ),
    serverName: Type.Optional(
      Type.String({ maxLength: 253, description: 'syslog tls: the name the certificate must carry' }),
    ),
    maxDatagramBytes: Type.Optional(
      Type.Integer({
        minimum: 480,
        maximum: 65_507,
        description: 'syslog udp: larger messages are dropped, counted (default 8192)',
      }),
    ),
    // http, otlp-logs
    url: Type.Optional(HttpUrl),
    shape: Type.Optional(
      Type.Union([Type.Literal('webhook'), Type.Literal('splunk-hec'), Type.Literal('elastic-bulk')], {
        description:
          'http: webhook (a JSON array, default), splunk-hec (HEC event objects), elastic-bulk (NDJSON)',
      }),
    ),
    token: Type.Optional(
      Type.Union([SecretRef], {
        description: 'http: sent as Bearer (webhook), Splunk (HEC) or ApiKey (Elastic)',
      }),
    ),
    headers: Type.Optional(HeaderSecrets),
    index: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 255,
        description: 'http: Elastic index or data stream; Splunk index',
      }),
    ),
    sourceType: Type.Optional(
      Type.String({ minLength: 1, maxLength: 255, description: 'http: Splunk sourcetype' }),
    ),
    serviceName: Type.Optional(
      Type.String({ minLength: 1, maxLength: 255, description: 'otlp-logs: default rampart' }),
    ),
  },
  { additionalProperties: false },
);

/** Where events go besides the log, and tracing (docs/observability.md); a restart applies changes. */
const ObservabilitySettings = Type.Object(
  {
    sinks: Type.Array(Sink, { default: [], maxItems: 32 }),
    metrics: Type.Optional(
      Type.Object(
        {
          consumerLabels: Type.Integer({
            minimum: 0,
            maximum: 10_000,
            default: 100,
            description:
              'consumers with a label of their own in rampart_consumer_* (the rest count as "other")',
          }),
        },
        { additionalProperties: false },
      ),
    ),
    tracing: Type.Optional(
      Type.Object(
        {
          enabled: Type.Boolean({ default: false }),
          url: Type.String({
            pattern: '^https?://[^\\s]+$',
            maxLength: 2048,
            default: 'http://127.0.0.1:4318/v1/traces',
            description: 'OTLP/HTTP traces endpoint',
          }),
          headers: Type.Optional(HeaderSecrets),
          serviceName: Type.String({ minLength: 1, maxLength: 255, default: 'rampart' }),
          sampleRatio: Type.Number({
            minimum: 0,
            maximum: 1,
            default: 1,
            description: 'share of new traces recorded (a trusted parent decides for its own)',
          }),
          flushInterval: Type.Union([Duration], { default: '1s' }),
          maxQueue: Type.Integer({
            minimum: 1,
            maximum: 1_000_000,
            default: 2048,
            description: 'spans waiting for export before new ones are dropped',
          }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false, default: {} },
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

/** A route's WebSocket settings (docs/protocols.md): present means the route proxies upgrades. */
const RouteWebSocket = Type.Object(
  {
    maxMessageBytes: Type.Union([Bytes], {
      default: '1mb',
      description: 'largest message a client may send; a larger one closes the connection with 1009',
    }),
    maxUpstreamMessageBytes: Type.Union([Bytes], {
      default: '16mb',
      description: 'largest message taken from the upstream (closes both sides with 1009)',
    }),
    messagesPerSecond: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        maximum: 1_000_000,
        description: 'client messages per second per connection; over it the connection closes with 1008',
      }),
    ),
    messageBurst: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 1_000_000,
        description: 'messages allowed at once above the rate (default: one second of the rate)',
      }),
    ),
    idleTimeout: Type.Union([Duration], {
      default: '5m',
      description: 'a connection with no message either way for this long is closed (1001)',
    }),
    origins: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 300 }), {
        maxItems: 1000,
        description:
          "origins a browser handshake may come from (as in cors); default: the route's cors origins, else same-origin only",
      }),
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
      websocket: Type.Optional(RouteWebSocket),
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
            levels: Type.Union([Type.Literal('number'), Type.Literal('label')], {
              default: 'number',
              description: 'level as pino numbers (30) or labels ("info")',
            }),
            time: Type.Union([Type.Literal('epoch'), Type.Literal('iso')], {
              default: 'epoch',
              description: 'time as epoch milliseconds or ISO 8601 (2026-12-03T10:00:00.000Z)',
            }),
          },
          { additionalProperties: false, default: {} },
        ),
      ),
      observability: Type.Optional(ObservabilitySettings),
      state: Type.Optional(StateSettings),
      store: Type.Optional(StoreSettings),
      inventory: Type.Optional(InventorySettings),
      auditTrail: Type.Optional(AuditTrailSettings),
      alerts: Type.Optional(AlertSettings),
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
export type ObservabilityConfig = NonNullable<RampartConfig['observability']>;
export type SinkConfig = ObservabilityConfig['sinks'][number];
export type TracingConfig = NonNullable<ObservabilityConfig['tracing']>;
