import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { configFor, contextFor, depsFor } from '../../../test/helpers/context.ts';
import type { PolicyHandlers, Verdict } from '../policy.ts';
import { methods } from './index.ts';

function create(raw: unknown = {}): PolicyHandlers {
  return methods.create(configFor(methods, raw), depsFor());
}

function verdictFor(handlers: PolicyHandlers, method: string): Verdict {
  const verdict = handlers.onRequest?.(contextFor({ method }));
  assert.ok(verdict !== undefined && !(verdict instanceof Promise));
  return verdict;
}

function assertRefused(verdict: Verdict, allow: string): void {
  assert.equal(verdict.kind, 'deny');
  assert.equal(verdict.kind === 'deny' && verdict.code, 'RAMPART_INGRESS_METHOD_NOT_ALLOWED');
  assert.deepEqual(verdict.kind === 'deny' && verdict.headers, { allow });
}

describe('methods', () => {
  test('accepts the default methods and HEAD alongside GET', () => {
    const handlers = create();
    for (const method of ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']) {
      assert.equal(verdictFor(handlers, method).kind, 'continue', method);
    }
  });

  test('answers 405 with an Allow header listing the effective methods for anything else', () => {
    const handlers = create();
    for (const method of ['OPTIONS', 'TRACE', 'CONNECT', 'PROPFIND']) {
      assertRefused(verdictFor(handlers, method), 'GET, HEAD, POST, PUT, PATCH, DELETE');
    }
  });

  test('compares methods case-sensitively, as RFC 9110 §9.1 requires', () => {
    assertRefused(verdictFor(create({ allow: ['GET'] }), 'get'), 'GET, HEAD');
  });

  test('refuses HEAD when headWithGet is off and HEAD is not listed', () => {
    const handlers = create({ allow: ['GET'], headWithGet: false });
    assertRefused(verdictFor(handlers, 'HEAD'), 'GET');
    assert.equal(verdictFor(handlers, 'GET').kind, 'continue');
  });

  test('does not add HEAD when GET is not allowed', () => {
    const handlers = create({ allow: ['POST'] });
    assertRefused(verdictFor(handlers, 'HEAD'), 'POST');
    assert.equal(verdictFor(handlers, 'POST').kind, 'continue');
  });

  test('lets OPTIONS through only when it is listed', () => {
    const handlers = create({ allow: ['GET', 'OPTIONS'] });
    assert.equal(verdictFor(handlers, 'OPTIONS').kind, 'continue');
    assertRefused(verdictFor(handlers, 'POST'), 'GET, HEAD, OPTIONS');
  });

  test('keeps a listed HEAD in place without duplicating it', () => {
    assertRefused(verdictFor(create({ allow: ['HEAD', 'GET'] }), 'POST'), 'HEAD, GET');
  });

  test('refuses lower-case, empty, duplicate or missing allow-lists in config', () => {
    assert.throws(() => configFor(methods, { allow: ['get'] }));
    assert.throws(() => configFor(methods, { allow: [] }));
    assert.throws(() => configFor(methods, { allow: ['GET', 'GET'] }));
    assert.throws(() => configFor(methods, { allow: ['GET'], extra: true }));
  });
});
