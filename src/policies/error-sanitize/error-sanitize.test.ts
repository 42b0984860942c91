import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type ContextOverrides, configFor, contextFor, depsFor } from '../../../test/helpers/context.ts';
import type { PolicyHandlers, Verdict } from '../policy.ts';
import { errorSanitize } from './index.ts';

function create(raw: unknown = {}): PolicyHandlers {
  return errorSanitize.create(configFor(errorSanitize, raw), depsFor());
}

function respond(handlers: PolicyHandlers, response: NonNullable<ContextOverrides['response']>): Verdict {
  const verdict = handlers.onResponse?.(contextFor({ response }));
  assert.ok(verdict !== undefined && !(verdict instanceof Promise));
  return verdict;
}

function assertHidden(verdict: Verdict, status: number | undefined, rule: string): void {
  assert.equal(verdict.kind, 'deny');
  assert.equal(verdict.kind === 'deny' && verdict.code, 'RAMPART_RESPONSE_UPSTREAM_ERROR_HIDDEN');
  assert.equal(verdict.kind === 'deny' ? verdict.status : 'none', status);
  assert.equal(verdict.kind === 'deny' && verdict.rule, rule);
}

const LEAKY = 'Error: boom\n    at Object.<anonymous> (/app/server.js:10:7)';

describe('error-sanitize', () => {
  test('hides every upstream 5xx body by default, keeping the upstream status', () => {
    const handlers = create();
    assertHidden(respond(handlers, { status: 500 }), 500, 'status');
    assertHidden(respond(handlers, { status: 503 }), 503, 'status');
    assert.equal(respond(handlers, { status: 200 }).kind, 'continue');
    assert.equal(respond(handlers, { status: 404 }).kind, 'continue');
  });

  test('answers with the code status (502) when keepStatus is off', () => {
    assertHidden(respond(create({ keepStatus: false }), { status: 500 }), undefined, 'status');
  });

  test('leaves responses the gateway wrote itself alone', () => {
    assert.equal(respond(create(), { status: 502, local: true }).kind, 'continue');
  });

  test('hides only the statuses listed, including 4xx groups', () => {
    const handlers = create({ statuses: [500, '4xx'] });
    assertHidden(respond(handlers, { status: 500 }), 500, 'status');
    assertHidden(respond(handlers, { status: 422 }), 422, 'status');
    assert.equal(respond(handlers, { status: 503 }).kind, 'continue');
  });

  test('needs no body with hide: always, and error bodies (or all bodies with 4xx) when inspecting', () => {
    assert.equal(create().needs, undefined);
    assert.deepEqual(create({ hide: 'when-leaking' }).needs, { responseBody: 'errors' });
    assert.deepEqual(create({ hide: 'when-leaking', statuses: ['5xx', 404] }).needs, { responseBody: true });
  });

  test('with hide: when-leaking hides a body with a stack trace and passes a clean one', () => {
    const handlers = create({ hide: 'when-leaking' });
    assertHidden(respond(handlers, { status: 500, body: LEAKY }), 500, 'stack-trace');
    assertHidden(respond(handlers, { status: 500, body: 'SQLSTATE[HY000]' }), 500, 'sql-error');
    assert.equal(respond(handlers, { status: 503, body: '{"error":"try again later"}' }).kind, 'continue');
  });

  test('with hide: when-leaking fails closed on unbuffered or compressed bodies', () => {
    const handlers = create({ hide: 'when-leaking' });
    assertHidden(respond(handlers, { status: 500 }), 500, 'unbuffered-body');
    assertHidden(
      respond(handlers, { status: 500, body: '{}', headers: { 'content-encoding': 'gzip' } }),
      500,
      'encoded-body',
    );
  });

  test('refuses statuses outside 400-599 in config', () => {
    assert.throws(() => configFor(errorSanitize, { statuses: [200] }));
    assert.throws(() => configFor(errorSanitize, { statuses: ['3xx'] }));
    assert.throws(() => configFor(errorSanitize, { hide: 'sometimes' }));
  });
});
