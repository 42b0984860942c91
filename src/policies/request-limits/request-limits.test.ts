import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { configFor, contextFor, depsFor } from '../../../test/helpers/context.ts';
import type { PolicyContext, PolicyHandlers, Verdict } from '../policy.ts';
import { requestLimits } from './index.ts';

function create(raw: unknown = {}): PolicyHandlers {
  return requestLimits.create(configFor(requestLimits, raw), depsFor());
}

async function run(handlers: PolicyHandlers, ctx: PolicyContext): Promise<Verdict> {
  assert.ok(handlers.onRequest);
  return handlers.onRequest(ctx);
}

function assertDeny(verdict: Verdict, code: string, rule: string): void {
  assert.equal(verdict.kind, 'deny');
  assert.equal(verdict.kind === 'deny' && verdict.code, code);
  assert.equal(verdict.kind === 'deny' && verdict.rule, rule);
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

describe('request-limits', () => {
  test('lets an ordinary request through with the secure defaults', async () => {
    const verdict = await run(create(), contextFor({ rawUrl: '/users/1?fields=name' }));
    assert.equal(verdict.kind, 'continue');
  });

  test('exposes the body limit for the pipeline to enforce on chunked bodies', () => {
    assert.equal(create().requestBodyLimit, 1024 * 1024);
    assert.equal(create({ maxBodyBytes: '64kb' }).requestBodyLimit, 64 * 1024);
    assert.equal(create({ maxBodyBytes: 500 }).requestBodyLimit, 500);
  });

  test('answers 414 when the raw URL is longer than the limit, and continues at the limit', async () => {
    const handlers = create({ maxUrlLength: 20 });
    assertDeny(
      await run(handlers, contextFor({ rawUrl: `/${'a'.repeat(20)}` })),
      'RAMPART_INGRESS_URL_TOO_LONG',
      'url-length',
    );
    assert.equal((await run(handlers, contextFor({ rawUrl: `/${'a'.repeat(19)}` }))).kind, 'continue');
  });

  test('measures the URL as received, query included', async () => {
    const handlers = create({ maxUrlLength: 20 });
    const ctx = contextFor({ rawUrl: '/a?q=0123456789abcdefghij', path: '/a' });
    assertDeny(await run(handlers, ctx), 'RAMPART_INGRESS_URL_TOO_LONG', 'url-length');
  });

  test('answers 431 when there are more header fields than allowed, counting repeated fields', async () => {
    const handlers = create({ maxHeaders: 3 });
    const many = contextFor({ headers: { a: '1', b: '2', c: '3' } }); // plus host
    assertDeny(await run(handlers, many), 'RAMPART_INGRESS_HEADERS_TOO_LARGE', 'header-count');
    const repeated = contextFor({ headers: { 'set-cookie': ['a=1', 'b=2', 'c=3'] } });
    assertDeny(await run(handlers, repeated), 'RAMPART_INGRESS_HEADERS_TOO_LARGE', 'header-count');
    assert.equal((await run(handlers, contextFor({ headers: { a: '1', b: '2' } }))).kind, 'continue');
  });

  test('answers 431 when header fields take more bytes than allowed', async () => {
    const handlers = create({ maxHeaderBytes: '1kb' });
    const big = contextFor({ headers: { cookie: 'x'.repeat(1024) } });
    assertDeny(await run(handlers, big), 'RAMPART_INGRESS_HEADERS_TOO_LARGE', 'header-bytes');
    const fits = contextFor({ headers: { cookie: 'x'.repeat(900) } });
    assert.equal((await run(handlers, fits)).kind, 'continue');
  });

  test('answers 413 from Content-Length before any body is read', async () => {
    const handlers = create({ maxBodyBytes: 100 });
    const ctx = contextFor({ method: 'POST', contentLength: 101 });
    const verdict = await run(handlers, ctx);
    assertDeny(verdict, 'RAMPART_INGRESS_BODY_TOO_LARGE', 'body-size');
    assert.equal(verdict.kind === 'deny' && verdict.location, 'header.content-length');
    assert.equal((await run(handlers, contextFor({ method: 'POST', contentLength: 100 }))).kind, 'continue');
  });

  test('answers 413 for a buffered body over the limit even without Content-Length', async () => {
    const handlers = create({ maxBodyBytes: 10 });
    const ctx = contextFor({ method: 'POST', body: 'x'.repeat(11) });
    assertDeny(
      await run(handlers, { ...ctx, contentLength: undefined }),
      'RAMPART_INGRESS_BODY_TOO_LARGE',
      'body-size',
    );
  });

  test('does not ask for the body unless JSON limits are configured', () => {
    assert.equal(create().needs, undefined);
    assert.deepEqual(create({ json: {} }).needs, { requestBody: true });
  });

  test('applies JSON defaults of depth 32 and 10000 members when json is enabled', async () => {
    const handlers = create({ json: {} });
    const deep = `${'['.repeat(33)}${']'.repeat(33)}`;
    const ok = `${'['.repeat(32)}${']'.repeat(32)}`;
    assertDeny(
      await run(handlers, contextFor({ method: 'POST', headers: JSON_HEADERS, body: deep })),
      'RAMPART_INGRESS_JSON_TOO_DEEP',
      'json-depth',
    );
    assert.equal(
      (await run(handlers, contextFor({ method: 'POST', headers: JSON_HEADERS, body: ok }))).kind,
      'continue',
    );
  });

  test('answers 413 when a JSON body has more members than allowed', async () => {
    const handlers = create({ json: { maxKeys: 2 } });
    const ctx = contextFor({ method: 'POST', headers: JSON_HEADERS, body: '{"a":1,"b":{"c":2}}' });
    assertDeny(await run(handlers, ctx), 'RAMPART_INGRESS_JSON_TOO_MANY_KEYS', 'json-keys');
    const fits = contextFor({ method: 'POST', headers: JSON_HEADERS, body: '{"a":1,"b":2}' });
    assert.equal((await run(handlers, fits)).kind, 'continue');
  });

  test('answers 400 for an invalid JSON body', async () => {
    const handlers = create({ json: {} });
    const ctx = contextFor({ method: 'POST', headers: JSON_HEADERS, body: '{"a":' });
    assertDeny(await run(handlers, ctx), 'RAMPART_INGRESS_JSON_INVALID', 'json-syntax');
  });

  test('scans +json media types but leaves other content types and empty bodies alone', async () => {
    const handlers = create({ json: { maxDepth: 1 } });
    const problem = contextFor({
      method: 'POST',
      headers: { 'content-type': 'application/merge-patch+json' },
      body: '[[1]]',
    });
    assertDeny(await run(handlers, problem), 'RAMPART_INGRESS_JSON_TOO_DEEP', 'json-depth');
    const text = contextFor({ method: 'POST', headers: { 'content-type': 'text/plain' }, body: '[[1]]' });
    assert.equal((await run(handlers, text)).kind, 'continue');
    const empty = contextFor({ method: 'POST', headers: JSON_HEADERS, body: '' });
    assert.equal((await run(handlers, empty)).kind, 'continue');
  });

  test('refuses configs with invalid sizes or out-of-range limits', () => {
    assert.throws(() => configFor(requestLimits, { maxBodyBytes: 'lots' }));
    assert.throws(() => configFor(requestLimits, { json: { maxDepth: 0 } }));
    assert.throws(() => configFor(requestLimits, { maxUrl: 10 }));
  });
});
