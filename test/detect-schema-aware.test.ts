// The detect policy with `spec`: fields the demo contract types narrowly are left to validation,
// free-text fields are scanned as before, and without `spec` nothing changes.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Value } from '@sinclair/typebox/value';
import { detectConfig } from '../src/policies/detect/config.ts';
import { detect } from '../src/policies/detect/index.ts';
import type { PolicyHandlers, Verdict } from '../src/policies/policy.ts';
import { contextFor } from './helpers/context.ts';

const SPEC = 'examples/demo-api/openapi.yaml';
const SQLI = "x' UNION SELECT password FROM users--";
const ENCODED = encodeURIComponent(SQLI);
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

function create(raw: Record<string, unknown> = {}): PolicyHandlers {
  const config = Value.Default(detectConfig, structuredClone(raw));
  assert.ok(Value.Check(detectConfig, config), 'config is valid');
  return detect.create(config, { clock: { now: () => 0 }, log: quiet, baseDir: process.cwd() });
}

function verdictOf(
  handlers: PolicyHandlers,
  request: { method?: string; rawUrl: string; body?: string; contentType?: string },
): Verdict {
  const ctx = contextFor({
    method: request.method ?? 'GET',
    rawUrl: request.rawUrl,
    ...(request.body === undefined
      ? {}
      : { body: request.body, headers: { 'content-type': request.contentType ?? 'application/json' } }),
  });
  const verdict = handlers.onRequest?.(ctx);
  assert.ok(verdict !== undefined && !(verdict instanceof Promise));
  return verdict;
}

const codeOf = (verdict: Verdict) => (verdict.kind === 'deny' ? verdict.code : verdict.kind);

describe('detect with an OpenAPI contract (schema-aware)', () => {
  const aware = create({ spec: SPEC });
  const blind = create();

  test('an attack in an integer query parameter is left to validation', () => {
    assert.equal(codeOf(verdictOf(aware, { rawUrl: `/orders?limit=${ENCODED}` })), 'continue');
  });

  test('the same attack in a free-text query parameter is denied', () => {
    const verdict = verdictOf(aware, { rawUrl: `/users?q=${ENCODED}` });
    assert.equal(codeOf(verdict), 'RAMPART_THREAT_DETECTED');
    assert.equal(verdict.kind === 'deny' && verdict.location, 'query.q');
  });

  test('an undeclared query parameter of a typed operation is still scanned', () => {
    assert.equal(codeOf(verdictOf(aware, { rawUrl: `/orders?note=${ENCODED}` })), 'RAMPART_THREAT_DETECTED');
  });

  test('an attack in an integer path parameter is left to validation', () => {
    assert.equal(codeOf(verdictOf(aware, { rawUrl: `/users/${ENCODED}` })), 'continue');
  });

  test('an attack in an integer JSON member is left to validation, in a free-text member denied', () => {
    const order = JSON.stringify({ items: [{ sku: 'A-1', quantity: SQLI, unitPrice: 2 }] });
    assert.equal(codeOf(verdictOf(aware, { method: 'POST', rawUrl: '/orders', body: order })), 'continue');
    const sku = JSON.stringify({ items: [{ sku: SQLI, quantity: 1, unitPrice: 2 }] });
    const denied = verdictOf(aware, { method: 'POST', rawUrl: '/orders', body: sku });
    assert.equal(denied.kind === 'deny' && denied.location, 'body.items[0].sku');
    const user = JSON.stringify({ name: SQLI, email: 'a@example.test', password: 'correct horse battery' });
    const verdict = verdictOf(aware, { method: 'POST', rawUrl: '/users', body: user });
    assert.equal(codeOf(verdict), 'RAMPART_THREAT_DETECTED');
  });

  test('a format email member is still scanned: a valid address can carry a payload', () => {
    // A valid address by RFC 5322's atext (what the email format accepts): no space, only `'`, `/`, `*`.
    const email = "x'/**/UNION/**/SELECT/**/password/**/FROM/**/users--@example.com";
    const login = JSON.stringify({ email, password: 'correct horse battery' });
    const verdict = verdictOf(aware, { method: 'POST', rawUrl: '/login', body: login });
    assert.equal(verdict.kind === 'deny' && verdict.location, 'body.email');
  });

  test('a request outside the contract is inspected as without a spec', () => {
    assert.equal(codeOf(verdictOf(aware, { rawUrl: `/other?limit=${ENCODED}` })), 'RAMPART_THREAT_DETECTED');
  });

  test('without spec, the narrowly typed fields are scanned as before', () => {
    assert.equal(codeOf(verdictOf(blind, { rawUrl: `/orders?limit=${ENCODED}` })), 'RAMPART_THREAT_DETECTED');
    assert.equal(codeOf(verdictOf(blind, { rawUrl: `/users/${ENCODED}` })), 'RAMPART_THREAT_DETECTED');
    const login = JSON.stringify({ email: SQLI, password: 'correct horse battery' });
    assert.equal(
      codeOf(verdictOf(blind, { method: 'POST', rawUrl: '/login', body: login })),
      'RAMPART_THREAT_DETECTED',
    );
  });

  test('a spec that cannot be read fails at create', () => {
    assert.throws(() => create({ spec: 'does-not-exist.yaml' }));
  });
});
