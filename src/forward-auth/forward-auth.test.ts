import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { allowHeaders, denialStatus } from './answer.ts';
import { isUnder, originalFromEnvoy, originalFromHeaders } from './original.ts';

const NAMES = {
  consumer: 'X-Rampart-Consumer',
  consumerId: 'x-rampart-consumer-id',
  scopes: 'x-rampart-scopes',
  method: 'x-rampart-authenticated-by',
};

describe('forward-auth original request', () => {
  test("prefers nginx X-Original-* to Traefik X-Forwarded-*, and the request's own method last", () => {
    const both = originalFromHeaders(
      {
        'x-original-method': 'delete',
        'x-forwarded-method': 'GET',
        'x-original-uri': '/a?x=1',
        'x-forwarded-uri': '/b',
        'x-forwarded-host': 'api.example',
        'x-forwarded-proto': 'https',
        host: 'rampart:8080',
      },
      'GET',
    );
    assert.deepEqual(both, { method: 'DELETE', uri: '/a?x=1', host: 'api.example', secure: true });
    assert.deepEqual(originalFromHeaders({ 'x-forwarded-uri': '/b', host: 'h' }, 'POST'), {
      method: 'POST',
      uri: '/b',
      host: 'h',
      secure: undefined,
    });
  });

  test('refuses targets that are not origin-form and methods that are not tokens', () => {
    assert.equal(originalFromHeaders({}, 'GET'), undefined);
    assert.equal(originalFromHeaders({ 'x-original-uri': 'http://evil/x' }, 'GET'), undefined);
    assert.equal(originalFromHeaders({ 'x-original-uri': '//evil/x' }, 'GET'), undefined);
    assert.equal(originalFromHeaders({ 'x-original-uri': `/${'a'.repeat(20_000)}` }, 'GET'), undefined);
    assert.equal(
      originalFromHeaders({ 'x-original-uri': '/a', 'x-original-method': 'GET /b' }, 'GET'),
      undefined,
    );
  });

  test("takes Envoy's original path after the prefix, with the query", () => {
    assert.deepEqual(originalFromEnvoy('/ext/api/x', 'a=1', '/ext', 'PATCH', { host: 'api' }), {
      method: 'PATCH',
      uri: '/api/x?a=1',
      host: 'api',
      secure: undefined,
    });
    assert.equal(originalFromEnvoy('/ext', '', '/ext', 'GET', {})?.uri, '/');
    assert.ok(isUnder('/ext/a', '/ext'));
    assert.ok(isUnder('/ext', '/ext'));
    assert.ok(!isUnder('/extra', '/ext'));
    assert.ok(isUnder('/ext/a', '/ext/'));
  });
});

describe('forward-auth answers', () => {
  test("carry the policies' upstream headers, Envoy's removal list and the identity, which wins", () => {
    const headers = allowHeaders(
      NAMES,
      { consumerId: 'c-1', consumerName: 'ålice', scopes: ['read', 'write'], method: 'api-key' },
      [
        ['x-api-key', undefined],
        ['x-consumer-id', undefined],
        ['x-consumer-id', 'c-1'],
        ['x-rampart-consumer', 'spoofed'],
      ],
    );
    assert.equal(headers['x-envoy-auth-headers-to-remove'], 'x-api-key');
    assert.equal(headers['x-consumer-id'], 'c-1');
    assert.equal(headers['x-rampart-consumer'], '%C3%A5lice');
    assert.equal(headers['x-rampart-scopes'], 'read write');
    assert.equal(headers['cache-control'], 'no-store');
    const anonymous = allowHeaders(NAMES, undefined, undefined);
    assert.deepEqual(anonymous, { 'cache-control': 'no-store' });
  });

  test('keep statuses exactly, or fold them into 401/403 for nginx with the real one in a header', () => {
    assert.deepEqual(denialStatus('exact', 429), { status: 429, headers: {} });
    assert.deepEqual(denialStatus('nginx', 401), { status: 401, headers: {} });
    assert.deepEqual(denialStatus('nginx', 403), { status: 403, headers: {} });
    assert.deepEqual(denialStatus('nginx', 429), { status: 403, headers: { 'x-rampart-status': '429' } });
  });
});
