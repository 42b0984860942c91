// The access state on a real redis-server, as two gateway instances share it: a username locked out
// through one instance is refused by the other (and its user's known address still admitted there),
// and an object created through one is refused to another consumer through the other.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { authorize } from '../src/policies/authorize/index.ts';
import { loginGuard } from '../src/policies/login-guard/index.ts';
import type { Identity, PolicyHandlers, Verdict } from '../src/policies/policy.ts';
import { createRedisState } from '../src/state/redis.ts';
import type { StateStore } from '../src/state/state.ts';
import { configFor, contextFor, depsFor, fakeClock } from './helpers/context.ts';
import { startRedis, type TestRedis } from './helpers/redis.ts';

describe('access state on Redis, shared by two instances', () => {
  const clock = fakeClock(Date.UTC(2026, 5, 1));
  let redis: TestRedis;
  let states: StateStore[] = [];

  /** A Redis state store, resolved once its connection is ready. */
  const connect = (url: string) =>
    new Promise<StateStore>((resolve) => {
      const state: StateStore = createRedisState({
        url,
        keyPrefix: 'access:',
        timeoutMs: 1000,
        clock,
        observer: { availability: (up) => up && resolve(state) },
      });
    });

  before(async () => {
    redis = await startRedis();
    states = await Promise.all([connect(redis.url), connect(redis.url)]);
  });
  after(async () => {
    for (const state of states) await state.close();
    await redis?.stop();
  });

  const code = (verdict: Verdict) => (verdict.kind === 'deny' ? verdict.code : 'continue');

  test('locks a username out on every instance, not where its user logged in before', async () => {
    const guards = states.map((state) =>
      loginGuard.create(
        configFor(loginGuard, {
          username: { json: 'username' },
          failure: { json: { member: 'status', equals: 'fail' } },
          lockout: { attempts: 3, ipAttempts: 100 },
        }),
        depsFor({ clock, state }),
      ),
    ) as PolicyHandlers<{ active: boolean; user: string | undefined }>[];
    const login = async (guard: (typeof guards)[number], ip: string, answer: object): Promise<Verdict> => {
      const attempt = guard.requestState!();
      const common = {
        method: 'POST',
        clientIp: ip,
        clock,
        body: JSON.stringify({ username: 'name1', password: 'x' }),
      };
      const request = await guard.onRequest!(contextFor(common), attempt);
      if (request.kind === 'deny') return request;
      return guard.onResponse!(
        contextFor({ ...common, response: { body: JSON.stringify(answer) } }),
        attempt,
      );
    };
    const ok = { status: 'success', auth_token: 't' };
    const fail = { status: 'fail', message: 'Password is not correct for the given username.' };
    assert.equal(code(await login(guards[1]!, '198.51.100.5', ok)), 'continue');
    for (let i = 0; i < 3; i++) await login(guards[0]!, '203.0.113.9', fail);
    assert.equal(code(await login(guards[1]!, '192.0.2.44', ok)), 'RAMPART_AUTHN_LOCKED_OUT');
    assert.equal(code(await login(guards[0]!, '198.51.100.5', ok)), 'continue');
  });

  test('refuses an object created through one instance to another consumer through the other', async () => {
    const policies = states.map((state) =>
      authorize.create(
        configFor(authorize, {
          authenticated: true,
          learnOwnership: {
            create: { path: '/books/v1', id: 'request.book_title' },
            objects: { path: '/books/v1/:book_title', param: 'book_title' },
          },
        }),
        depsFor({ clock, state }),
      ),
    ) as PolicyHandlers<{ responseRules: undefined; notes: undefined }>[];
    const alice: Identity = { consumerId: 'alice', scopes: [], method: 'jwt' };
    const bob: Identity = { consumerId: 'bob', scopes: [], method: 'jwt' };
    const creating = {
      method: 'POST',
      path: '/books/v1',
      identity: alice,
      body: '{"book_title":"redis-book"}',
    };
    const request = policies[0]!.requestState!();
    assert.equal(code(await policies[0]!.onRequest!(contextFor(creating), request)), 'continue');
    await policies[0]!.onResponse!(
      contextFor({ ...creating, response: { status: 200, body: '{}' } }),
      request,
    );
    const read = (identity: Identity) =>
      policies[1]!.onRequest!(
        contextFor({ path: '/books/v1/redis-book', identity }),
        policies[1]!.requestState!(),
      );
    assert.equal(code(await read(bob)), 'RAMPART_AUTHZ_OBJECT_NOT_FOUND');
    assert.equal(code(await read(alice)), 'continue');
  });
});
