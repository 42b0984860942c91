// login-guard on in-memory contexts: failed answers the upstream gives (a status, a JSON member, a
// text) lock usernames and addresses out, known addresses keep working, stuffing is flagged or blocked,
// uniform answers hide which part was wrong, and nothing of the password reaches events or logs.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import {
  configFor,
  contextFor,
  depsFor,
  fakeClock,
  type TestContext,
} from '../../../test/helpers/context.ts';
import { createMemoryState } from '../../state/memory.ts';
import type { PolicyHandlers, Verdict } from '../policy.ts';
import { loginGuard } from './index.ts';
import type { LoginAttempt } from './login-guard.ts';

const NO_USER = JSON.stringify({ status: 'fail', message: 'Username does not exist' });
const BAD_PASSWORD = JSON.stringify({
  status: 'fail',
  message: 'Password is not correct for the given username.',
});
const TOKEN = JSON.stringify({
  auth_token: 'eyJ.x.y',
  message: 'Successfully logged in.',
  status: 'success',
});

describe('login-guard', () => {
  const clock = fakeClock(Date.UTC(2026, 5, 1));
  const state = createMemoryState({ clock, sweepMs: 0 });
  after(async () => {
    await state.close();
  });

  const create = (raw: object = {}): PolicyHandlers<LoginAttempt> =>
    loginGuard.create(
      configFor(loginGuard, {
        username: { json: 'username' },
        failure: { json: { member: 'status', equals: 'fail' } },
        lockout: { attempts: 3, ipAttempts: 100, window: '15m', duration: '1m', maxDuration: '1h' },
        ...raw,
      }),
      depsFor({ clock, state }),
    ) as PolicyHandlers<LoginAttempt>;

  /** One login through both phases: the request verdict, else the response verdict and contexts. */
  const login = async (
    guard: PolicyHandlers<LoginAttempt>,
    ip: string,
    username: string,
    answer: { status?: number; body: string },
    body?: string,
    contentType = 'application/json',
  ): Promise<{ request: Verdict; response: Verdict | undefined; contexts: TestContext[] }> => {
    const attempt = guard.requestState!();
    const sent = body ?? JSON.stringify({ username, password: 'Secret-Pa55!' });
    const common = {
      method: 'POST',
      path: '/users/v1/login',
      clientIp: ip,
      clock,
      body: sent,
      headers: { 'content-type': contentType },
    };
    const first = contextFor(common);
    const request = await guard.onRequest!(first, attempt);
    if (request.kind === 'deny') return { request, response: undefined, contexts: [first] };
    const second = contextFor({ ...common, response: { status: answer.status ?? 200, body: answer.body } });
    const response = await guard.onResponse!(second, attempt);
    return { request, response, contexts: [first, second] };
  };

  const code = (verdict: Verdict | undefined) => (verdict?.kind === 'deny' ? verdict.code : 'continue');
  const rule = (verdict: Verdict | undefined) => (verdict?.kind === 'deny' ? verdict.rule : undefined);

  test('locks a guessed username out everywhere but where its user logged in before', async () => {
    const guard = create();
    assert.equal(code((await login(guard, '198.51.100.20', 'alice', { body: TOKEN })).response), 'continue');
    const events = [];
    for (let i = 0; i < 3; i++) {
      const { contexts } = await login(guard, '203.0.113.66', 'alice', { body: BAD_PASSWORD });
      events.push(...contexts.flatMap((ctx) => ctx.events));
    }
    assert.deepEqual(
      events.map((event) => event.rule),
      ['username-lockout'],
    );
    const attacker = await login(guard, '203.0.113.66', 'Alice', { body: TOKEN });
    assert.equal(code(attacker.request), 'RAMPART_AUTHN_LOCKED_OUT');
    assert.equal(rule(attacker.request), 'username-locked');
    assert.equal(attacker.request.kind === 'deny' && attacker.request.headers?.['retry-after'], '60');
    assert.equal(
      rule((await login(guard, '192.0.2.99', 'alice', { body: TOKEN })).request),
      'username-locked',
    );
    assert.equal(code((await login(guard, '198.51.100.20', 'alice', { body: TOKEN })).request), 'continue');
    assert.equal(code((await login(guard, '203.0.113.66', 'bob', { body: TOKEN })).request), 'continue');
    clock.advance(60_000);
    assert.equal(code((await login(guard, '192.0.2.99', 'alice', { body: TOKEN })).request), 'continue');
  });

  test('resets the username counter on a successful login', async () => {
    const guard = create();
    for (const answer of [BAD_PASSWORD, BAD_PASSWORD, TOKEN, BAD_PASSWORD, BAD_PASSWORD]) {
      await login(guard, '198.51.100.30', 'carol', { body: answer });
    }
    assert.equal(code((await login(guard, '192.0.2.30', 'carol', { body: TOKEN })).request), 'continue');
  });

  test('locks a client address that fails on many usernames, with a growing period', async () => {
    const guard = create({ lockout: { attempts: 50, ipAttempts: 3, duration: '30s', maxDuration: '2m' } });
    for (const name of ['u1', 'u2', 'u3']) await login(guard, '198.51.100.40', name, { body: NO_USER });
    const refused = await login(guard, '198.51.100.40', 'u4', { body: TOKEN });
    assert.equal(rule(refused.request), 'ip-locked');
    assert.equal(refused.request.kind === 'deny' && refused.request.headers?.['retry-after'], '30');
    clock.advance(30_000);
    for (const name of ['u5', 'u6', 'u7']) await login(guard, '198.51.100.40', name, { body: NO_USER });
    const again = await login(guard, '198.51.100.40', 'u8', { body: TOKEN });
    assert.equal(again.request.kind === 'deny' && again.request.headers?.['retry-after'], '60');
  });

  test('answers every failed login with one document when uniform, and leaves successes alone', async () => {
    const guard = create({ uniform: true, lockout: { attempts: 100 } });
    const unknown = await login(guard, '198.51.100.50', 'nobody', { body: NO_USER });
    const wrong = await login(guard, '198.51.100.50', 'name1', { body: BAD_PASSWORD });
    const refusedByStatus = await login(guard, '198.51.100.50', 'name1', { status: 403, body: 'no' });
    for (const outcome of [unknown, wrong, refusedByStatus]) {
      assert.equal(code(outcome.response), 'RAMPART_AUTHN_LOGIN_FAILED');
      assert.deepEqual(outcome.response, unknown.response);
    }
    assert.equal(code((await login(guard, '198.51.100.50', 'name1', { body: TOKEN })).response), 'continue');
    const error = await login(guard, '198.51.100.50', 'name1', { status: 500, body: '{}' });
    assert.equal(code(error.response), 'continue');
  });

  test('reads the username of a form-encoded password grant, and counts a body text as failure', async () => {
    const guard = create({ username: { form: 'username' }, failure: { bodyContains: 'invalid_grant' } });
    const form = (user: string) => `grant_type=password&username=${user}&password=hunter2`;
    for (let i = 0; i < 3; i++) {
      await login(
        guard,
        '198.51.100.60',
        'dave',
        { status: 400, body: '{"error":"invalid_grant"}' },
        form('dave'),
        'application/x-www-form-urlencoded',
      );
    }
    const next = await login(
      guard,
      '192.0.2.60',
      'dave',
      { body: '{}' },
      form('DAVE'),
      'application/x-www-form-urlencoded',
    );
    assert.equal(rule(next.request), 'username-locked');
  });

  test('flags one address trying many usernames, and blocks it when told', async () => {
    const flagging = create({ lockout: { attempts: 100, ipAttempts: 100 }, stuffing: { ipUsernames: 3 } });
    const rules: Array<string | undefined> = [];
    for (const name of ['s1', 's2', 's3', 's4']) {
      const outcome = await login(flagging, '198.51.100.70', name, { body: NO_USER });
      rules.push(...outcome.contexts.flatMap((ctx) => ctx.events.map((event) => event.rule)));
    }
    assert.deepEqual(rules, ['stuffing-ip']);
    assert.equal(code((await login(flagging, '198.51.100.70', 's5', { body: NO_USER })).request), 'continue');

    const blocking = create({
      lockout: { attempts: 100, ipAttempts: 100 },
      stuffing: { usernameIps: 3, action: 'block' },
    });
    for (const ip of ['192.0.2.71', '192.0.2.72', '192.0.2.73'])
      await login(blocking, ip, 'erin', { body: BAD_PASSWORD });
    assert.equal(
      rule((await login(blocking, '192.0.2.74', 'erin', { body: TOKEN })).request),
      'stuffing-username',
    );
  });

  test('waits the configured delay before a failed answer, on the injected clock', async () => {
    const guard = create({ delay: '2s', lockout: { attempts: 100 } });
    let settled = false;
    const pending = login(guard, '198.51.100.80', 'frank', { body: BAD_PASSWORD }).then((outcome) => {
      settled = true;
      return outcome;
    });
    await clock.whenSleeping();
    assert.equal(settled, false);
    clock.advance(2000);
    assert.equal(code((await pending).response), 'continue');
  });

  test('passes other methods untouched and never records the password or the username', async () => {
    const guard = create({ lockout: { attempts: 1 } });
    const attempt = guard.requestState!();
    assert.equal(code(await guard.onRequest!(contextFor({ method: 'GET', clock }), attempt)), 'continue');
    assert.equal(attempt.active, false);
    const { contexts } = await login(guard, '198.51.100.90', 'grace@example.com', { body: BAD_PASSWORD });
    const recorded = JSON.stringify(contexts.flatMap((ctx) => [...ctx.events, ...ctx.log.records]));
    assert.ok(recorded.includes('username-lockout'));
    assert.ok(!recorded.includes('Secret-Pa55!'));
    assert.ok(!recorded.includes('grace'));
  });

  test('counts an answer it cannot read as neither failure nor success, and asks for it unencoded', async () => {
    const guard = create({ lockout: { attempts: 2 } });
    await login(guard, '198.51.100.95', 'hank', { body: BAD_PASSWORD });
    const attempt = guard.requestState!();
    const common = { method: 'POST', clientIp: '198.51.100.95', clock, body: '{"username":"hank"}' };
    const first = contextFor({ ...common, headers: { 'accept-encoding': 'gzip' } });
    await guard.onRequest!(first, attempt);
    assert.equal(first.upstreamHeaders.get('accept-encoding'), undefined);
    assert.equal(first.upstreamHeaders.has('accept-encoding'), true);
    const gzipped = contextFor({
      ...common,
      response: {
        body: 'binary',
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      },
    });
    assert.equal(code(await guard.onResponse!(gzipped, attempt)), 'continue');
    // Not a success: the counter was not reset, so one more failure locks hank out.
    await login(guard, '198.51.100.95', 'hank', { body: BAD_PASSWORD });
    assert.equal(
      rule((await login(guard, '192.0.2.95', 'hank', { body: TOKEN })).request),
      'username-locked',
    );
  });
});
