// Against a real RFC 7662 endpoint on 127.0.0.1 that the test starts and scripts per token.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { configFor, contextFor, depsFor, fakeClock } from '../../../test/helpers/context.ts';
import { startUpstream, type TestUpstream } from '../../../test/helpers/upstream.ts';
import { announceCredentialRevoked, credentialHash } from '../../identity/credential-revocations.ts';
import { createMemoryState } from '../../state/memory.ts';
import type { PolicyHandlers, Verdict } from '../policy.ts';
import { introspection } from './index.ts';

const clock = fakeClock(Date.UTC(2026, 5, 1));
const nowSec = () => Math.floor(clock.now() / 1000);
process.env.INTROSPECTION_TEST_SECRET = 's3cret:with/odd chars';
after(() => {
  delete process.env.INTROSPECTION_TEST_SECRET;
});

/** What the endpoint answers per token: a JSON body, or a status to fail with. */
const answers = new Map<string, Record<string, unknown> | number>();
let endpoint: TestUpstream;

before(async () => {
  endpoint = await startUpstream((_req, res, body) => {
    const token = new URLSearchParams(body?.toString('utf8') ?? '').get('token') ?? '';
    const answer = answers.get(token) ?? { active: false };
    if (typeof answer === 'number') {
      res.writeHead(answer).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
  });
});
after(() => endpoint.close());

function policy(extra: Record<string, unknown> = {}, state = createMemoryState({ clock, sweepMs: 0 })) {
  const config = configFor(introspection, {
    endpoint: `${endpoint.url}/oauth2/introspect`,
    clientId: 'rampart-gateway',
    clientSecret: 'env:INTROSPECTION_TEST_SECRET',
    ...extra,
  });
  return introspection.create(config, depsFor({ clock, state }));
}

async function call(handlers: PolicyHandlers, authorization?: string | string[]) {
  const ctx = contextFor({ clock, headers: authorization === undefined ? {} : { authorization } });
  const verdict = (await handlers.onRequest!(ctx)) as Verdict;
  return { ctx, verdict };
}

const calls = () => endpoint.received.length;

describe('introspection', () => {
  test('establishes the identity of an active token, authenticating the gateway with Basic', async () => {
    answers.set('tok-active', {
      active: true,
      sub: 'alice',
      scope: 'orders:read orders:write',
      exp: nowSec() + 3600,
    });
    const handlers = policy();
    const before = calls();
    const { ctx, verdict } = await call(handlers, 'Bearer tok-active');
    assert.equal(verdict.kind, 'continue');
    assert.equal(ctx.identity?.consumerId, 'alice');
    assert.deepEqual(ctx.identity?.scopes, ['orders:read', 'orders:write']);
    assert.equal(ctx.identity?.method, 'introspection');
    const request = endpoint.received[before]!;
    assert.equal(request.method, 'POST');
    assert.equal(request.url, '/oauth2/introspect');
    assert.equal(request.headers['content-type'], 'application/x-www-form-urlencoded');
    const basic = Buffer.from(request.headers.authorization!.slice(6), 'base64').toString('utf8');
    assert.equal(basic, 'rampart-gateway:s3cret%3Awith%2Fodd%20chars');
    const form = new URLSearchParams(request.body!.toString('utf8'));
    assert.equal(form.get('token'), 'tok-active');
    assert.equal(form.get('token_type_hint'), 'access_token');
    handlers.close?.();
  });

  test('answers 401 for an inactive token and remembers that only briefly', async () => {
    const handlers = policy({ negativeCacheTtl: '5s' });
    const before = calls();
    const first = await call(handlers, 'Bearer tok-unknown');
    assert.equal(first.verdict.kind === 'deny' && first.verdict.code, 'RAMPART_AUTHN_UNAUTHORIZED');
    assert.equal(first.verdict.kind === 'deny' && first.verdict.rule, 'inactive');
    assert.equal(first.ctx.authn.failure?.method, 'introspection');
    await call(handlers, 'Bearer tok-unknown');
    assert.equal(calls(), before + 1);
    clock.advance(5001);
    await call(handlers, 'Bearer tok-unknown');
    assert.equal(calls(), before + 2);
    handlers.close?.();
  });

  test('reuses an active answer for cacheTtl, never past the token exp', async () => {
    answers.set('tok-long', { active: true, sub: 'bob', exp: nowSec() + 3600 });
    answers.set('tok-short', { active: true, sub: 'carol', exp: nowSec() + 10 });
    const handlers = policy({ cacheTtl: '60s' });
    const before = calls();
    for (let i = 0; i < 3; i++) {
      assert.equal((await call(handlers, 'Bearer tok-long')).verdict.kind, 'continue');
      assert.equal((await call(handlers, 'Bearer tok-short')).verdict.kind, 'continue');
    }
    assert.equal(calls(), before + 2);
    clock.advance(11_000);
    // The short token's answer ran out with its exp; the endpoint still says active but exp is past.
    const short = await call(handlers, 'Bearer tok-short');
    assert.equal(short.verdict.kind === 'deny' && short.verdict.rule, 'expired');
    assert.equal((await call(handlers, 'Bearer tok-long')).verdict.kind, 'continue');
    assert.equal(calls(), before + 3);
    clock.advance(60_000);
    await call(handlers, 'Bearer tok-long');
    assert.equal(calls(), before + 4);
    handlers.close?.();
  });

  test('shares one call between concurrent requests with the same token', async () => {
    answers.set('tok-busy', { active: true, sub: 'dave' });
    const handlers = policy();
    const before = calls();
    // All four start before any answer can arrive (one tick), so they find the first one's call in flight.
    const results = await Promise.all([1, 2, 3, 4].map(() => call(handlers, 'Bearer tok-busy')));
    assert.deepEqual(
      results.map((r) => r.ctx.identity?.consumerId),
      ['dave', 'dave', 'dave', 'dave'],
    );
    assert.equal(calls(), before + 1);
    handlers.close?.();
  });

  test('answers 503 when the endpoint fails or cannot be reached, and does not cache it', async () => {
    answers.set('tok-error', 500);
    const handlers = policy();
    const before = calls();
    for (let i = 0; i < 2; i++) {
      const { verdict } = await call(handlers, 'Bearer tok-error');
      assert.equal(verdict.kind === 'deny' && verdict.code, 'RAMPART_AUTHN_UNAVAILABLE');
    }
    assert.equal(calls(), before + 2);
    handlers.close?.();
    const closed = await startUpstream();
    await closed.close();
    const unreachable = introspection.create(
      configFor(introspection, {
        endpoint: closed.url,
        clientId: 'c',
        clientSecret: 'env:INTROSPECTION_TEST_SECRET',
      }),
      depsFor({ clock }),
    );
    const down = await call(unreachable, 'Bearer tok-active');
    assert.equal(down.verdict.kind === 'deny' && down.verdict.code, 'RAMPART_AUTHN_UNAVAILABLE');
    unreachable.close?.();
  });

  test('refuses two Authorization headers and asks for a token when none is sent', async () => {
    const handlers = policy();
    const before = calls();
    const two = await call(handlers, ['Bearer tok-active', 'Bearer tok-active']);
    assert.equal(two.verdict.kind === 'deny' && two.verdict.rule, 'malformed');
    const none = await call(handlers);
    assert.equal(
      none.verdict.kind === 'deny' && none.verdict.headers?.['www-authenticate'],
      'Bearer realm="rampart"',
    );
    assert.equal(calls(), before);
    handlers.close?.();
  });

  test('drops a cached answer when the credential is announced revoked', async () => {
    answers.set('tok-revoked', { active: true, sub: 'erin' });
    const state = createMemoryState({ clock, sweepMs: 0 });
    const handlers = policy({}, state);
    const before = calls();
    await call(handlers, 'Bearer tok-revoked');
    answers.set('tok-revoked', { active: false });
    await announceCredentialRevoked(state, credentialHash('tok-revoked'));
    await new Promise<void>((resolve) => queueMicrotask(resolve));
    const { verdict } = await call(handlers, 'Bearer tok-revoked');
    assert.equal(verdict.kind === 'deny' && verdict.rule, 'inactive');
    assert.equal(calls(), before + 2);
    handlers.close?.();
  });

  test('refuses a config whose client secret cannot be resolved', () => {
    assert.throws(() => policy({ clientSecret: 'env:INTROSPECTION_TEST_MISSING' }), /not set/);
  });
});
