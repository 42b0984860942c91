import assert from 'node:assert/strict';
import { test } from 'node:test';
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
