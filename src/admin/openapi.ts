// The admin API's own OpenAPI 3.1 document, served at GET /openapi.json: every route the admin listener
// mounts (a test holds every mounted route to it), its parameters and the shape of its answers.

type Json = Readonly<Record<string, unknown>>;

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });
const problem = {
  description: 'problem+json',
  content: { 'application/problem+json': { schema: ref('Problem') } },
};
const json = (description: string, schema: Json): Json => ({
  description,
  content: { 'application/json': { schema } },
});
const body = (schema: Json): Json => ({ required: true, content: { 'application/json': { schema } } });
const pathId = (name: string, description: string): Json => ({
  name,
  in: 'path',
  required: true,
  schema: { type: 'string' },
  description,
});
const queryParam = (name: string, description: string, schema: Json = { type: 'string' }): Json => ({
  name,
  in: 'query',
  required: false,
  schema,
  description,
});

interface Operation {
  readonly summary: string;
  readonly scope: 'none' | 'read' | 'write';
  readonly tag: string;
  readonly parameters?: readonly Json[];
  readonly requestBody?: Json;
  readonly ok: Json;
  readonly status?: number;
}

function operation(op: Operation): Json {
  const security = op.scope === 'none' ? [] : [{ adminToken: [] }];
  return {
    summary: op.summary,
    tags: [op.tag],
    'x-rampart-scope': op.scope,
    security,
    ...(op.parameters === undefined ? {} : { parameters: op.parameters }),
    ...(op.requestBody === undefined ? {} : { requestBody: op.requestBody }),
    responses: {
      [String(op.status ?? 200)]: op.ok,
      ...(op.scope === 'none' ? {} : { '401': problem }),
      ...(op.scope === 'write' ? { '403': problem } : {}),
      '400': problem,
    },
  };
}

const object = (properties: Json, required: readonly string[] = []): Json => ({
  type: 'object',
  properties,
  ...(required.length === 0 ? {} : { required }),
});
const str = { type: 'string' };
const num = { type: 'number' };
const nullableNum = { type: ['number', 'null'] };
const figures = object({
  requests: num,
  errors: num,
  blocked: num,
  errorRate: num,
  blockRate: num,
  p50: nullableNum,
  p99: nullableNum,
});
const anything = {};

/** The document. */
export const ADMIN_OPENAPI = {
  openapi: '3.1.0',
  info: {
    title: 'Rampart admin API',
    version: '1',
    description:
      'The admin listener of a Rampart gateway (127.0.0.1 by default). Bearer tokens: the admin token ' +
      '(everything), the read-only token (GET and HEAD), or a dashboard session opened with either ' +
      '(POST /session). Errors are RFC 9457 problem+json with a stable `code`.',
  },
  components: {
    securitySchemes: { adminToken: { type: 'http', scheme: 'bearer' } },
    schemas: {
      Problem: object({ type: str, title: str, status: num, code: str, requestId: str, detail: str }, [
        'title',
        'status',
        'code',
      ]),
      Session: object(
        { token: str, scope: { enum: ['read', 'write'] }, idleExpiresAt: num, expiresAt: num },
        ['scope'],
      ),
      Consumer: object({
        id: str,
        name: str,
        roles: { type: 'array', items: str },
        metadata: anything,
        enabled: { type: 'boolean' },
        createdAt: str,
      }),
      ApiKey: object({
        id: str,
        prefix: str,
        consumerId: str,
        createdAt: str,
        expiresAt: { type: ['string', 'null'] },
        revokedAt: { type: ['string', 'null'] },
        replacedBy: { type: ['string', 'null'] },
        status: { enum: ['active', 'expired', 'revoked'] },
        key: { type: 'string', description: 'the key itself: in the 201 answer that issues it, never again' },
      }),
      SigningKey: object({ keyid: str, consumerId: str, algorithm: str, secret: str }),
      Traffic: object({
        now: num,
        minutes: num,
        route: { type: ['string', 'null'] },
        totals: figures,
        series: { type: 'array', items: { allOf: [figures, object({ time: num })] } },
        routes: { type: 'array', items: { allOf: [figures, object({ route: str })] } },
      }),
      SecurityEvent: object({
        seq: num,
        time: num,
        requestId: str,
        route: str,
        clientIp: str,
        consumerId: str,
        outcome: { enum: ['denied', 'would-deny', 'flagged'] },
        policy: str,
        code: str,
        rule: str,
        location: str,
        evidence: { type: 'string', description: 'redacted and cut by the event channel' },
        reason: str,
        severity: { enum: ['low', 'medium', 'high', 'critical'] },
      }),
    },
  },
  paths: {
    '/healthz': {
      get: operation({ summary: 'Liveness', scope: 'none', tag: 'health', ok: json('alive', anything) }),
    },
    '/readyz': {
      get: operation({
        summary: 'Readiness (503 until ready)',
        scope: 'none',
        tag: 'health',
        ok: json('ready', anything),
      }),
    },
    '/metrics': {
      get: operation({
        summary: 'Prometheus metrics (text exposition format)',
        scope: 'read',
        tag: 'observe',
        ok: { description: 'metrics', content: { 'text/plain': { schema: str } } },
      }),
    },
    '/openapi.json': {
      get: operation({
        summary: 'This document',
        scope: 'read',
        tag: 'meta',
        ok: json('OpenAPI 3.1', anything),
      }),
    },
    '/session': {
      post: operation({
        summary: 'Opens a dashboard session with the scope of the token presented (not with a session)',
        scope: 'read',
        tag: 'session',
        status: 201,
        ok: json('the session token, shown once', ref('Session')),
      }),
      get: operation({
        summary:
          'Renews the session presented (a new token, idle end pushed back), or tells the scope of a token',
        scope: 'read',
        tag: 'session',
        ok: json('scope', ref('Session')),
      }),
      delete: operation({
        summary: 'Ends the session presented',
        scope: 'read',
        tag: 'session',
        ok: json('closed', object({ closed: { type: 'boolean' } })),
      }),
    },
    '/traffic': {
      get: operation({
        summary: 'Requests, error and block rates, p50/p99 per minute and per route (the last hour)',
        scope: 'read',
        tag: 'observe',
        parameters: [
          queryParam('minutes', 'window, 1 to 60 (default 60)', { type: 'integer', minimum: 1, maximum: 60 }),
          queryParam('route', 'one route only'),
        ],
        ok: json('figures', ref('Traffic')),
      }),
    },
    '/events': {
      get: operation({
        summary: 'Recent security events (a bounded ring), newest first',
        scope: 'read',
        tag: 'observe',
        parameters: [
          queryParam('route', 'route name'),
          queryParam('consumer', 'consumer id'),
          queryParam('rule', 'rule id, error code or policy'),
          queryParam('clientIp', 'client address'),
          queryParam('outcome', 'denied, would-deny or flagged'),
          queryParam('since', 'ms since the epoch or ISO 8601'),
          queryParam('until', 'ms since the epoch or ISO 8601'),
          queryParam('limit', '1 to 500 (default 100)', { type: 'integer' }),
        ],
        ok: json(
          'a page',
          object({
            events: { type: 'array', items: ref('SecurityEvent') },
            matched: num,
            kept: num,
            seen: num,
          }),
        ),
      }),
    },
    '/posture': {
      get: operation({
        summary: 'The `rampart check` report per route, the `rampart audit` score per spec, the last scan',
        scope: 'read',
        tag: 'posture',
        ok: json(
          'posture',
          object({
            version: num,
            routes: { type: 'array' },
            findings: { type: 'array' },
            specs: { type: 'array' },
            scan: anything,
          }),
        ),
      }),
    },
    '/config': {
      get: operation({
        summary: 'The running config version, its routes and upstreams, the last reloads and refusals',
        scope: 'read',
        tag: 'config',
        ok: json(
          'config',
          object({
            version: num,
            reloads: { type: 'array' },
            routes: { type: 'array' },
            upstreams: { type: 'array' },
          }),
        ),
      }),
    },
    '/scan-report': {
      get: operation({
        summary: 'The last scan report posted',
        scope: 'read',
        tag: 'posture',
        ok: json('report or null', anything),
      }),
      post: operation({
        summary: 'Keeps a `rampart scan --format json` report for the Posture page',
        scope: 'write',
        tag: 'posture',
        status: 201,
        requestBody: body(object({ target: str, findings: { type: 'array' } }, ['target', 'findings'])),
        ok: json('kept', object({ findings: num })),
      }),
    },
    '/consumers': {
      get: operation({
        summary: 'Consumers',
        scope: 'read',
        tag: 'consumers',
        ok: json('list', { type: 'array', items: ref('Consumer') }),
      }),
      post: operation({
        summary: 'Creates a consumer',
        scope: 'write',
        tag: 'consumers',
        status: 201,
        requestBody: body(object({ name: str, roles: { type: 'array', items: str } }, ['name'])),
        ok: json('created', ref('Consumer')),
      }),
    },
    '/consumers/{id}': {
      get: operation({
        summary: 'A consumer',
        scope: 'read',
        tag: 'consumers',
        parameters: [pathId('id', 'consumer id')],
        ok: json('consumer', ref('Consumer')),
      }),
      patch: operation({
        summary: 'Changes roles or enables/disables a consumer (disabling is announced to every instance)',
        scope: 'write',
        tag: 'consumers',
        parameters: [pathId('id', 'consumer id')],
        requestBody: body(object({ roles: { type: 'array', items: str }, enabled: { type: 'boolean' } })),
        ok: json('consumer', ref('Consumer')),
      }),
    },
    '/consumers/{id}/keys': {
      get: operation({
        summary: "A consumer's API keys (never the keys themselves)",
        scope: 'read',
        tag: 'keys',
        parameters: [pathId('id', 'consumer id')],
        ok: json('list', { type: 'array', items: ref('ApiKey') }),
      }),
      post: operation({
        summary: 'Issues an API key; the key is in this answer only',
        scope: 'write',
        tag: 'keys',
        status: 201,
        parameters: [pathId('id', 'consumer id')],
        requestBody: body(object({ expires: { type: 'string', description: 'a duration such as "30d"' } })),
        ok: json('issued', ref('ApiKey')),
      }),
    },
    '/keys': {
      get: operation({
        summary: 'Every API key',
        scope: 'read',
        tag: 'keys',
        ok: json('list', { type: 'array', items: ref('ApiKey') }),
      }),
    },
    '/keys/{id}/rotate': {
      post: operation({
        summary: 'Issues a replacement; the old key keeps working for `grace` (24h by default)',
        scope: 'write',
        tag: 'keys',
        status: 201,
        parameters: [pathId('id', 'key id')],
        requestBody: body(object({ grace: str, expires: str })),
        ok: json('the new key, shown once', ref('ApiKey')),
      }),
    },
    '/keys/{id}/revoke': {
      post: operation({
        summary: 'Revokes a key now (announced to every instance)',
        scope: 'write',
        tag: 'keys',
        parameters: [pathId('id', 'key id')],
        requestBody: body(object({})),
        ok: json('revoked', object({ id: str, revoked: { type: 'boolean' } })),
      }),
    },
    '/consumers/{id}/signing-keys': {
      get: operation({
        summary: "A consumer's HTTP message signature keys",
        scope: 'read',
        tag: 'keys',
        parameters: [pathId('id', 'consumer id')],
        ok: json('list', { type: 'array', items: ref('SigningKey') }),
      }),
      post: operation({
        summary: 'Issues a signing key (an HMAC secret shown once, or registers an Ed25519 public key)',
        scope: 'write',
        tag: 'keys',
        status: 201,
        parameters: [pathId('id', 'consumer id')],
        requestBody: body(
          object({ algorithm: { enum: ['hmac-sha256', 'ed25519'] }, publicKey: str }, ['algorithm']),
        ),
        ok: json('issued', ref('SigningKey')),
      }),
    },
    '/signing-keys/{id}/revoke': {
      post: operation({
        summary: 'Revokes a signing key',
        scope: 'write',
        tag: 'keys',
        parameters: [pathId('id', 'key id')],
        requestBody: body(object({})),
        ok: json('revoked', object({ keyid: str, revoked: { type: 'boolean' } })),
      }),
    },
    '/tokens/revoke': {
      post: operation({
        summary: 'Revokes JWTs by jti or by subject (issued before an instant)',
        scope: 'write',
        tag: 'keys',
        requestBody: body(object({ jti: str, subject: str, before: str, ttl: str })),
        ok: json('revocation', object({ kind: str, value: str, issuedBefore: str, expiresAt: str })),
      }),
    },
    '/inventory': {
      get: operation({
        summary:
          'Endpoints learned from traffic, with the inventory figures (when `inventory:` is configured)',
        scope: 'read',
        tag: 'inventory',
        ok: json('endpoints and stats', object({ endpoints: { type: 'array' }, stats: anything })),
      }),
    },
    '/inventory/endpoint': {
      get: operation({
        summary: "One endpoint's facts",
        scope: 'read',
        tag: 'inventory',
        parameters: [
          queryParam('method', 'HTTP method'),
          queryParam('path', 'path template, e.g. /users/{id}'),
        ],
        ok: json('facts', anything),
      }),
    },
    '/inventory/diff': {
      get: operation({
        summary:
          'The inventory against the contracts: shadow, zombie, unused, drift, unauthenticated, sensitive',
        scope: 'read',
        tag: 'inventory',
        ok: json('comparison', anything),
      }),
    },
    '/inventory/export': {
      get: operation({
        summary: 'The inventory as OpenAPI 3.1',
        scope: 'read',
        tag: 'inventory',
        ok: json('OpenAPI', anything),
      }),
    },
    '/inventory/risk': {
      get: operation({
        summary: 'The risk register of the running config (nothing recorded)',
        scope: 'read',
        tag: 'inventory',
        ok: json('register', { type: 'array' }),
      }),
    },
    '/inventory/learn': {
      post: operation({
        summary: 'Learns the exchanges of a HAR document (at most 1 MiB)',
        scope: 'write',
        tag: 'inventory',
        requestBody: body(anything),
        ok: json('learned', object({ learned: num })),
      }),
    },
    '/alerts': {
      get: operation({
        summary: 'The alerts firing now',
        scope: 'read',
        tag: 'observe',
        ok: json('firing alerts', { type: 'array' }),
      }),
    },
    '/audit-trail': {
      get: operation({
        summary: 'Stored audit records from a time on (when `auditTrail:` is configured), newest first',
        scope: 'read',
        tag: 'observe',
        parameters: [
          queryParam('since', 'ms since the epoch (default: an hour ago)', { type: 'integer' }),
          queryParam('requestId', 'the request of a recorded denial'),
          queryParam('kind', 'admin, config, mode, denial…'),
          queryParam('limit', '1 to 500 (default 100)', { type: 'integer' }),
        ],
        ok: json(
          'records',
          object({ records: { type: 'array' }, scanned: num, complete: { type: 'boolean' } }),
        ),
      }),
    },
    '/quotas/{consumer}': {
      get: operation({
        summary: "A consumer's quota usage on every route with a quota",
        scope: 'read',
        tag: 'traffic',
        parameters: [pathId('consumer', 'consumer id')],
        ok: json('usage', anything),
      }),
    },
  },
} as const;
