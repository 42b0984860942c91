// Against a real upstream on 127.0.0.1 that the test starts: a user resource and a /me endpoint.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { configFor, contextFor, depsFor, fakeClock, recordingLogger } from '../../../test/helpers/context.ts';
import { startUpstream, type TestUpstream } from '../../../test/helpers/upstream.ts';
import { announceCredentialRevoked, credentialHash } from '../../identity/credential-revocations.ts';
import { createMemoryState } from '../../state/memory.ts';
import type { Identity, PolicyHandlers, Verdict } from '../policy.ts';
import { AuthnRecord } from '../request-shared.ts';
import { identityEnrich } from './index.ts';
import { compilePathTemplate } from './path-template.ts';

const clock = fakeClock(Date.UTC(2026, 5, 1));
let upstream: TestUpstream;
const roles: Record<string, string> = { name1: 'Employee', admin: 'Admin' };

before(async () => {
  upstream = await startUpstream((req, res) => {
    const url = req.url ?? '';
    if (url === '/me' && req.headers.authorization === 'Bearer upstream-token-1') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'success', data: { username: 'name1', admin: false } }));
      return;
    }
    const user = url.startsWith('/users/v1/') ? decodeURIComponent(url.slice(10)) : '';
    if (roles[user] === undefined) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"User not found"}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ username: user, role: roles[user], admin: user === 'admin', email: 'x@y.z' }));
  });
});
after(() => upstream.close());

const identityOf = (sub: string, extra: Partial<Identity> = {}): Identity => ({
  consumerId: sub,
  scopes: [],
  method: 'jwt',
  claims: { sub },
  ...extra,
});

function policy(raw: Record<string, unknown>, state = createMemoryState({ clock, sweepMs: 0 })) {
  return identityEnrich.create(
    configFor(identityEnrich, { members: ['role', 'admin'], path: '/users/v1/{sub}', ...raw }),
    depsFor({ clock, state, upstreams: { api: upstream.url } }),
  );
}

async function call(
  handlers: PolicyHandlers,
  identity: Identity | undefined,
  authorization = 'Bearer tok-a',
) {
  const ctx = contextFor({
    clock,
    headers: { authorization },
    route: { upstream: 'api' },
    ...(identity === undefined ? {} : { identity }),
  });
  const verdict = (await handlers.onRequest!(ctx)) as Verdict;
  return { ctx, verdict };
}

const calls = () => upstream.received.length;

describe('identity-enrich', () => {
  test('asks the route upstream with the caller credential and exposes the chosen members', async () => {
    const handlers = policy({});
    const before = calls();
    const { ctx, verdict } = await call(handlers, identityOf('name1'));
    assert.equal(verdict.kind, 'continue');
    assert.deepEqual(ctx.identity?.enriched, { role: 'Employee', admin: false });
    assert.equal(ctx.identity?.consumerId, 'name1');
    const request = upstream.received[before]!;
    assert.equal(request.url, '/users/v1/name1');
    assert.equal(request.headers.authorization, 'Bearer tok-a');
    handlers.close?.();
  });

  test('caches per credential until cacheTtl, then asks again', async () => {
    const handlers = policy({ cacheTtl: '60s' });
    const before = calls();
    await call(handlers, identityOf('admin'), 'Bearer tok-admin');
    const again = await call(handlers, identityOf('admin'), 'Bearer tok-admin');
    assert.deepEqual(again.ctx.identity?.enriched, { role: 'Admin', admin: true });
    assert.equal(calls(), before + 1);
    await call(handlers, identityOf('name1'), 'Bearer tok-other');
    assert.equal(calls(), before + 2);
    clock.advance(60_001);
    await call(handlers, identityOf('admin'), 'Bearer tok-admin');
    assert.equal(calls(), before + 3);
    handlers.close?.();
  });

  test('presents token-shield upstream token, not the reference the client holds', async () => {
    const handlers = policy({
      upstream: upstream.url,
      path: '/me',
      members: ['data.admin', 'data.username'],
    });
    const identity = identityOf('name1', {
      upstreamCredential: { header: 'authorization', value: 'Bearer upstream-token-1' },
    });
    const { ctx } = await call(handlers, identity, `Bearer rst_${'a'.repeat(43)}`);
    assert.deepEqual(ctx.identity?.enriched, { admin: false, username: 'name1' });
    handlers.close?.();
  });

  test('does not forward the credential when forwardCredential is false', async () => {
    const handlers = policy({ forwardCredential: false });
    const before = calls();
    await call(handlers, identityOf('name1'), 'Bearer tok-nofwd');
    assert.equal(upstream.received[before]!.headers.authorization, undefined);
    handlers.close?.();
  });

  test('remembers an answer that says nothing only briefly, and leaves enriched empty', async () => {
    const handlers = policy({});
    const before = calls();
    const { ctx } = await call(handlers, identityOf('ghost'), 'Bearer tok-ghost');
    assert.deepEqual(ctx.identity?.enriched, {});
    await call(handlers, identityOf('ghost'), 'Bearer tok-ghost');
    assert.equal(calls(), before + 1);
    clock.advance(5001);
    await call(handlers, identityOf('ghost'), 'Bearer tok-ghost');
    assert.equal(calls(), before + 2);
    handlers.close?.();
  });

  test('drops a cached answer when the credential is announced revoked', async () => {
    const state = createMemoryState({ clock, sweepMs: 0 });
    const handlers = policy({}, state);
    const before = calls();
    await call(handlers, identityOf('name1'), 'Bearer tok-revoked');
    await announceCredentialRevoked(state, credentialHash('tok-revoked'));
    await new Promise<void>((resolve) => queueMicrotask(resolve));
    await call(handlers, identityOf('name1'), 'Bearer tok-revoked');
    assert.equal(calls(), before + 2);
    handlers.close?.();
  });

  test('answers 503 when the upstream cannot be reached, and does nothing without an identity', async () => {
    const closed = await startUpstream();
    await closed.close();
    const handlers = policy({ upstream: closed.url });
    const { verdict } = await call(handlers, identityOf('name1'), 'Bearer tok-down');
    assert.equal(verdict.kind === 'deny' && verdict.code, 'RAMPART_AUTHN_UNAVAILABLE');
    const before = calls();
    const anonymous = await call(policy({}), undefined);
    assert.equal(anonymous.verdict.kind, 'continue');
    assert.equal(anonymous.ctx.identity, undefined);
    assert.equal(calls(), before);
    handlers.close?.();
  });

  test('warns once when it runs before any authentication method', async () => {
    const log = recordingLogger();
    const handlers = identityEnrich.create(
      configFor(identityEnrich, { members: ['role'], path: '/users/v1/{sub}' }),
      depsFor({ clock, log, upstreams: { api: upstream.url } }),
    );
    await call(handlers, undefined);
    await call(handlers, undefined);
    assert.equal(log.records.filter((record) => record.level === 'warn').length, 1);
    const authn = new AuthnRecord();
    authn.absent('jwt', 'Bearer');
    const log2 = recordingLogger();
    const after = identityEnrich.create(
      configFor(identityEnrich, { members: ['role'], path: '/users/v1/{sub}' }),
      depsFor({ clock, log: log2 }),
    );
    await after.onRequest!(contextFor({ clock, authn }));
    assert.equal(log2.records.length, 0);
  });

  test('refuses at load an unknown upstream name, clashing members and a broken template', () => {
    assert.throws(() => policy({ upstream: 'nope' }), /no upstream named/);
    assert.throws(() => policy({ members: ['role', 'data.role'] }), /same name/);
    assert.throws(() => policy({ path: '/users/{sub' }), /unclosed/);
  });

  test('encodes each claim as one path segment', () => {
    const template = compilePathTemplate('/users/v1/{sub}/books/{org.id}');
    assert.equal(template.expand({ sub: 'a/b?c#d', org: { id: 7 } }), '/users/v1/a%2Fb%3Fc%23d/books/7');
    assert.equal(template.expand({ sub: '..', org: { id: 1 } }), '/users/v1/%2E%2E/books/1');
    assert.equal(template.expand({ sub: 'x' }), undefined);
    assert.equal(template.expand({ sub: { nested: true }, org: { id: 1 } }), undefined);
  });
});
