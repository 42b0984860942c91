// sensitive-data and issued credentials: the token a login answer gives its caller is never rewritten
// by default, while a token leaking in a list is masked when the config asks for it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { configFor, contextFor, depsFor } from '../../../test/helpers/context.ts';
import { sensitiveData } from './index.ts';

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJuYW1lMSJ9.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg';

const answer = (body: unknown) => contextFor({ method: 'POST', response: { body: JSON.stringify(body) } });
const bodyOf = (ctx: ReturnType<typeof answer>) => JSON.parse(ctx.response!.body!.toString('utf8'));

describe('sensitive-data and issued tokens', () => {
  test('reports a JWT by default and leaves the answer as the upstream wrote it', async () => {
    const ctx = answer({ auth_token: JWT, message: 'Successfully logged in.' });
    const before = ctx.response!.body;
    assert.equal(
      (await sensitiveData.create(configFor(sensitiveData), depsFor()).onResponse!(ctx)).kind,
      'continue',
    );
    assert.equal(ctx.response!.body, before);
    assert.deepEqual(
      ctx.events.map((event) => event.rule),
      ['sensitive-jwt'],
    );
  });

  test('keeps the token of a login answer even when JWTs are masked or blocked', async () => {
    for (const action of ['mask', 'block'] as const) {
      const policy = sensitiveData.create(configFor(sensitiveData, { types: { jwt: action } }), depsFor());
      for (const body of [
        { auth_token: JWT },
        { data: { access_token: JWT, refresh_token: JWT } },
        { jwt: JWT },
      ]) {
        const ctx = answer(body);
        assert.equal((await policy.onResponse!(ctx)).kind, 'continue', `${action} ${JSON.stringify(body)}`);
        assert.deepEqual(bodyOf(ctx), body);
      }
    }
  });

  test('masks tokens that are not the caller’s own when told to, and everything with keepIssuedTokens off', async () => {
    const policy = sensitiveData.create(configFor(sensitiveData, { types: { jwt: 'mask' } }), depsFor());
    const leak = answer({ users: [{ username: 'name1', token: JWT }], note: JWT });
    await policy.onResponse!(leak);
    assert.deepEqual(bodyOf(leak), {
      users: [{ username: 'name1', token: '[redacted jwt]' }],
      note: '[redacted jwt]',
    });
    const strict = sensitiveData.create(
      configFor(sensitiveData, { types: { jwt: 'mask' }, keepIssuedTokens: false }),
      depsFor(),
    );
    const login = answer({ auth_token: JWT });
    await strict.onResponse!(login);
    assert.deepEqual(bodyOf(login), { auth_token: '[redacted jwt]' });
  });
});
