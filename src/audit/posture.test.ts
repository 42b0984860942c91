import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfigText } from '../config/load.ts';
import type { RampartConfig } from '../config/schema.ts';
import { POLICY_DEFINITIONS } from '../policies/registry.ts';
import { formatPosture, postureOf } from './posture.ts';

const config = {
  version: 1,
  upstreams: { app: { url: 'http://127.0.0.1:1' } },
  defaults: { policies: { 'request-limits': {}, detect: { mode: 'monitor' } } },
  routes: [
    { name: 'open', match: { path: '/open' }, upstream: 'app' },
    {
      name: 'guarded',
      match: { path: '/guarded' },
      upstream: 'app',
      policies: { detect: {}, 'ip-filter': { mode: 'off' } },
    },
  ],
} as unknown as RampartConfig;

test('lists what each route enforces by stage and what only runs in monitor mode', () => {
  const report = postureOf(config, POLICY_DEFINITIONS);
  const [open, guarded] = report.routes;
  assert.deepEqual(open?.enforced, { ingress: ['request-limits'] });
  assert.deepEqual(open?.monitored, ['detect']);
  assert.deepEqual(guarded?.enforced, { ingress: ['request-limits'], threat: ['detect'] });
  assert.deepEqual(guarded?.monitored, []);
});

test('reports routes anyone can call, missing limits and monitor-only policies', () => {
  const report = postureOf(config, POLICY_DEFINITIONS);
  const rules = (route: string) => report.findings.filter((f) => f.route === route).map((f) => f.rule);
  assert.deepEqual(rules('open'), [
    'no-authentication',
    'no-rate-limit',
    'no-schema',
    'no-threat-detection',
    'monitor-only',
  ]);
  assert.deepEqual(rules('guarded'), ['no-authentication', 'no-rate-limit', 'no-schema']);
  assert.match(formatPosture(report), /high {3}open: anyone can call it/);
});

test('finds nothing to report on a route whose authorize refuses everyone', () => {
  const refusing = (rules: unknown[]) =>
    postureOf(
      {
        version: 1,
        upstreams: { app: { url: 'http://127.0.0.1:1' } },
        routes: [
          { name: 'reset', match: { path: '/reset' }, upstream: 'app', policies: { authorize: { rules } } },
        ],
      } as unknown as RampartConfig,
      POLICY_DEFINITIONS,
    )
      .findings.filter((f) => f.route === 'reset')
      .map((f) => f.rule);
  assert.deepEqual(refusing([{ name: 'never-public', deny: true }]), []);
  // Only part of it refused (one method, a condition): the route is still reviewed.
  assert.ok(refusing([{ name: 'no-delete', deny: true, methods: ['DELETE'] }]).includes('no-authentication'));
  assert.ok(
    refusing([{ name: 'at-night', deny: true, when: 'claims.night == true' }]).includes('no-authentication'),
  );
});

test('treats login routes and routes marked public as intentionally public', () => {
  const report = postureOf(
    {
      version: 1,
      upstreams: { app: { url: 'http://127.0.0.1:1' } },
      routes: [
        {
          name: 'login',
          match: { path: '/users/v1/login' },
          upstream: 'app',
          policies: { 'login-guard': { username: { json: 'username' } }, 'rate-limit': {} },
        },
        {
          name: 'health',
          match: { path: '/health' },
          upstream: 'app',
          public: { reason: 'load balancer probe' },
        },
        { name: 'guarded-only', match: { path: '/x' }, upstream: 'app', policies: { 'brute-force': {} } },
      ],
    } as unknown as RampartConfig,
    POLICY_DEFINITIONS,
  );
  const rules = (route: string) => report.findings.filter((f) => f.route === route).map((f) => f.rule);
  assert.deepEqual(rules('login'), ['no-schema', 'no-threat-detection']);
  assert.deepEqual(rules('health'), ['no-rate-limit', 'no-schema', 'no-threat-detection']);
  assert.deepEqual(rules('guarded-only').slice(0, 1), ['no-authentication']);
  const text = formatPosture(report);
  assert.match(text, /public health: load balancer probe/);
  assert.match(text, /login {2}login: public by nature/);
});

test('warns about a config that rewrites the token a login route issues', () => {
  const route = (sensitive: object) => ({
    name: 'login',
    match: { path: '/login' },
    upstream: 'app',
    policies: { 'login-guard': { username: { form: 'username' } }, 'sensitive-data': sensitive },
  });
  const report = postureOf(
    {
      version: 1,
      upstreams: { app: { url: 'http://127.0.0.1:1' } },
      routes: [
        route({ types: { jwt: 'mask' }, keepIssuedTokens: false }),
        { ...route({ types: { jwt: 'mask' } }), name: 'kept' },
      ],
    } as unknown as RampartConfig,
    POLICY_DEFINITIONS,
  );
  const broken = report.findings.filter((f) => f.rule === 'rewrites-issued-token');
  assert.deepEqual(
    broken.map((f) => [f.route, f.severity]),
    [['login', 'high']],
  );
});

test('reads public: { reason } and a login-guard route from a config file as written', async () => {
  const loaded = await loadConfigText(
    `version: 1
upstreams: { app: { url: "http://127.0.0.1:1" } }
routes:
  - name: health
    match: { path: /health }
    upstream: app
    public: { reason: probe }
  - name: login
    match: { path: /users/v1/login, methods: [POST] }
    upstream: app
    policies:
      login-guard: { username: { json: username }, failure: { json: { member: status, equals: fail } }, uniform: true }
`,
    'rampart.yaml',
    POLICY_DEFINITIONS,
  );
  assert.ok(loaded.ok, JSON.stringify(!loaded.ok && loaded.errors));
  const report = postureOf(loaded.config, POLICY_DEFINITIONS);
  assert.deepEqual(
    report.routes.map((route) => [route.route, route.public, route.issuesTokens]),
    [
      ['health', 'probe', false],
      ['login', undefined, true],
    ],
  );
  assert.equal(
    report.findings.some((finding) => finding.rule === 'no-authentication'),
    false,
  );
  const empty = await loadConfigText(
    `version: 1
upstreams: { app: { url: "http://127.0.0.1:1" } }
routes: [{ name: r, match: { path: /r }, upstream: app, public: { reason: "" } }]
`,
    'rampart.yaml',
    POLICY_DEFINITIONS,
  );
  assert.equal(empty.ok, false);
});

test('flags unsafe server, admin and route settings', () => {
  const unsafe = {
    version: 1,
    server: {
      trustedProxies: ['0.0.0.0/0'],
      maxConnectionsPerIp: 0,
      headersTimeout: '60s',
      clientHeaders: { strip: [], keep: ['x-user-id'], underscores: 'allow' },
    },
    admin: { host: '0.0.0.0', port: 9901, enabled: true },
    upstreams: { app: { url: 'http://127.0.0.1:1' } },
    routes: [
      {
        name: 'legacy',
        match: { path: '/legacy', methods: ['GET', 'POST'] },
        upstream: 'app',
        allowMethodOverride: true,
        allowUrlRewriteHeaders: true,
        policies: { cors: { origins: ['null'] } },
      },
    ],
  } as unknown as RampartConfig;
  const rules = postureOf(unsafe, POLICY_DEFINITIONS)
    .findings.filter((finding) => finding.route.startsWith('(') || finding.route === 'legacy')
    .map((finding) => `${finding.severity}:${finding.rule}`);
  for (const expected of [
    'high:admin-open',
    'high:trust-everyone',
    'medium:identity-headers-kept',
    'low:underscore-headers',
    'low:no-connection-cap',
    'medium:slow-headers',
    'medium:method-override',
    'medium:url-rewrite-headers',
    'medium:cors-null-origin',
    'low:cors-preflight-blocked',
  ])
    assert.ok(rules.includes(expected), expected);
});

test('flags nothing about settings in a config that keeps the defaults behind an admin token', () => {
  const safe = {
    ...config,
    admin: { host: '127.0.0.1', port: 9901, enabled: true, token: 'env:ADMIN_TOKEN' },
  } as unknown as RampartConfig;
  const report = postureOf(safe, POLICY_DEFINITIONS);
  assert.deepEqual(
    report.findings.filter((finding) => finding.route.startsWith('(')),
    [],
  );
});
