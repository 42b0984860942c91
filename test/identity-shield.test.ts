// token-shield over real sockets in front of an API shaped like the vulnerable ones we protect: a
// password login that answers 200 with an HS256 token signed with a guessable key (and 200 with a
// failure message on a wrong password), and protected routes that trust any token signed with that key.
// Two gateways share one real redis-server: a reference issued by one works on the other, and a logout
// on either revokes it on both. A token forged with the upstream's key never reaches the upstream.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { jwtVerify, SignJWT } from 'jose';
import { createRedisState } from '../src/state/redis.ts';
import type { StateStore } from '../src/state/state.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { parseRawResponse, rawRequest } from './helpers/raw-http.ts';
import { startRedis, type TestRedis, waitForState } from './helpers/redis.ts';
import { startUpstream, type TestUpstream } from './helpers/upstream.ts';

const WEAK_KEY = new TextEncoder().encode('random');
const USERS: Record<string, string> = { name1: 'pass1', admin: 'pass1' };

const sign = (sub: string) =>
  new SignJWT({ sub })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(WEAK_KEY);

function json(res: import('node:http').ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** The upstream: its own login, and routes that accept whatever token its weak key verifies. */
async function startApi(): Promise<TestUpstream> {
  return startUpstream(async (req, res, body) => {
    if (req.method === 'POST' && req.url === '/users/v1/login') {
      const { username, password } = JSON.parse(body?.toString('utf8') ?? '{}') as Record<string, string>;
      if (USERS[username ?? ''] !== password) {
        json(res, 200, { status: 'fail', message: 'Password is not correct for the given username.' });
        return;
      }
      json(res, 200, {
        auth_token: await sign(username!),
        message: 'Successfully logged in.',
        status: 'success',
      });
      return;
    }
    const token = (req.headers.authorization ?? '').slice(7);
    try {
      const { payload } = await jwtVerify(token, WEAK_KEY, { algorithms: ['HS256'] });
      json(res, 200, { owner: payload.sub, path: req.url, secret: `secret of ${payload.sub}` });
    } catch {
      json(res, 401, { status: 'fail', message: 'Invalid token' });
    }
  });
}

const config = (upstreamUrl: string) => `
version: 1
server: { http: { host: 127.0.0.1, port: 0 } }
upstreams: { api: { url: ${upstreamUrl} } }
routes:
  - name: login
    match: { path: /users/v1/login, methods: [POST] }
    upstream: api
    policies:
      token-shield: { role: issue, tokenPath: body.auth_token, ttl: 1h }
  - name: logout
    match: { path: /users/v1/logout, methods: [POST] }
    upstream: api
    policies:
      token-shield: { role: revoke }
  - name: api
    match: { path: /* }
    upstream: api
    policies:
      token-shield: { role: accept }
`;

describe('token-shield over sockets, two gateways on one Redis', () => {
  let redis: TestRedis;
  let api: TestUpstream;
  let a: TestGateway;
  let b: TestGateway;
  const states: StateStore[] = [];

  before(async () => {
    redis = await startRedis();
    api = await startApi();
    const open = async () => {
      const state = createRedisState({ url: redis.url, keyPrefix: 'shield:', timeoutMs: 500 });
      states.push(state);
      await waitForState(state);
      return state;
    };
    a = await startTestGateway(config(api.url), { state: await open() });
    b = await startTestGateway(config(api.url), { state: await open() });
  });
  after(async () => {
    await a?.close();
    await b?.close();
    for (const state of states) await state.close();
    await api?.close();
    await redis?.stop();
  });

  const login = async (gateway: TestGateway, username: string, password: string) => {
    const response = await fetch(`${gateway.url}/users/v1/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, string> };
  };
  const get = async (gateway: TestGateway, authorization: string) => {
    const response = await fetch(`${gateway.url}/books/v1/mine`, { headers: { authorization } });
    return { status: response.status, body: (await response.json()) as Record<string, string> };
  };
  const logout = async (gateway: TestGateway, authorization: string) => {
    const response = await fetch(`${gateway.url}/users/v1/logout`, {
      method: 'POST',
      headers: { authorization },
    });
    await response.arrayBuffer();
    return response.status;
  };

  test('login through the gateway answers an rst_ reference instead of the upstream token', async () => {
    const { status, body } = await login(a, 'name1', 'pass1');
    assert.equal(status, 200);
    assert.match(body.auth_token!, /^rst_[A-Za-z0-9_-]{43}$/);
    assert.equal(body.message, 'Successfully logged in.');
    assert.ok(!a.logLines.some((line) => line.includes(body.auth_token!)), 'the reference is never logged');
  });

  test('a failed login answered with 200 passes untouched', async () => {
    const { status, body } = await login(a, 'name1', 'wrong');
    assert.equal(status, 200);
    assert.deepEqual(body, { status: 'fail', message: 'Password is not correct for the given username.' });
  });

  test('the reference works on both gateways, and the upstream gets its own token', async () => {
    const { body } = await login(a, 'name1', 'pass1');
    const seen = api.received.length;
    for (const gateway of [a, b]) {
      const answer = await get(gateway, `Bearer ${body.auth_token}`);
      assert.equal(answer.status, 200);
      assert.equal(answer.body.owner, 'name1');
    }
    const forwarded = api.received.slice(seen).map((request) => request.headers.authorization ?? '');
    assert.equal(forwarded.length, 2);
    for (const value of forwarded) assert.match(value, /^Bearer eyJ/);
  });

  test('a token forged with the upstream key is refused before the upstream', async () => {
    const forged = await sign('admin');
    const seen = api.received.length;
    for (const gateway of [a, b]) {
      const answer = await get(gateway, `Bearer ${forged}`);
      assert.equal(answer.status, 401);
      assert.equal(answer.body.code, 'RAMPART_AUTHN_UNAUTHORIZED');
    }
    const unknown = await get(a, `Bearer rst_${'Q'.repeat(43)}`);
    assert.equal(unknown.status, 401);
    assert.equal(api.received.length, seen, 'nothing reached the upstream');
  });

  test('two Authorization headers never carry a forged token to the upstream', async () => {
    const { body } = await login(a, 'name1', 'pass1');
    const forged = await sign('admin');
    // fetch folds repeated fields into one; these go on the wire as two fields, in both orders. The
    // gateway refuses repeated Authorization (400) where its framing checks do, token-shield (401)
    // where the context carries both values; either way the forged one goes nowhere.
    const send = async (first: string, second: string) => {
      const exchange = await rawRequest(
        a.url,
        [
          'GET /books/v1/mine HTTP/1.1',
          `Host: ${new URL(a.url).host}`,
          `Authorization: Bearer ${first}`,
          `Authorization: Bearer ${second}`,
          'Connection: close',
          '',
          '',
        ].join('\r\n'),
      );
      return parseRawResponse(exchange.text).status;
    };
    const seen = api.received.length;
    assert.ok([400, 401].includes(await send(forged, body.auth_token!)));
    assert.equal(api.received.length, seen);
    const status = await send(body.auth_token!, forged);
    for (const request of api.received.slice(seen)) {
      assert.notEqual(request.headers.authorization, `Bearer ${forged}`);
      assert.equal(request.rawHeaders.filter((name) => name.toLowerCase() === 'authorization').length, 1);
    }
    assert.ok(status === 200 || status === 400, String(status));
  });

  test('logout on one gateway revokes the reference on both', async () => {
    const { body } = await login(b, 'admin', 'pass1');
    const reference = `Bearer ${body.auth_token}`;
    assert.equal((await get(a, reference)).status, 200);
    assert.equal(await logout(b, reference), 200);
    assert.equal((await get(a, reference)).status, 401);
    assert.equal((await get(b, reference)).status, 401);
    assert.equal(await logout(a, reference), 401);
  });
});
