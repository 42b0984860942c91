// authorize on in-memory contexts: any signed-in caller, conditions, step-up (RFC 9470), owners in
// the upstream's answer, and ownership learned when a consumer creates an object.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import {
  type ContextOverrides,
  configFor,
  contextFor,
  depsFor,
  fakeClock,
} from '../../../test/helpers/context.ts';
import { createMemoryState } from '../../state/memory.ts';
import type { Identity, PolicyHandlers, Verdict } from '../policy.ts';
import type { AuthorizeRequest } from './authorize.ts';
import { authorize } from './index.ts';

const person = (name: string, scopes: string[] = [], claims: Record<string, unknown> = {}): Identity => ({
  consumerId: `id-${name}`,
  consumerName: name,
  scopes,
  method: 'api-key',
  claims: { sub: name, ...claims },
});
const alice = person('alice');
const bob = person('bob');
const admin = person('admin', ['admin']);

describe('authorize', () => {
  const clock = fakeClock();
  const state = createMemoryState({ clock, sweepMs: 0 });
  after(async () => {
    await state.close();
  });
  const create = (raw: object) =>
    authorize.create(
      configFor(authorize, raw),
      depsFor({ clock, state }),
    ) as PolicyHandlers<AuthorizeRequest>;

  /** Runs the request phase, then (when admitted and an answer is given) the response phase. */
  const call = async (
    handlers: PolicyHandlers<AuthorizeRequest>,
    overrides: ContextOverrides,
    answer?: { status?: number; body: unknown },
  ): Promise<Verdict> => {
    const request = handlers.requestState!();
    const verdict = await handlers.onRequest!(contextFor(overrides), request);
    if (verdict.kind === 'deny' || answer === undefined || handlers.onResponse === undefined) return verdict;
    const response = { status: answer.status ?? 200, body: JSON.stringify(answer.body) };
    return handlers.onResponse(contextFor({ ...overrides, response }), request);
  };
  const outcome = (verdict: Verdict) => (verdict.kind === 'deny' ? verdict.code : 'continue');

  test('lets any signed-in caller through with authenticated, and refuses anonymous ones', async () => {
    const handlers = create({ rules: [{ paths: ['/me'], authenticated: true, anyOf: ['never-held'] }] });
    assert.equal(outcome(await call(handlers, { path: '/me', identity: alice })), 'continue');
    assert.equal(outcome(await call(handlers, { path: '/me' })), 'RAMPART_AUTHN_UNAUTHORIZED');
    assert.equal(
      outcome(await call(handlers, { path: '/other', identity: alice })),
      'RAMPART_AUTHZ_FORBIDDEN',
    );
    const routeWide = create({ authenticated: true });
    assert.equal(outcome(await call(routeWide, { path: '/other', identity: alice })), 'continue');
    assert.equal(outcome(await call(routeWide, { path: '/other' })), 'RAMPART_AUTHN_UNAUTHORIZED');
  });

  test('holds a rule to its condition: a DELETE only consumer.name == "admin" may do', async () => {
    const handlers = create({
      rules: [
        {
          name: 'delete-user',
          paths: ['/users/v1/:name'],
          methods: ['DELETE'],
          when: 'consumer.name == "admin"',
        },
        { name: 'flagged', paths: ['/flags'], when: 'claims.admin == true or enriched.role == "Employee"' },
        { name: 'rest', paths: ['/**'], authenticated: true },
      ],
    });
    const del = (identity: Identity) => call(handlers, { method: 'DELETE', path: '/users/v1/bob', identity });
    assert.equal(outcome(await del(admin)), 'continue');
    assert.equal(outcome(await del(alice)), 'RAMPART_AUTHZ_FORBIDDEN');
    assert.equal(outcome(await call(handlers, { path: '/users/v1/bob', identity: alice })), 'continue');
    const claimed = person('carol', [], { admin: true });
    const employee = { ...bob, enriched: { role: 'Employee' } } as Identity;
    assert.equal(outcome(await call(handlers, { path: '/flags', identity: claimed })), 'continue');
    assert.equal(outcome(await call(handlers, { path: '/flags', identity: employee })), 'continue');
    assert.equal(outcome(await call(handlers, { path: '/flags', identity: bob })), 'RAMPART_AUTHZ_FORBIDDEN');
  });

  test('refuses a bad condition or object rule at load', () => {
    assert.throws(
      () => create({ rules: [{ paths: ['/x'], when: 'consumer.name = "a"' }] }),
      /rules\[0\]\.when.*column 15/,
    );
    assert.throws(() => create({ objects: [{ paths: ['/x'], param: 'params.id' }] }), /objects\[0\]/);
    assert.throws(
      () =>
        create({
          objects: [
            {
              paths: ['/x'],
              param: 'params.id',
              equals: 'consumer.id',
              response: { member: 'o', equals: 'consumer.id' },
            },
          ],
        }),
      /objects\[0\]/,
    );
  });

  test('asks for a stronger authentication with an RFC 9470 challenge', async () => {
    const handlers = create({
      rules: [
        {
          paths: ['/transfers'],
          authenticated: true,
          stepUp: { acr: ['urn:example:mfa', 'gold'], amr: ['mfa', 'hwk'] },
        },
      ],
    });
    const weak = await call(handlers, {
      path: '/transfers',
      identity: person('x', [], { acr: 'silver', amr: ['pwd'] }),
    });
    assert.equal(outcome(weak), 'RAMPART_AUTHN_STEP_UP_REQUIRED');
    assert.equal(
      weak.kind === 'deny' && weak.headers?.['www-authenticate'],
      'Bearer error="insufficient_user_authentication", error_description="A different authentication level is required", acr_values="urn:example:mfa gold"',
    );
    const noAmr = await call(handlers, {
      path: '/transfers',
      identity: person('x', [], { acr: 'gold', amr: ['pwd'] }),
    });
    assert.equal(outcome(noAmr), 'RAMPART_AUTHN_STEP_UP_REQUIRED');
    const strong = await call(handlers, {
      path: '/transfers',
      identity: person('x', [], { acr: 'gold', amr: ['pwd', 'mfa'] }),
    });
    assert.equal(outcome(strong), 'continue');
  });

  test('hides an object whose owner in the answer is another consumer', async () => {
    const handlers = create({
      authenticated: true,
      objects: [
        {
          name: 'book-owner',
          paths: ['/books/v1/:title'],
          methods: ['GET'],
          response: { member: 'owner', equals: 'consumer.name' },
          unlessRoles: ['admin'],
        },
        {
          name: 'report-owner',
          paths: ['/reports/:id'],
          response: { member: 'meta.owner', equals: 'claims.sub' },
          hide: 'forbidden',
        },
      ],
    });
    assert.equal(handlers.needs?.responseBody, true);
    const book = { book_title: 'b1', secret: 's3cr3t', owner: 'alice' };
    const read = (identity: Identity, answer: { status?: number; body: unknown } = { body: book }) =>
      call(handlers, { path: '/books/v1/b1', identity }, answer);
    assert.equal(outcome(await read(alice)), 'continue');
    const hidden = await read(bob);
    assert.equal(outcome(hidden), 'RAMPART_AUTHZ_OBJECT_NOT_FOUND');
    assert.equal(hidden.kind === 'deny' && hidden.location, 'response.body.owner');
    assert.equal(outcome(await read(admin)), 'continue');
    assert.equal(outcome(await read(bob, { status: 404, body: { status: 'fail' } })), 'continue');
    assert.equal(outcome(await read(bob, { body: { book_title: 'b1' } })), 'RAMPART_AUTHZ_OBJECT_NOT_FOUND');
    const report = (identity: Identity) =>
      call(handlers, { path: '/reports/7', identity }, { body: { meta: { owner: 'alice' } } });
    assert.equal(outcome(await report(alice)), 'continue');
    assert.equal(outcome(await report(bob)), 'RAMPART_AUTHZ_FORBIDDEN');
  });

  test('learns who created an object and refuses it to others until it is deleted', async () => {
    const handlers = create({
      authenticated: true,
      learnOwnership: {
        create: { methods: ['POST'], path: '/books/v1', id: 'request.book_title' },
        objects: { path: '/books/v1/:book_title', param: 'book_title', methods: ['GET', 'PUT', 'DELETE'] },
        exemptRoles: ['admin'],
      },
    });
    assert.equal(handlers.needs?.requestBody, true);
    const create_ = (identity: Identity, title: string, status = 200) =>
      call(
        handlers,
        {
          method: 'POST',
          path: '/books/v1',
          identity,
          body: JSON.stringify({ book_title: title, secret: 'x' }),
        },
        { status, body: { status: 'success' } },
      );
    const on = (identity: Identity, method: string, title: string) =>
      call(handlers, { method, path: `/books/v1/${title}`, identity }, { body: {} });
    await create_(alice, 'Dune');
    assert.equal(outcome(await on(alice, 'GET', 'Dune')), 'continue');
    assert.equal(outcome(await on(bob, 'GET', 'Dune')), 'RAMPART_AUTHZ_OBJECT_NOT_FOUND');
    assert.equal(outcome(await on(bob, 'PUT', 'Dune')), 'RAMPART_AUTHZ_OBJECT_NOT_FOUND');
    assert.equal(outcome(await on(admin, 'GET', 'Dune')), 'continue');
    // A second creation of the same id never takes it over; a refused creation teaches nothing.
    await create_(bob, 'Dune');
    assert.equal(outcome(await on(bob, 'GET', 'Dune')), 'RAMPART_AUTHZ_OBJECT_NOT_FOUND');
    await create_(bob, 'Emma', 400);
    assert.equal(outcome(await on(alice, 'GET', 'Emma')), 'continue');
    // Objects the gateway never saw created are left to the other rules.
    assert.equal(outcome(await on(bob, 'GET', 'Unknown')), 'continue');
    assert.equal(outcome(await on(alice, 'DELETE', 'Dune')), 'continue');
    assert.equal(outcome(await on(bob, 'GET', 'Dune')), 'continue');
  });

  test('learns the id from the answer when the upstream assigns it', async () => {
    const handlers = create({
      authenticated: true,
      learnOwnership: {
        create: { path: '/orders', id: 'response.id' },
        objects: { path: '/orders/{id}', param: 'id' },
        hide: 'forbidden',
      },
    });
    await call(
      handlers,
      { method: 'POST', path: '/orders', identity: alice },
      { status: 201, body: { id: 42 } },
    );
    assert.equal(
      outcome(await call(handlers, { path: '/orders/42', identity: bob })),
      'RAMPART_AUTHZ_FORBIDDEN',
    );
    assert.equal(outcome(await call(handlers, { path: '/orders/42', identity: alice })), 'continue');
  });
});
