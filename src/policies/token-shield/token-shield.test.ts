import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SignJWT } from 'jose';
import {
  configFor,
  contextFor,
  depsFor,
  fakeClock,
  type TestContext,
} from '../../../test/helpers/context.ts';
import { startRedis, waitForState } from '../../../test/helpers/redis.ts';
import { CREDENTIAL_REVOCATION_CHANNEL } from '../../identity/credential-revocations.ts';
import { createMemoryState } from '../../state/memory.ts';
import { createRedisState } from '../../state/redis.ts';
import type { PolicyHandlers, Verdict } from '../policy.ts';
import { tokenShield } from './index.ts';
import { referenceHash, stateKeyOf } from './references.ts';

const clock = fakeClock(Date.UTC(2026, 5, 1));
const nowSec = () => Math.floor(clock.now() / 1000);
const upstreamKey = new TextEncoder().encode('random');

function setup(extra: Record<string, unknown> = {}) {
  const state = createMemoryState({ clock, sweepMs: 0 });
  const deps = depsFor({ clock, state });
  const make = (role: string) => tokenShield.create(configFor(tokenShield, { role, ...extra }), deps);
  return { state, issue: make('issue'), accept: make('accept'), revoke: make('revoke') };
}

const upstreamToken = (sub = 'name1', exp = nowSec() + 600) =>
  new SignJWT({ sub, admin: false })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt(nowSec())
    .setExpirationTime(exp)
    .sign(upstreamKey);

async function login(
  issue: PolicyHandlers,
  body: unknown,
  status = 200,
): Promise<{ ctx: TestContext; verdict: Verdict }> {
  const ctx = contextFor({
    clock,
    method: 'POST',
    response: { status, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } },
  });
  const verdict = (await issue.onResponse!(ctx)) as Verdict;
  return { ctx, verdict };
}

async function call(handlers: PolicyHandlers, authorization?: string | string[]) {
  const ctx = contextFor({ clock, headers: authorization === undefined ? {} : { authorization } });
  const verdict = (await handlers.onRequest!(ctx)) as Verdict;
  return { ctx, verdict };
}

async function issued(issue: PolicyHandlers, token: string): Promise<string> {
  const { ctx } = await login(issue, { auth_token: token, message: 'Successfully logged in.' });
  const answer = JSON.parse(ctx.response!.body!.toString('utf8')) as { auth_token: string; message: string };
  assert.equal(answer.message, 'Successfully logged in.');
  return answer.auth_token;
}

describe('token-shield', () => {
  test('swaps the login token for an rst_ reference stored hashed and sealed', async () => {
    const { issue, state } = setup();
    const token = await upstreamToken();
    const reference = await issued(issue, token);
    assert.match(reference, /^rst_[A-Za-z0-9_-]{43}$/);
    const stored = state.get(stateKeyOf(referenceHash(reference)));
    assert.ok(stored !== undefined);
    assert.ok(!stored.includes(token) && !stored.includes(reference));
    assert.equal(state.get(`tshield:${reference}`), undefined);
  });

  test('leaves failed logins, non-JSON and error answers untouched', async () => {
    const { issue } = setup();
    const failed = { status: 'fail', message: 'Username does not exist' };
    const { ctx, verdict } = await login(issue, failed);
    assert.equal(verdict.kind, 'continue');
    assert.deepEqual(JSON.parse(ctx.response!.body!.toString()), failed);
    const error = await login(issue, { auth_token: await upstreamToken() }, 401);
    assert.equal(JSON.parse(error.ctx.response!.body!.toString()).auth_token.startsWith('eyJ'), true);
  });

  test('refuses to pass a compressed login answer it cannot rewrite', async () => {
    const { issue } = setup();
    const ctx = contextFor({
      clock,
      response: {
        status: 200,
        body: 'xx',
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      },
    });
    const verdict = (await issue.onResponse!(ctx)) as Verdict;
    assert.equal(verdict.kind === 'deny' && verdict.code, 'RAMPART_RESPONSE_UNINSPECTABLE');
  });

  test('accepts the reference, forwards the real token and identifies the caller from its claims', async () => {
    const { issue, accept } = setup({ roleClaims: ['roles'] });
    const token = await upstreamToken('name1');
    const reference = await issued(issue, token);
    const { ctx, verdict } = await call(accept, `Bearer ${reference}`);
    assert.equal(verdict.kind, 'continue');
    assert.equal(ctx.upstreamHeaders.get('authorization'), `Bearer ${token}`);
    assert.equal(ctx.identity?.consumerId, 'name1');
    assert.equal(ctx.identity?.claims?.admin, false);
    assert.equal(ctx.authn.attempts[0]?.result, 'succeeded');
    assert.ok(!JSON.stringify(ctx.log.records).includes(reference));
  });

  test('refuses a raw upstream token, an unknown reference, two headers and no header', async () => {
    const { issue, accept } = setup();
    const reference = await issued(issue, await upstreamToken());
    const forged = await upstreamToken('admin');
    const cases: Array<[string | string[] | undefined, string]> = [
      [`Bearer ${forged}`, 'not-a-reference'],
      [`Bearer rst_${'A'.repeat(43)}`, 'unknown'],
      [[`Bearer ${reference}`, `Bearer ${reference}`], 'malformed'],
      ['Basic bmFtZTE6cGFzczE=', 'malformed'],
      [undefined, 'missing'],
    ];
    for (const [authorization, rule] of cases) {
      const { ctx, verdict } = await call(accept, authorization);
      assert.equal(verdict.kind === 'deny' && verdict.code, 'RAMPART_AUTHN_UNAUTHORIZED', rule);
      assert.equal(verdict.kind === 'deny' && verdict.rule, rule);
      assert.equal(ctx.identity, undefined);
      assert.equal(ctx.upstreamHeaders.get('authorization'), undefined);
    }
  });

  test('expires a reference with its ttl, or sooner with the upstream token', async () => {
    const { issue, accept } = setup({ ttl: '10m' });
    const long = await issued(issue, await upstreamToken('name1', nowSec() + 3600));
    const short = await issued(issue, await upstreamToken('name2', nowSec() + 60));
    clock.advance(61_000);
    assert.equal((await call(accept, `Bearer ${short}`)).verdict.kind, 'deny');
    assert.equal((await call(accept, `Bearer ${long}`)).verdict.kind, 'continue');
    clock.advance(10 * 60_000);
    assert.equal((await call(accept, `Bearer ${long}`)).verdict.kind, 'deny');
  });

  test('revoke forwards the token once, drops the reference and announces it', async () => {
    const { issue, accept, revoke, state } = setup();
    const reference = await issued(issue, await upstreamToken());
    const notices: string[] = [];
    state.subscribe(CREDENTIAL_REVOCATION_CHANNEL, (message) => notices.push(message));
    const out = await call(revoke, `Bearer ${reference}`);
    assert.equal(out.verdict.kind, 'continue');
    assert.ok(out.ctx.upstreamHeaders.get('authorization')?.startsWith('Bearer eyJ'));
    await new Promise<void>((resolve) => queueMicrotask(resolve));
    assert.deepEqual(notices, [referenceHash(reference)]);
    const after = await call(accept, `Bearer ${reference}`);
    assert.equal(after.verdict.kind === 'deny' && after.verdict.rule, 'unknown');
  });

  test('an opaque upstream token still works, identified by its reference', async () => {
    const { issue, accept } = setup();
    const reference = await issued(issue, 'opaque-session-7f3a');
    const { ctx, verdict } = await call(accept, `Bearer ${reference}`);
    assert.equal(verdict.kind, 'continue');
    assert.equal(ctx.upstreamHeaders.get('authorization'), 'Bearer opaque-session-7f3a');
    assert.match(ctx.identity?.consumerId ?? '', /^rst:/);
  });

  test('answers 503 when the shared state fails, withholding the login answer rather than leak the token', async () => {
    const redis = await startRedis();
    const shared = createRedisState({ url: redis.url, keyPrefix: 'ts-unit:', timeoutMs: 200, clock });
    try {
      await waitForState(shared);
      const deps = depsFor({ clock, state: shared });
      const issue = tokenShield.create(configFor(tokenShield, { role: 'issue' }), deps);
      const accept = tokenShield.create(configFor(tokenShield, { role: 'accept' }), deps);
      const reference = await issued(issue, await upstreamToken());
      assert.equal((await call(accept, `Bearer ${reference}`)).verdict.kind, 'continue');
      await redis.kill();
      const { verdict } = await login(issue, { auth_token: await upstreamToken() });
      assert.equal(verdict.kind === 'deny' && verdict.code, 'RAMPART_AUTHN_UNAVAILABLE');
      const refused = await call(accept, `Bearer ${reference}`);
      assert.equal(refused.verdict.kind === 'deny' && refused.verdict.code, 'RAMPART_AUTHN_UNAVAILABLE');
      assert.equal(refused.ctx.upstreamHeaders.get('authorization'), undefined);
    } finally {
      await shared.close();
      await redis.stop();
    }
  });
});
