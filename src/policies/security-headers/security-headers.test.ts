import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type ContextOverrides, configFor, contextFor, depsFor } from '../../../test/helpers/context.ts';
import type { HeaderMap, PolicyHandlers } from '../policy.ts';
import { securityHeaders } from './index.ts';

function create(raw: unknown = {}): PolicyHandlers {
  return securityHeaders.create(configFor(securityHeaders, raw), depsFor());
}

/** Runs the response phase and returns the resulting headers. */
function respond(handlers: PolicyHandlers, overrides: ContextOverrides): HeaderMap {
  const ctx = contextFor(overrides);
  const verdict = handlers.onResponse?.(ctx);
  assert.deepEqual(verdict, { kind: 'continue' });
  assert.ok(ctx.response);
  return ctx.response.headers;
}

const DEFAULT_HEADERS = {
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cross-origin-resource-policy': 'same-origin',
};

describe('security-headers', () => {
  test('adds the OWASP REST headers and HSTS to an HTTPS response', () => {
    const headers = respond(create(), {
      secure: true,
      response: { headers: { 'content-type': 'application/json' } },
    });
    assert.deepEqual(headers, {
      'content-type': 'application/json',
      ...DEFAULT_HEADERS,
      'strict-transport-security': 'max-age=31536000; includeSubDomains',
    });
  });

  test('leaves HSTS out over plain HTTP unless forced', () => {
    assert.equal(respond(create(), { response: {} })['strict-transport-security'], undefined);
    const forced = respond(create({ hsts: { force: true, preload: true, maxAge: 600 } }), { response: {} });
    assert.equal(forced['strict-transport-security'], 'max-age=600; includeSubDomains; preload');
  });

  test('replaces an upstream HSTS header with the gateway policy', () => {
    const headers = respond(create(), {
      secure: true,
      response: { headers: { 'strict-transport-security': 'max-age=0' } },
    });
    assert.equal(headers['strict-transport-security'], 'max-age=31536000; includeSubDomains');
  });

  test('removes Server, X-Powered-By, ASP.NET version headers and configured extras', () => {
    const headers = respond(create({ removeHeaders: ['X-Upstream-Host'] }), {
      response: {
        headers: {
          server: 'nginx/1.2.3',
          'x-powered-by': 'Express',
          'x-aspnet-version': '4.0.30319',
          'x-aspnetmvc-version': '5.2',
          'x-upstream-host': 'app-7.internal',
          etag: '"abc"',
        },
      },
    });
    for (const name of [
      'server',
      'x-powered-by',
      'x-aspnet-version',
      'x-aspnetmvc-version',
      'x-upstream-host',
    ]) {
      assert.equal(headers[name], undefined, name);
    }
    assert.equal(headers.etag, '"abc"');
  });

  test("keeps the upstream's Cache-Control and CSP unless told to replace them", () => {
    const upstream = { 'cache-control': 'max-age=60', 'content-security-policy': "default-src 'self'" };
    const kept = respond(create(), { response: { headers: { ...upstream } } });
    assert.equal(kept['cache-control'], 'max-age=60');
    assert.equal(kept['content-security-policy'], "default-src 'self'");
    const replaced = respond(create({ forceCacheControl: true, overrideUpstream: true }), {
      response: { headers: { ...upstream } },
    });
    assert.equal(replaced['cache-control'], 'no-store');
    assert.equal(replaced['content-security-policy'], "default-src 'none'; frame-ancestors 'none'");
  });

  test('always replaces X-Content-Type-Options with nosniff', () => {
    const headers = respond(create(), { response: { headers: { 'x-content-type-options': 'sniff-away' } } });
    assert.equal(headers['x-content-type-options'], 'nosniff');
  });

  test('leaves out headers configured as false and uses configured values', () => {
    const headers = respond(
      create({
        contentSecurityPolicy: false,
        frameOptions: 'SAMEORIGIN',
        referrerPolicy: false,
        crossOriginResourcePolicy: 'cross-origin',
        contentTypeOptions: false,
        cacheControl: 'private, max-age=0',
      }),
      { response: { headers: {} } },
    );
    assert.deepEqual(headers, {
      'cache-control': 'private, max-age=0',
      'x-frame-options': 'SAMEORIGIN',
      'cross-origin-resource-policy': 'cross-origin',
    });
  });

  test('protects responses the gateway wrote itself', () => {
    const headers = respond(create(), {
      response: { status: 403, local: true, headers: { 'content-type': 'application/problem+json' } },
    });
    assert.equal(headers['x-content-type-options'], 'nosniff');
    assert.equal(headers['cache-control'], 'no-store');
  });

  test('refuses header values that could split the response', () => {
    assert.throws(() =>
      configFor(securityHeaders, { contentSecurityPolicy: "default-src 'none'\r\nX-Evil: 1" }),
    );
    assert.throws(() => configFor(securityHeaders, { removeHeaders: ['bad header'] }));
    assert.throws(() => configFor(securityHeaders, { frameOptions: 'ALLOW-FROM https://x' }));
  });
});
