import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { configFor, contextFor, depsFor } from '../../../test/helpers/context.ts';
import type { HeaderMap, PolicyHandlers, Verdict } from '../policy.ts';
import { csrf } from './index.ts';

function create(raw: unknown = {}): PolicyHandlers {
  return csrf.create(configFor(csrf, raw), depsFor());
}

function verdict(handlers: PolicyHandlers, method: string, headers: HeaderMap): Verdict {
  return handlers.onRequest!(
    contextFor({ method, headers: { host: 'api.example.com', ...headers } }),
  ) as Verdict;
}

function refusedBy(result: Verdict): string | undefined {
  return result.kind === 'deny' && result.code === 'RAMPART_CSRF_REFUSED' ? result.rule : undefined;
}

const COOKIE = { cookie: 'session=abc' };

describe('csrf', () => {
  test('refuses a cross-site POST with cookies by Sec-Fetch-Site, Origin or Referer', () => {
    const handlers = create();
    assert.equal(
      refusedBy(
        verdict(handlers, 'POST', { ...COOKIE, 'sec-fetch-site': 'cross-site', origin: 'https://evil.test' }),
      ),
      'fetch-site',
    );
    assert.equal(
      refusedBy(verdict(handlers, 'POST', { ...COOKIE, 'sec-fetch-site': 'same-site' })),
      'fetch-site',
    );
    assert.equal(
      refusedBy(verdict(handlers, 'DELETE', { ...COOKIE, origin: 'https://evil.test' })),
      'origin',
    );
    assert.equal(refusedBy(verdict(handlers, 'PUT', { ...COOKIE, origin: 'null' })), 'origin');
    assert.equal(
      refusedBy(verdict(handlers, 'PATCH', { ...COOKIE, referer: 'https://api.example.com.evil.test/x' })),
      'referer',
    );
  });

  test('accepts same-origin requests whatever the scheme the gateway sees', () => {
    const handlers = create();
    assert.equal(verdict(handlers, 'POST', { ...COOKIE, 'sec-fetch-site': 'same-origin' }).kind, 'continue');
    assert.equal(verdict(handlers, 'POST', { ...COOKIE, 'sec-fetch-site': 'none' }).kind, 'continue');
    assert.equal(
      verdict(handlers, 'POST', { ...COOKIE, origin: 'https://api.example.com' }).kind,
      'continue',
    );
    assert.equal(
      verdict(handlers, 'POST', { ...COOKIE, referer: 'https://api.example.com/page?a=1' }).kind,
      'continue',
    );
  });

  test('accepts trusted origins and same-site when allowed', () => {
    const handlers = create({ trustedOrigins: ['https://*.example.com'], allowSameSite: true });
    assert.equal(verdict(handlers, 'POST', { ...COOKIE, 'sec-fetch-site': 'same-site' }).kind, 'continue');
    assert.equal(
      verdict(handlers, 'POST', {
        ...COOKIE,
        'sec-fetch-site': 'cross-site',
        origin: 'https://app.example.com',
      }).kind,
      'continue',
    );
    assert.equal(
      refusedBy(verdict(handlers, 'POST', { ...COOKIE, origin: 'https://evil-example.com' })),
      'origin',
    );
  });

  test('leaves safe methods, cookie-less API calls and (by default) origin-less clients alone', () => {
    const handlers = create();
    assert.equal(verdict(handlers, 'GET', { ...COOKIE, 'sec-fetch-site': 'cross-site' }).kind, 'continue');
    assert.equal(
      verdict(handlers, 'POST', { 'sec-fetch-site': 'cross-site', authorization: 'Bearer x' }).kind,
      'continue',
    );
    assert.equal(verdict(handlers, 'POST', COOKIE).kind, 'continue');
    assert.equal(refusedBy(verdict(create({ requireOrigin: true }), 'POST', COOKIE)), 'no-origin');
    assert.equal(
      refusedBy(verdict(create({ onlyWithCookies: false }), 'POST', { origin: 'https://evil.test' })),
      'origin',
    );
  });

  test('requires the double-submit header to repeat the cookie', () => {
    const handlers = create({ doubleSubmit: {} });
    const same = { 'sec-fetch-site': 'same-origin' };
    assert.equal(
      verdict(handlers, 'POST', { ...same, cookie: 'a=1; csrf-token=t0k3n', 'x-csrf-token': 't0k3n' }).kind,
      'continue',
    );
    assert.equal(
      refusedBy(verdict(handlers, 'POST', { ...same, cookie: 'csrf-token=t0k3n', 'x-csrf-token': 'other' })),
      'double-submit',
    );
    assert.equal(
      refusedBy(verdict(handlers, 'POST', { ...same, cookie: 'csrf-token=t0k3n' })),
      'double-submit',
    );
    assert.equal(
      refusedBy(verdict(handlers, 'POST', { ...same, cookie: 'session=1', 'x-csrf-token': '' })),
      'double-submit',
    );
  });
});
