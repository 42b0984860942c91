import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { configFor, contextFor, depsFor, type TestContext } from '../../../test/helpers/context.ts';
import type { HeaderMap, PolicyHandlers, Verdict } from '../policy.ts';
import { cors } from './index.ts';

function create(raw: unknown): PolicyHandlers {
  return cors.create(configFor(cors, raw), depsFor());
}

/** Runs onRequest, then onResponse on `response` (as the gateway does), sharing one request state. */
function run(
  handlers: PolicyHandlers,
  request: { method?: string; headers?: HeaderMap },
  response: { status?: number; headers?: HeaderMap; local?: boolean } = {},
): { verdict: Verdict; ctx: TestContext } {
  const state = handlers.requestState?.();
  const ctx = contextFor(request);
  const verdict = handlers.onRequest!(ctx, state) as Verdict;
  const answer = contextFor({ ...request, response: { status: 200, headers: {}, ...response } });
  handlers.onResponse!(answer, state);
  return { verdict, ctx: answer };
}

const APP = 'https://app.example.com';

describe('cors', () => {
  test('answers an allowed preflight itself with 204 and the allowed methods and headers', () => {
    const handlers = create({
      origins: [APP],
      methods: ['GET', 'POST'],
      headers: ['content-type', 'authorization'],
      credentials: true,
      maxAge: 300,
    });
    const { verdict, ctx } = run(
      handlers,
      {
        method: 'OPTIONS',
        headers: {
          origin: APP,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'Content-Type, Authorization',
        },
      },
      {
        status: 204,
        headers: { 'content-type': 'application/problem+json', 'content-length': '10' },
        local: true,
      },
    );
    assert.equal(verdict.kind, 'deny');
    assert.ok(
      verdict.kind === 'deny' && verdict.answer === true && verdict.code === 'RAMPART_CORS_PREFLIGHT',
    );
    assert.deepEqual(verdict.kind === 'deny' && verdict.headers, {
      'access-control-allow-origin': APP,
      'access-control-allow-methods': 'GET, POST',
      'access-control-max-age': '300',
      'access-control-allow-headers': 'content-type, authorization',
      'access-control-allow-credentials': 'true',
    });
    const out = ctx.response!;
    assert.equal(out.body, undefined);
    assert.equal(out.headers['content-type'], undefined);
    assert.equal(out.headers['content-length'], undefined);
    assert.equal(out.headers.vary, 'Origin');
  });

  test('refuses a preflight from an unlisted origin, for an unlisted method or header', () => {
    const handlers = create({ origins: [APP, 'https://*.example.org'] });
    const cases: Array<[HeaderMap, string]> = [
      [{ origin: 'https://evil-example.com', 'access-control-request-method': 'GET' }, 'origin'],
      [{ origin: 'https://example.com.evil.test', 'access-control-request-method': 'GET' }, 'origin'],
      [{ origin: 'null', 'access-control-request-method': 'GET' }, 'origin'],
      [{ origin: APP, 'access-control-request-method': 'DELETE' }, 'method'],
      [
        { origin: APP, 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-admin' },
        'headers',
      ],
    ];
    for (const [headers, rule] of cases) {
      const { verdict } = run(handlers, { method: 'OPTIONS', headers });
      assert.ok(
        verdict.kind === 'deny' && verdict.code === 'RAMPART_CORS_REFUSED' && verdict.rule === rule,
        rule,
      );
    }
  });

  test('adds the allow headers for an allowed origin and replaces what the upstream said', () => {
    const handlers = create({ origins: ['https://*.example.org'], exposeHeaders: ['x-total'] });
    const { ctx } = run(
      handlers,
      { method: 'GET', headers: { origin: 'https://shop.example.org' } },
      {
        headers: {
          'access-control-allow-origin': '*',
          'access-control-allow-credentials': 'true',
          vary: 'Accept',
        },
      },
    );
    assert.equal(ctx.response!.headers['access-control-allow-origin'], 'https://shop.example.org');
    assert.equal(ctx.response!.headers['access-control-allow-credentials'], undefined);
    assert.equal(ctx.response!.headers['access-control-expose-headers'], 'x-total');
    assert.equal(ctx.response!.headers.vary, 'Accept, Origin');
  });

  test('sends no allow headers to an origin that is not listed, and strips the upstream ones', () => {
    const handlers = create({ origins: [APP] });
    const { ctx, verdict } = run(
      handlers,
      { method: 'GET', headers: { origin: 'https://evil.test' } },
      {
        headers: {
          'access-control-allow-origin': 'https://evil.test',
          'access-control-allow-credentials': 'true',
        },
      },
    );
    assert.equal(verdict.kind, 'continue');
    assert.equal(ctx.response!.headers['access-control-allow-origin'], undefined);
    assert.equal(ctx.response!.headers['access-control-allow-credentials'], undefined);
    assert.equal(ctx.response!.headers.vary, 'Origin');
  });

  test('answers * without Vary for any origin when credentials are off', () => {
    const { ctx } = run(create({ origins: ['*'] }), { headers: { origin: 'https://x.test' } });
    assert.equal(ctx.response!.headers['access-control-allow-origin'], '*');
    assert.equal(ctx.response!.headers.vary, undefined);
  });

  test('refuses a config that allows every origin with credentials', () => {
    assert.throws(() => create({ origins: ['*'], credentials: true }), /credentials/);
  });

  test('leaves requests without Origin alone', () => {
    const { verdict, ctx } = run(create({ origins: [APP] }), { method: 'OPTIONS' });
    assert.equal(verdict.kind, 'continue');
    assert.equal(ctx.response!.headers['access-control-allow-origin'], undefined);
  });
});
