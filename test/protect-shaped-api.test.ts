// Protecting an API as it is: `rampart init` writes the config from the API's own spec (plus its weak
// JWT secret and who its administrators are), the gateway starts on it, every normal call works and
// each exploit of each kind is refused before it reaches the API.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runInit } from '../src/cli/init.ts';
import { type Rampart, startRampart } from '../src/index.ts';
import { SHAPED_API_SECRET, type ShapedApi, signShapedToken, startShapedApi } from './helpers/shaped-api.ts';

const SPEC = fileURLToPath(new URL('./fixtures/shaped-api/openapi.yaml', import.meta.url));

interface Answer {
  status: number;
  body: Record<string, unknown>;
  text: string;
}

describe('an API protected by the config rampart init writes from its spec', () => {
  let api: ShapedApi;
  let rampart: Rampart;
  let dir: string;
  let initOutput = '';

  const call = async (
    method: string,
    path: string,
    options: { token?: string; body?: unknown } = {},
  ): Promise<Answer> => {
    const headers: Record<string, string> = {};
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${rampart.url}${path}`, {
      method,
      headers,
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
    const text = await response.text();
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // not JSON (an empty 204)
    }
    return { status: response.status, body, text };
  };
  const login = async (username: string, password: string): Promise<string> => {
    const answer = await call('POST', '/api/v1/users/login', { body: { username, password } });
    assert.equal(answer.status, 200, answer.text);
    const token = answer.body.auth_token;
    assert.equal(typeof token, 'string');
    return token as string;
  };

  before(async () => {
    api = await startShapedApi();
    dir = mkdtempSync(join(tmpdir(), 'rampart-init-e2e-'));
    const out: string[] = [];
    const io = {
      stdout: { write: (text: string) => out.push(text) },
      stderr: { write: (text: string) => out.push(text) },
      env: { SHAPED_SECRET: SHAPED_API_SECRET },
      cwd: dir,
    };
    const code = await runInit(
      ['--spec', SPEC, '--upstream', api.url, '--jwt-secret', 'env:SHAPED_SECRET', '--admins', 'admin'],
      io,
    );
    initOutput = out.join('');
    assert.equal(code, 0, initOutput);
    const file = join(dir, 'rampart.yaml');
    // Free ports for the test; everything else exactly as init wrote it.
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace('port: 8080', 'port: 0').replace('port: 9901', 'port: 0'),
    );
    rampart = await startRampart({
      config: { file, watch: false },
      logDestination: new Writable({ write: (_chunk, _encoding, done) => done() }),
      defaultMetrics: false,
    });
  });
  after(async () => {
    await rampart?.close();
    await api?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('init says what it decided: tokens shielded (weak secret), debug and reset refused', () => {
    assert.match(initOutput, /shielded/);
    assert.match(initOutput, /\/api\/v1\/users\/_debug/);
    assert.match(initOutput, /\/api\/v1\/reset/);
  });

  test('every normal call works', async () => {
    assert.equal((await call('GET', '/api/v1/users')).status, 200);
    assert.equal((await call('GET', '/api/v1/users/name1')).body.username, 'name1');
    const registered = await call('POST', '/api/v1/users/register', {
      body: { username: 'carol', password: 'Carol-pass-1', email: 'carol@mail.test' },
    });
    assert.equal(registered.body.status, 'success', registered.text);
    const carol = await login('carol', 'Carol-pass-1');
    assert.match(carol, /^rst_/, 'the client holds a reference, not the API token');
    assert.equal(
      (await call('POST', '/api/v1/books', { token: carol, body: { book_title: 'carols', secret: 's' } }))
        .status,
      200,
    );
    const own = await call('GET', '/api/v1/books/carols', { token: carol });
    assert.equal(own.status, 200, own.text);
    assert.equal(own.body.secret, 's');
    const changed = await call('PUT', '/api/v1/users/carol/password', {
      token: carol,
      body: { password: 'Carol-pass-2' },
    });
    assert.equal(changed.status, 204, changed.text);
    await login('carol', 'Carol-pass-2');
    const admin = await login('admin', 'pass1');
    assert.equal((await call('DELETE', '/api/v1/users/carol', { token: admin })).status, 200);
  });

  test('SQL injection in a path parameter is refused', async () => {
    const answer = await call('GET', `/api/v1/users/${encodeURIComponent("name1' OR '1'='1")}`);
    assert.equal(answer.status, 403, answer.text);
  });

  test("a user cannot change another user's password", async () => {
    const name2 = await login('name2', 'pass2');
    const answer = await call('PUT', '/api/v1/users/name1/password', {
      token: name2,
      body: { password: 'owned' },
    });
    assert.equal(answer.status, 403, answer.text);
    assert.equal(api.users.get('name1')?.password, 'pass1');
  });

  test("a user cannot read another user's book, whose owner is only in the answer", async () => {
    const name2 = await login('name2', 'pass2');
    const answer = await call('GET', '/api/v1/books/book-of-name1', { token: name2 });
    assert.equal(answer.status, 404, answer.text);
    assert.doesNotMatch(answer.text, /secret of name1/);
  });

  test('registering oneself as admin is refused (mass assignment)', async () => {
    const answer = await call('POST', '/api/v1/users/register', {
      body: { username: 'mallory', password: 'x', email: 'm@mail.test', admin: true },
    });
    assert.equal(answer.status, 400, answer.text);
    assert.equal(api.users.has('mallory'), false);
  });

  test('the debug dump and the reset are refused before the API', async () => {
    const before = api.seen.length;
    for (const path of ['/api/v1/users/_debug', '/api/v1/reset']) {
      const answer = await call('GET', path);
      assert.ok([401, 403, 404].includes(answer.status), `${path}: ${answer.status}`);
      assert.doesNotMatch(answer.text, /pass1/);
    }
    assert.equal(api.seen.length, before);
  });

  test('failed logins look alike whether the user exists or not (no enumeration)', async () => {
    const unknown = await call('POST', '/api/v1/users/login', {
      body: { username: 'nobody-here', password: 'x' },
    });
    const wrong = await call('POST', '/api/v1/users/login', {
      body: { username: 'name2', password: 'wrong' },
    });
    assert.equal(unknown.status, wrong.status);
    assert.equal(unknown.body.type, wrong.body.type);
    assert.equal(unknown.body.code, wrong.body.code);
    assert.doesNotMatch(unknown.text + wrong.text, /does not exist|not correct for the given/);
  });

  test("a token forged with the API's weak key never reaches it", async () => {
    const before = api.seen.length;
    const forged = signShapedToken('admin');
    const answer = await call('DELETE', '/api/v1/users/name2', { token: forged });
    assert.equal(answer.status, 401, answer.text);
    assert.equal(api.seen.length, before);
    assert.ok(api.users.has('name2'));
  });

  test('an administrators-only operation is refused to other users', async () => {
    const name2 = await login('name2', 'pass2');
    const answer = await call('DELETE', '/api/v1/users/admin', { token: name2 });
    assert.equal(answer.status, 403, answer.text);
    assert.ok(api.users.has('admin'));
  });

  // Last: the guesses also lock the test's one client address out of the login.
  test('password guessing is locked out per username', async () => {
    let last: Answer | undefined;
    for (let attempt = 0; attempt < 8; attempt++) {
      last = await call('POST', '/api/v1/users/login', {
        body: { username: 'name1', password: `guess-${attempt}` },
      });
    }
    assert.equal(last?.status, 429, last?.text);
  });
});
