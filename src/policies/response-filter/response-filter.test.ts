// response-filter on in-memory contexts: members of a buffered JSON response the contract does not
// declare, and writeOnly ones, are removed and evented by path, or block the response when configured.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { configFor, contextFor, depsFor, type TestContext } from '../../../test/helpers/context.ts';
import type { PolicyHandlers } from '../policy.ts';
import { responseFilter } from './index.ts';

const dir = mkdtempSync(join(tmpdir(), 'rampart-response-filter-'));
describe('response-filter', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(
    join(dir, 'spec.yaml'),
    `openapi: 3.0.3
info: { title: users, version: '1' }
paths:
  /users/{id}:
    parameters:
      - { name: id, in: path, required: true, schema: { type: integer } }
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: { $ref: '#/components/schemas/User' }
components:
  schemas:
    User:
      type: object
      properties:
        id: { type: integer }
        name: { type: string }
        password: { type: string, writeOnly: true }
`,
  );

  function create(raw: Record<string, unknown> = {}): PolicyHandlers {
    return responseFilter.create(
      configFor(responseFilter, { spec: 'spec.yaml', ...raw }),
      depsFor({ baseDir: dir }),
    );
  }

  function responseOf(body: string, status = 200): TestContext {
    return contextFor({ rawUrl: '/users/7', response: { status, body } });
  }

  const LEAKY = JSON.stringify({ id: 7, name: 'Ann', password: 'hunter2', passwordHash: 'x' });

  describe('response-filter', () => {
    test('removes undeclared and writeOnly members from the body and events each by path', async () => {
      const ctx = responseOf(LEAKY);
      assert.equal((await create().onResponse!(ctx)).kind, 'continue');
      assert.deepEqual(JSON.parse(ctx.response!.body!.toString('utf8')), { id: 7, name: 'Ann' });
      assert.deepEqual(ctx.events.map((event) => event.location).sort(), [
        'response.body.password',
        'response.body.passwordHash',
      ]);
      assert.deepEqual(ctx.events.map((event) => event.rule).sort(), [
        'undeclared-member',
        'write-only-member',
      ]);
    });

    test('leaves a body that keeps to the contract untouched', async () => {
      const ctx = responseOf(JSON.stringify({ id: 7, name: 'Ann' }));
      const before = ctx.response!.body;
      assert.equal((await create().onResponse!(ctx)).kind, 'continue');
      assert.equal(ctx.response!.body, before);
      assert.equal(ctx.events.length, 0);
    });

    test('blocks a response with undeclared members when told to, keeping the body as sent', async () => {
      const ctx = responseOf(LEAKY);
      const verdict = await create({ undeclared: 'block' }).onResponse!(ctx);
      assert.equal(verdict.kind === 'deny' && verdict.code, 'RAMPART_RESPONSE_CONTRACT_VIOLATION');
      assert.equal(JSON.parse(ctx.response!.body!.toString('utf8')).passwordHash, 'x');
    });

    test('refuses to pass a body it cannot parse as JSON', async () => {
      const verdict = await create().onResponse!(responseOf('{"id": 7, "name":'));
      assert.equal(verdict.kind === 'deny' && verdict.code, 'RAMPART_RESPONSE_UNINSPECTABLE');
    });

    test('asks the upstream for an unencoded body', async () => {
      const ctx = contextFor({ rawUrl: '/users/7', headers: { 'accept-encoding': 'gzip' } });
      assert.equal((await create().onRequest!(ctx)).kind, 'continue');
      assert.equal(ctx.upstreamHeaders.has('accept-encoding'), true);
      assert.equal(ctx.upstreamHeaders.get('accept-encoding'), undefined);
    });
  });
});
