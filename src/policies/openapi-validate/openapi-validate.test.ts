// openapi-validate on in-memory contexts against the demo API's contract: described requests go on;
// undeclared members, unknown operations, wrong methods and wrong media types are refused with codes.
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { describe, test } from 'node:test';
import { type ContextOverrides, configFor, contextFor, depsFor } from '../../../test/helpers/context.ts';
import type { PolicyHandlers, Verdict } from '../policy.ts';
import { openapiValidate } from './index.ts';

const EXAMPLES = resolve(import.meta.dirname, '../../../examples');

function create(raw: Record<string, unknown> = {}): PolicyHandlers {
  return openapiValidate.create(
    configFor(openapiValidate, { spec: 'demo-api/openapi.yaml', ...raw }),
    depsFor({ baseDir: EXAMPLES }),
  );
}

const handlers = create();

async function check(overrides: ContextOverrides, policy = handlers): Promise<Verdict> {
  return policy.onRequest!(contextFor(overrides));
}

function patchUser(body: object): ContextOverrides {
  return {
    method: 'PATCH',
    rawUrl: '/users/2',
    headers: { 'content-type': 'application/json', authorization: 'Bearer opaque' },
    body: JSON.stringify(body),
  };
}

describe('openapi-validate', () => {
  test('lets a request the contract describes go on and names its operation', async () => {
    const ctx = contextFor(patchUser({ name: 'Bobby' }));
    assert.equal((await handlers.onRequest!(ctx)).kind, 'continue');
    assert.equal(ctx.annotations.get('operation'), 'updateUser');
  });

  test('refuses a body member the schema does not declare and names its location', async () => {
    const verdict = await check(patchUser({ name: 'Bobby', isAdmin: true }));
    assert.equal(verdict.kind === 'deny' && verdict.code, 'RAMPART_VALIDATION_REQUEST_INVALID');
    assert.equal(verdict.kind === 'deny' && verdict.location, 'body.isAdmin');
    const violations = (verdict.kind === 'deny' ? verdict.extensions?.violations : undefined) as
      | Array<{ location: string }>
      | undefined;
    assert.deepEqual(
      violations?.map((violation) => violation.location),
      ['body.isAdmin'],
    );
  });

  test('refuses a path the contract does not know unless unknown operations pass', async () => {
    const shadow = { rawUrl: '/debug/crash' };
    const verdict = await check(shadow);
    assert.equal(verdict.kind === 'deny' && verdict.code, 'RAMPART_VALIDATION_OPERATION_UNKNOWN');
    assert.equal((await check(shadow, create({ unknownOperations: 'pass' }))).kind, 'continue');
  });

  test('answers an undocumented method with the methods the path allows', async () => {
    const verdict = await check({ method: 'PUT', rawUrl: '/users/1' });
    assert.equal(verdict.kind === 'deny' && verdict.code, 'RAMPART_VALIDATION_METHOD_NOT_ALLOWED');
    const allow = verdict.kind === 'deny' ? verdict.headers?.allow : undefined;
    assert.deepEqual(allow?.split(', ').sort(), ['DELETE', 'GET', 'PATCH']);
  });

  test('refuses a body in a media type the operation does not accept and names the accepted ones', async () => {
    const verdict = await check({
      method: 'POST',
      rawUrl: '/orders',
      headers: { 'content-type': 'text/plain', 'x-api-key': 'presented' },
      body: 'items=1',
    });
    assert.equal(verdict.kind === 'deny' && verdict.code, 'RAMPART_VALIDATION_UNSUPPORTED_MEDIA_TYPE');
    assert.equal(verdict.kind === 'deny' && verdict.headers?.['accept-post'], 'application/json');
  });

  test('refuses an operation whose security requires a scheme when no credential of it is present', async () => {
    const anonymous = {
      method: 'PATCH',
      rawUrl: '/users/2',
      headers: { 'content-type': 'application/json' },
    };
    const refused = await check({ ...anonymous, body: '{"name":"B"}' });
    assert.equal(refused.kind === 'deny' && refused.code, 'RAMPART_AUTHN_UNAUTHORIZED');
    assert.equal(
      refused.kind === 'deny' && refused.headers?.['www-authenticate'],
      'ApiKey header="x-api-key", Bearer',
    );
    for (const headers of [{ 'x-api-key': 'k' }, { authorization: 'bearer t' }]) {
      const verdict = await check({
        ...anonymous,
        headers: { ...anonymous.headers, ...headers },
        body: '{"name":"B"}',
      });
      assert.equal(verdict.kind, 'continue', JSON.stringify(headers));
    }
    for (const authorization of ['Basic dTpw', 'Bearer ', 'Bearer']) {
      const verdict = await check({
        ...anonymous,
        headers: { ...anonymous.headers, authorization },
        body: '{}',
      });
      assert.equal(verdict.kind === 'deny' && verdict.code, 'RAMPART_AUTHN_UNAUTHORIZED', authorization);
    }
    const identified = await check({
      ...anonymous,
      body: '{"name":"B"}',
      identity: { consumerId: 'c', scopes: [], method: 'mtls' },
    });
    assert.equal(identified.kind, 'continue');
    assert.equal(
      (await check({ ...anonymous, body: '{"name":"B"}' }, create({ requireCredentials: false }))).kind,
      'continue',
    );
  });

  test('requires nothing of operations with security: [] or an optional {} requirement', async () => {
    const doc = resolve(import.meta.dirname, 'fixture-security.yaml');
    const { writeFileSync, rmSync } = await import('node:fs');
    writeFileSync(
      doc,
      `openapi: 3.1.0
info: { title: t, version: '1' }
security: [{ key: [] }]
paths:
  /open: { get: { security: [], responses: { '200': { description: ok } } } }
  /optional: { get: { security: [{}, { key: [] }], responses: { '200': { description: ok } } } }
  /closed: { get: { responses: { '200': { description: ok } } } }
  /cookie: { get: { security: [{ session: [] }], responses: { '200': { description: ok } } } }
  /both: { get: { security: [{ key: [], basic: [] }], responses: { '200': { description: ok } } } }
components:
  securitySchemes:
    key: { type: apiKey, in: query, name: api_key }
    session: { type: apiKey, in: cookie, name: sid }
    basic: { type: http, scheme: basic }
`,
    );
    try {
      const policy = openapiValidate.create(configFor(openapiValidate, { spec: doc }), depsFor());
      const status = async (rawUrl: string, headers = {}) => {
        const verdict = await policy.onRequest!(contextFor({ rawUrl, headers }));
        return verdict.kind === 'deny' ? verdict.code : 'continue';
      };
      assert.equal(await status('/open'), 'continue');
      assert.equal(await status('/optional'), 'continue');
      assert.equal(await status('/closed'), 'RAMPART_AUTHN_UNAUTHORIZED');
      assert.equal(await status('/closed?api_key=k'), 'continue');
      assert.equal(await status('/cookie', { cookie: 'theme=dark; sid=abc' }), 'continue');
      assert.equal(await status('/cookie', { cookie: 'sid=' }), 'RAMPART_AUTHN_UNAUTHORIZED');
      assert.equal(await status('/both?api_key=k'), 'RAMPART_AUTHN_UNAUTHORIZED');
      assert.equal(await status('/both?api_key=k', { authorization: 'Basic dTpw' }), 'continue');
    } finally {
      rmSync(doc, { force: true });
    }
  });
});
