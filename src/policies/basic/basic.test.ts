// basic on in-memory contexts: a correct password over TLS identifies the consumer, plain HTTP is
// refused before any password check, and every refused credential is one 401 with the Basic challenge.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { configFor, contextFor, depsFor, fakeClock } from '../../../test/helpers/context.ts';
import { hashPassword } from '../../identity/passwords.ts';
import { createSqliteStore } from '../../store/sqlite-store.ts';
import type { Consumer } from '../../store/store.ts';
import type { PolicyHandlers, Verdict } from '../policy.ts';
import { basic } from './index.ts';

const CHALLENGE = 'Basic realm="rampart", charset="UTF-8"';

function authorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

describe('basic', () => {
  const clock = fakeClock(Date.UTC(2026, 5, 1));
  const store = createSqliteStore(':memory:', clock.now);
  let carol: Consumer;
  let dave: Consumer;

  before(async () => {
    carol = await store.createConsumer({ name: 'carol', roles: ['reader'] });
    dave = await store.createConsumer({ name: 'dave' });
    const now = clock.now();
    await store.setPassword({
      username: 'carol',
      consumerId: carol.id,
      hash: await hashPassword('correct horse'),
      createdAt: now,
    });
    await store.setPassword({
      username: 'dave',
      consumerId: dave.id,
      hash: await hashPassword('battery staple'),
      createdAt: now,
    });
    await store.setConsumerEnabled(dave.id, false);
  });
  after(async () => {
    await store.close();
  });

  const handlers: PolicyHandlers = basic.create(configFor(basic, {}), depsFor({ clock, store }));

  const call = async (headers: Record<string, string>, secure = true) => {
    const ctx = contextFor({ headers, secure, clock });
    const verdict: Verdict = await handlers.onRequest!(ctx);
    return { ctx, verdict };
  };

  const assertRefused = (verdict: Verdict, rule: string): void => {
    assert.equal(verdict.kind === 'deny' && verdict.code, 'RAMPART_AUTHN_UNAUTHORIZED');
    assert.equal(verdict.kind === 'deny' && verdict.rule, rule);
    assert.equal(verdict.kind === 'deny' && verdict.headers?.['www-authenticate'], CHALLENGE);
  };

  test('identifies the consumer of a correct password over TLS', async () => {
    const { ctx, verdict } = await call({ authorization: authorization('carol', 'correct horse') });
    assert.equal(verdict.kind, 'continue');
    assert.equal(ctx.identity?.consumerId, carol.id);
    assert.equal(ctx.identity?.method, 'basic');
    assert.deepEqual(ctx.identity?.scopes, ['reader']);
    assert.equal(ctx.upstreamHeaders.get('x-consumer-name'), 'carol');
    assert.equal(ctx.upstreamHeaders.get('authorization'), undefined);
  });

  test('refuses credentials sent over plain HTTP with the TLS-required code', async () => {
    const { ctx, verdict } = await call({ authorization: authorization('carol', 'correct horse') }, false);
    assert.equal(verdict.kind === 'deny' && verdict.code, 'RAMPART_AUTHN_TLS_REQUIRED');
    assert.equal(ctx.identity, undefined);
  });

  test('answers 401 with the Basic challenge when no credentials are sent over TLS', async () => {
    assertRefused((await call({})).verdict, 'missing');
  });

  test('refuses a wrong password, an unknown user and a malformed header alike', async () => {
    assertRefused(
      (await call({ authorization: authorization('carol', 'wrong horse') })).verdict,
      'bad-password',
    );
    assertRefused((await call({ authorization: authorization('mallory', 'x') })).verdict, 'unknown-user');
    assertRefused((await call({ authorization: 'Basic bm9jb2xvbg==' })).verdict, 'malformed');
  });

  test('refuses the correct password of a disabled consumer', async () => {
    const { ctx, verdict } = await call({ authorization: authorization('dave', 'battery staple') });
    assertRefused(verdict, 'consumer-disabled');
    assert.equal(ctx.identity, undefined);
  });
});
