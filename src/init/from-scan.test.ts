// How init merges a scan's fix blocks into its routes: blocks for other routes (`also`), over the
// defaults a route's block replaces, the scan's named administrators over init's stand-in, preflights
// for cors, undocumented paths no route forwards, and token-shield never next to jwt.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { mergeScanFixes, readScanFixes } from './from-scan.ts';

type Route = {
  name: string;
  match: { path: string; methods: string[] };
  upstream?: string;
  policies?: Record<string, unknown>;
};

function routes(): Route[] {
  return [
    { name: 'login', match: { path: '/oauth/token', methods: ['POST'] }, upstream: 'api' },
    {
      name: 'users-admin',
      match: { path: '/users/:name', methods: ['DELETE'] },
      upstream: 'api',
      policies: { authorize: { authenticated: true, rules: [{ name: 'admins-only', deny: true }] } },
    },
    {
      name: 'users',
      match: { path: '/users/:name', methods: ['GET'] },
      policies: { jwt: { secret: 'env:S' } },
    },
    { name: 'notes', match: { path: '/notes', methods: ['GET', 'POST'] } },
  ];
}

function report(findings: unknown[]): string {
  return JSON.stringify({ findings });
}

describe('init --from-scan merge', () => {
  test('reads the blocks a fix needs on other routes and merges each where it belongs', () => {
    const fixes = readScanFixes(
      report([
        {
          check: 'authentication',
          operation: 'GET /notes',
          fix: {
            route: { methods: ['GET'], path: '/notes' },
            policies: { 'token-shield': { role: 'accept' } },
            note: 'shield',
            also: [
              {
                route: { methods: ['POST'], path: '/oauth/token' },
                policies: { 'token-shield': { role: 'issue', tokenPath: 'body.access_token' } },
                note: 'issue',
              },
              {
                route: { methods: ['GET'], path: '/users/:name' },
                policies: { 'token-shield': { role: 'accept' } },
                note: 'shield',
              },
            ],
          },
        },
      ]),
    );
    assert.equal(fixes.length, 3);
    const all = routes();
    const { merged, waiting } = mergeScanFixes(all, fixes, 'spec.yaml');
    assert.deepEqual(all[0]!.policies, { 'token-shield': { role: 'issue', tokenPath: 'body.access_token' } });
    assert.deepEqual(all[3]!.policies, { 'token-shield': { role: 'accept' } });
    // The route verifying tokens with the secret keeps jwt alone.
    assert.equal(all[2]!.policies?.['token-shield'], undefined);
    assert.match(waiting.join('\n'), /not merged into users \(jwt/);
    // One line per finding and note, naming every route it went to.
    assert.equal(merged.length, 2);
  });

  test("starts from the default block the route's own block replaces, and joins rules", () => {
    const all = routes();
    const fixes = readScanFixes(
      report([
        {
          check: 'mass-assignment',
          operation: 'POST /notes',
          fix: {
            route: { methods: ['POST'], path: '/notes' },
            policies: { 'openapi-validate': { spec: 'openapi.yaml', strict: true } },
            note: 'strict',
          },
        },
        {
          check: 'bfla',
          operation: 'DELETE /users/{name}',
          fix: {
            route: { methods: ['DELETE'], path: '/users/:name' },
            policies: { authorize: { rules: [{ name: 'admins-only', when: 'consumer.id in ["ada"]' }] } },
            note: 'admins',
          },
        },
      ]),
    );
    mergeScanFixes(all, fixes, 'api/spec.yaml', {
      'openapi-validate': { spec: 'api/spec.yaml', inferFormats: true },
    });
    assert.deepEqual(all[3]!.policies?.['openapi-validate'], {
      spec: 'api/spec.yaml',
      inferFormats: true,
      strict: true,
    });
    // The scan knows the administrators: its rule replaces init's refuse-everyone stand-in.
    assert.deepEqual(all[1]!.policies?.authorize, {
      authenticated: true,
      rules: [{ name: 'admins-only', when: 'consumer.id in ["ada"]' }],
    });
  });

  test('lets one route per path take preflights for cors, and calls a path no route forwards refused', () => {
    const all = routes();
    const fixes = readScanFixes(
      report([
        {
          check: 'transport',
          operation: '*',
          fix: {
            route: { methods: [], path: '/**' },
            policies: { cors: { origins: ['https://a.example'] } },
            note: 'cors',
          },
        },
        {
          check: 'undocumented',
          operation: 'GET /actuator/env',
          fix: {
            route: { methods: ['GET'], path: '/actuator/env' },
            policies: { 'openapi-validate': { unknownOperations: 'reject' } },
            note: 'documented only',
          },
        },
        {
          check: 'undocumented',
          operation: 'GET /users/debug',
          fix: {
            route: { methods: ['GET'], path: '/users/debug' },
            policies: { 'openapi-validate': { unknownOperations: 'reject' } },
            note: 'documented only',
          },
        },
      ]),
    );
    const { merged, waiting } = mergeScanFixes(all, fixes, 'spec.yaml');
    assert.deepEqual(
      all.slice(0, 4).map((route) => route.match.methods),
      [['POST', 'OPTIONS'], ['DELETE', 'OPTIONS'], ['GET'], ['GET', 'POST', 'OPTIONS']],
    );
    assert.ok(all.slice(0, 4).every((route) => route.policies?.cors !== undefined));
    assert.match(merged.join('\n'), /no route forwards \/actuator\/env, the gateway answers 404/);
    // `/users/:name` would forward /users/debug: a route of its own refuses it.
    assert.deepEqual(waiting, []);
    assert.deepEqual(all.at(-1), {
      name: 'undocumented-4',
      match: { path: '/users/debug', methods: ['GET'] },
      upstream: 'api',
      policies: { authorize: { rules: [{ name: 'never-public', deny: true }] } },
    });
  });
});
