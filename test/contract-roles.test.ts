// Per-role views from OpenAPI extensions, and sensitive-data masking, on in-memory contexts:
// `x-rampart-write` refuses a member with 403 naming it, `x-rampart-read` removes it from responses.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { jsonOf } from '../src/openapi/index.ts';
import { openapiValidate } from '../src/policies/openapi-validate/index.ts';
import type { Identity, Verdict } from '../src/policies/policy.ts';
import { responseFilter } from '../src/policies/response-filter/index.ts';
import { sensitiveData } from '../src/policies/sensitive-data/index.ts';
import { configFor, contextFor, depsFor } from './helpers/context.ts';

const dir = mkdtempSync(join(tmpdir(), 'rampart-roles-'));
describe('contract-roles', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(
    join(dir, 'spec.yaml'),
    `openapi: 3.0.3
info: { title: roles, version: '1' }
paths:
  /accounts/{owner}:
    parameters:
      - { name: owner, in: path, required: true, schema: { type: string, maxLength: 20 } }
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: { $ref: '#/components/schemas/Account' }
    patch:
      requestBody:
        content:
          application/json:
            schema: { $ref: '#/components/schemas/Account' }
      responses:
        '200': { description: ok }
components:
  schemas:
    Account:
      type: object
      properties:
        name: { type: string, maxLength: 50 }
        plan: { type: string, enum: [free, pro], x-rampart-write: [admin] }
        email: { type: string, maxLength: 100, x-rampart-read: [admin, self] }
        card: { type: string, maxLength: 30, nullable: true }
`,
  );

  const ALICE: Identity = { consumerId: 'alice', scopes: [], method: 'api-key' };
  const ADMIN: Identity = { consumerId: 'root', scopes: ['admin'], method: 'api-key' };

  function validator() {
    return openapiValidate.create(
      configFor(openapiValidate, { spec: 'spec.yaml', selfParam: 'owner' }),
      depsFor({ baseDir: dir }),
    );
  }

  function filter() {
    return responseFilter.create(
      configFor(responseFilter, { spec: 'spec.yaml', selfParam: 'owner' }),
      depsFor({ baseDir: dir }),
    );
  }

  async function patch(identity: Identity, body: object): Promise<Verdict> {
    const ctx = contextFor({
      method: 'PATCH',
      rawUrl: '/accounts/alice',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      identity,
    });
    return validator().onRequest!(ctx);
  }

  async function read(identity: Identity, owner: string) {
    const ctx = contextFor({
      rawUrl: `/accounts/${owner}`,
      identity,
      response: {
        body: JSON.stringify({ name: 'A', plan: 'pro', email: 'a@example.com', card: '4111 1111 1111 1111' }),
      },
    });
    assert.equal((await filter().onResponse!(ctx)).kind, 'continue');
    return { body: JSON.parse(ctx.response!.body!.toString()) as Record<string, unknown>, ctx };
  }

  describe('per-role views', () => {
    test('answers 403 naming the field when a caller without the role sets it', async () => {
      const verdict = await patch(ALICE, { name: 'A', plan: 'pro' });
      assert.equal(verdict.kind, 'deny');
      assert.equal(verdict.kind === 'deny' && verdict.code, 'RAMPART_VALIDATION_FIELD_FORBIDDEN');
      assert.deepEqual(verdict.kind === 'deny' && verdict.extensions?.fields, ['body.plan']);
    });

    test('lets a caller with the role set the field, and anyone set unguarded fields', async () => {
      assert.equal((await patch(ADMIN, { plan: 'pro' })).kind, 'continue');
      assert.equal((await patch(ALICE, { name: 'B' })).kind, 'continue');
    });

    test('removes a read-guarded member for other callers and keeps it for the owner and admins', async () => {
      const other = await read(ALICE, 'bob');
      assert.equal('email' in other.body, false);
      assert.deepEqual(
        other.ctx.events.map((e) => e.location),
        ['response.body.email'],
      );
      assert.equal((await read(ALICE, 'alice')).body.email, 'a@example.com');
      assert.equal((await read(ADMIN, 'bob')).body.email, 'a@example.com');
    });
  });

  describe('sensitive-data', () => {
    function create(raw: object = {}) {
      return sensitiveData.create(configFor(sensitiveData, raw), depsFor());
    }

    test('masks card numbers in JSON and keeps the document valid', async () => {
      const ctx = contextFor({
        response: {
          body: JSON.stringify({ card: '4111 1111 1111 1111', n: 4111111111111111, ok: 'order 1234' }),
        },
      });
      assert.equal((await create().onResponse!(ctx)).kind, 'continue');
      assert.deepEqual(JSON.parse(ctx.response!.body!.toString()), {
        card: '****1111',
        n: '****1111',
        ok: 'order 1234',
      });
      assert.equal(ctx.events[0]?.rule, 'sensitive-card');
    });

    test('events the first location of each type, with array indexes and nested members', async () => {
      const body = JSON.stringify({
        items: [{ note: 'none' }, { deep: { note: 'call +14155550123' } }, { card: '4111111111111111' }],
      });
      const ctx = contextFor({ response: { body } });
      await create({ types: { phone: 'mask' } }).onResponse!(ctx);
      assert.deepEqual(
        ctx.events.map((event) => [event.rule, event.location]),
        [
          ['sensitive-phone', 'response.body.items[1].deep.note'],
          ['sensitive-card', 'response.body.items[2].card'],
        ],
      );
    });

    test('leaves numbers that fail the Luhn check alone', async () => {
      const body = JSON.stringify({ id: '4111 1111 1111 1112' });
      const ctx = contextFor({ response: { body } });
      await create().onResponse!(ctx);
      assert.equal(ctx.response!.body!.toString(), body);
    });

    test('blocks a response carrying a private key or a Rampart key', async () => {
      for (const secret of [
        '-----BEGIN PRIVATE KEY-----\\nMIIE\\n-----END PRIVATE KEY-----',
        'rmp_live_0123456789abcdefXYZ',
      ]) {
        const verdict = await create().onResponse!(contextFor({ response: { body: `{"k":"${secret}"}` } }));
        assert.equal(verdict.kind === 'deny' && verdict.code, 'RAMPART_RESPONSE_SENSITIVE_DATA');
      }
    });

    test('masks across a large body and passes bodies over the budget with an event', async () => {
      const items = Array.from({ length: 5000 }, (_, i) => ({ i, ssn: '123-45-6789', note: 'x'.repeat(50) }));
      const ctx = contextFor({ response: { body: JSON.stringify(items) } });
      await create().onResponse!(ctx);
      const masked = JSON.parse(ctx.response!.body!.toString()) as Array<{ ssn: string }>;
      assert.ok(masked.every((item) => item.ssn === '***-**-6789'));
      const over = contextFor({ response: { body: JSON.stringify(items) } });
      assert.equal((await create({ maxBytes: '64kb' }).onResponse!(over)).kind, 'continue');
      assert.equal(over.events[0]?.rule, 'sensitive-over-budget');
    });

    test('refuses a request body with a blocked type when request scanning is on', async () => {
      const ctx = contextFor({
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"key":"AKIAIOSFODNN7EXAMPLE"}',
      });
      const verdict = await create({ requests: true }).onRequest!(ctx);
      assert.equal(verdict.kind === 'deny' && verdict.code, 'RAMPART_VALIDATION_SENSITIVE_DATA');
    });
  });

  describe('response-filter and sensitive-data on one response', () => {
    const account = {
      name: 'A',
      plan: 'pro',
      email: 'a@example.com',
      card: '4111 1111 1111 1111',
      secret: 's',
    };

    test('masks and filters the same body in either order, parsing it once', async () => {
      const mask = sensitiveData.create(configFor(sensitiveData, {}), depsFor());
      for (const order of [
        [mask, filter()],
        [filter(), mask],
      ]) {
        const ctx = contextFor({
          rawUrl: '/accounts/bob',
          identity: ALICE,
          response: { body: JSON.stringify(account) },
        });
        for (const policy of order) assert.equal((await policy.onResponse!(ctx)).kind, 'continue');
        assert.deepEqual(JSON.parse(ctx.response!.body!.toString()), {
          name: 'A',
          plan: 'pro',
          card: '****1111',
        });
      }
    });

    test('removes read-guarded members also when undeclared ones are only reported', async () => {
      const reporting = responseFilter.create(
        // The undeclared member is named `secret`: keep the never-leave list out of this test.
        configFor(responseFilter, {
          spec: 'spec.yaml',
          selfParam: 'owner',
          undeclared: 'report',
          neverLeave: [],
        }),
        depsFor({ baseDir: dir }),
      );
      const ctx = contextFor({
        rawUrl: '/accounts/bob',
        identity: ALICE,
        response: { body: JSON.stringify(account) },
      });
      assert.equal((await reporting.onResponse!(ctx)).kind, 'continue');
      const body = JSON.parse(ctx.response!.body!.toString()) as Record<string, unknown>;
      assert.equal('email' in body, false);
      assert.equal(body.secret, 's');
      assert.deepEqual(ctx.events.map((event) => event.rule).sort(), ['role-member', 'undeclared-member']);
    });

    test('leaves the body unmasked for later policies when it blocks', async () => {
      const blocking = sensitiveData.create(
        configFor(sensitiveData, { types: { email: 'block' } }),
        depsFor(),
      );
      const ctx = contextFor({
        rawUrl: '/accounts/bob',
        identity: ADMIN,
        response: { body: JSON.stringify(account) },
      });
      assert.equal((await blocking.onResponse!(ctx)).kind, 'deny');
      // As in monitor mode, the next policy runs on the upstream's body: its card is not half-masked.
      assert.equal((await filter().onResponse!(ctx)).kind, 'continue');
      assert.equal(JSON.parse(ctx.response!.body!.toString()).card, '4111 1111 1111 1111');
    });

    test('never rewrites the shared request body when scanning requests', async () => {
      const ctx = contextFor({
        method: 'PATCH',
        rawUrl: '/accounts/alice',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'A', card: '4111 1111 1111 1111' }),
        identity: ALICE,
      });
      const scanning = sensitiveData.create(configFor(sensitiveData, { requests: true }), depsFor());
      assert.equal((await scanning.onRequest!(ctx)).kind, 'continue');
      assert.equal(ctx.events[0]?.rule, 'sensitive-card');
      assert.equal((await validator().onRequest!(ctx)).kind, 'continue');
      const shared = jsonOf(ctx.body!);
      assert.equal(shared.ok && (shared.value as { card: string }).card, '4111 1111 1111 1111');
    });
  });
});
