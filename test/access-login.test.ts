// A login the upstream performs, guarded over real sockets: the upstream answers 200 on failure with
// a message that tells "no such user" from "wrong password"; with login-guard's uniform answers the
// client sees one document for both, guessing locks the username out (before the upstream is asked)
// while its real user keeps logging in from where she did before, and no password reaches the logs.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { startUpstream, type TestUpstream } from './helpers/upstream.ts';

const USERS: Record<string, string> = { name1: 'pass1', name2: 'pass2', admin: 'pass1' };

/** A login like VAmPI's: 200 with `status: fail` and a telling message when it fails. */
function answerLogin(body: Buffer | undefined): { status: string; message: string; auth_token?: string } {
  let sent: { username?: unknown; password?: unknown } = {};
  try {
    sent = JSON.parse(body?.toString('utf8') ?? '{}');
  } catch {
    // An unparsable body is an unknown user here.
  }
  const user = typeof sent.username === 'string' ? sent.username : '';
  if (!Object.hasOwn(USERS, user)) return { status: 'fail', message: 'Username does not exist' };
  if (USERS[user] !== sent.password)
    return { status: 'fail', message: 'Password is not correct for the given username.' };
  return { status: 'success', message: 'Successfully logged in.', auth_token: `token-of-${user}` };
}

describe('login-guard over sockets', () => {
  let upstream: TestUpstream;
  let gateway: TestGateway;

  before(async () => {
    upstream = await startUpstream((_req, res, body) => {
      const payload = JSON.stringify(answerLogin(body));
      res.writeHead(200, { 'content-type': 'application/json', 'x-upstream-said': 'yes' });
      res.end(payload);
    });
    gateway = await startTestGateway(`
version: 1
server: { http: { host: 127.0.0.1, port: 0 }, trustedProxies: [127.0.0.1/32] }
upstreams: { app: { url: ${upstream.url} } }
routes:
  - name: login
    match: { path: /users/v1/login, methods: [POST] }
    upstream: app
    policies:
      login-guard:
        username: { json: username }
        failure: { json: { member: status, equals: fail } }
        lockout: { attempts: 3, ipAttempts: 50, window: 15m, duration: 15m, maxDuration: 24h }
        uniform: true
`);
  });
  after(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  const login = async (username: string, password: string, ip: string) => {
    const res = await fetch(`${gateway.url}/users/v1/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
      body: JSON.stringify({ username, password }),
    });
    const text = await res.text();
    return {
      status: res.status,
      headers: res.headers,
      text,
      json: JSON.parse(text) as Record<string, unknown>,
    };
  };

  test('answers an unknown user and a wrong password with one identical document', async () => {
    const asked = upstream.received.length;
    const unknown = await login('nobody', 'pass1', '192.0.2.10');
    const wrong = await login('name2', 'wrong', '192.0.2.11');
    assert.equal(upstream.received.length, asked + 2);
    for (const answer of [unknown, wrong]) {
      assert.equal(answer.status, 401);
      assert.equal(answer.json.code, 'RAMPART_AUTHN_LOGIN_FAILED');
      assert.equal(answer.headers.get('x-upstream-said'), null);
      assert.doesNotMatch(answer.text, /does not exist|for the given username/);
    }
    const strip = (answer: typeof unknown) => ({ ...answer.json, requestId: undefined });
    assert.deepEqual(strip(unknown), strip(wrong));
    assert.equal(unknown.headers.get('content-type'), wrong.headers.get('content-type'));
    assert.equal(unknown.headers.get('content-length'), wrong.headers.get('content-length'));

    const success = await login('name2', 'pass2', '192.0.2.11');
    assert.equal(success.status, 200);
    assert.deepEqual(success.json, {
      status: 'success',
      message: 'Successfully logged in.',
      auth_token: 'token-of-name2',
    });
  });

  test('locks a guessed username out before the upstream is asked, but not for its user where she logged in', async () => {
    const home = '198.51.100.7';
    const attacker = '203.0.113.66';
    assert.equal((await login('name1', 'pass1', home)).status, 200);
    for (const guess of ['123456', 'password', 'qwerty']) {
      assert.equal((await login('name1', guess, attacker)).status, 401);
    }
    const asked = upstream.received.length;
    const locked = await login('name1', 'pass1', attacker);
    assert.equal(locked.status, 429);
    assert.equal(locked.json.code, 'RAMPART_AUTHN_LOCKED_OUT');
    assert.equal(locked.headers.get('retry-after'), '900');
    assert.equal((await login('name1', 'pass1', '192.0.2.200')).status, 429);
    assert.equal(upstream.received.length, asked);

    const real = await login('name1', 'pass1', home);
    assert.equal(real.status, 200);
    assert.equal(real.json.auth_token, 'token-of-name1');
    // The attacker's address is not locked for other users (ipAttempts is 50).
    assert.equal((await login('admin', 'pass1', attacker)).status, 200);
    assert.ok(gateway.events.some((event) => event.rule === 'username-lockout'));
  });

  test('never writes a password to the logs or events', async () => {
    await login('name2', 'Very-Secret-Guess-7', '192.0.2.77');
    const recorded = `${gateway.logLines.join('\n')}${JSON.stringify(gateway.events)}`;
    assert.doesNotMatch(recorded, /Very-Secret-Guess-7|pass1|pass2|123456|qwerty/);
  });
});
