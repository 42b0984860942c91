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
  /users/v1/_debug:
    get:
      operationId: debug
      responses:
        '200':
          description: every user, as the spec admits
          content:
            application/json:
              schema:
                type: object
                properties:
                  users:
                    type: array
                    items:
                      type: object
                      properties:
                        username: { type: string }
                        password: { type: string }
                        admin: { type: boolean }
                        passwordResetRequired: { type: boolean }
                        token: { type: object, properties: { expires: { type: string } } }
  /users/v1/login:
    post:
      requestBody:
        content:
          application/json:
            schema: { type: object, properties: { username: { type: string }, password: { type: string } } }
      responses:
        '200':
          description: the caller's token
          content:
            application/json:
              schema: { type: object, properties: { token: { type: string }, auth_token: { type: string }, password: { type: string }, secret: { type: string } } }
  /keys:
    post:
      operationId: issueKey
      responses:
        '201':
          description: a key, shown once
          content:
            application/json:
              schema: { type: object, properties: { apiKey: { type: string } } }
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

  test('removes secret-named members the spec declares, each an event, and keeps look-alikes', async () => {
    const body = JSON.stringify({
      users: [
        {
          username: 'name1',
          password: 'pass1',
          admin: false,
          passwordResetRequired: true,
          token: { expires: 'x' },
        },
        { username: 'admin', password: 'pass2', admin: true },
      ],
    });
    const ctx = contextFor({ rawUrl: '/users/v1/_debug', response: { body } });
    assert.equal((await create().onResponse!(ctx)).kind, 'continue');
    assert.deepEqual(JSON.parse(ctx.response!.body!.toString('utf8')), {
      users: [
        { username: 'name1', admin: false, passwordResetRequired: true, token: { expires: 'x' } },
        { username: 'admin', admin: true },
      ],
    });
    assert.deepEqual(ctx.events.map((event) => [event.rule, event.location]).sort(), [
      ['never-leave-member', 'response.body.users[0].password'],
      ['never-leave-member', 'response.body.users[1].password'],
    ]);
  });

  test('keeps the token of a login answer but not its other secrets, and obeys allowOn and []', async () => {
    const login = () =>
      contextFor({
        method: 'POST',
        rawUrl: '/users/v1/login',
        response: {
          body: JSON.stringify({ token: 'eyJ.a.b', auth_token: 'eyJ.c.d', password: 's', secret: 'kept' }),
        },
      });
    const ctx = login();
    await create().onResponse!(ctx);
    assert.deepEqual(JSON.parse(ctx.response!.body!.toString('utf8')), {
      token: 'eyJ.a.b',
      auth_token: 'eyJ.c.d',
      secret: 'kept',
    });
    const key = () =>
      contextFor({ method: 'POST', rawUrl: '/keys', response: { status: 201, body: '{"apiKey":"k-1"}' } });
    const removed = key();
    await create().onResponse!(removed);
    assert.deepEqual(JSON.parse(removed.response!.body!.toString('utf8')), {});
    const allowed = key();
    await create({ allowOn: ['issueKey'] }).onResponse!(allowed);
    assert.deepEqual(JSON.parse(allowed.response!.body!.toString('utf8')), { apiKey: 'k-1' });
    const off = contextFor({ rawUrl: '/elsewhere', response: { body: '{"password":"p"}' } });
    await create({ neverLeave: [] }).onResponse!(off);
    assert.deepEqual(JSON.parse(off.response!.body!.toString('utf8')), { password: 'p' });
    const unknown = contextFor({ rawUrl: '/elsewhere', response: { body: '{"password":"p","n":1}' } });
    await create().onResponse!(unknown);
    assert.deepEqual(JSON.parse(unknown.response!.body!.toString('utf8')), { n: 1 });
  });
});
