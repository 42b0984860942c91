// nginx in front of the demo API, asking Rampart for every request with `auth_request` (Debian's
// nginx, started here with its own prefix, config and ports on 127.0.0.1): no key → 401, a valid key
// → the demo's answer (and the identity nginx copied, without the key), a revoked key → 401; a path
// no route covers → 403 (not nginx's 500).
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, watch, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type DemoApi, startDemoApi } from '../examples/demo-api/server.ts';
import { issueApiKey, revokeApiKey } from '../src/identity/api-keys.ts';
import { encodeRevocation, REVOCATION_CHANNEL } from '../src/identity/revocations.ts';
import { createMemoryState } from '../src/state/memory.ts';
import { createSqliteStore } from '../src/store/sqlite-store.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { startUpstream, type TestUpstream } from './helpers/upstream.ts';

const NGINX = '/usr/sbin/nginx';

/** A port that was free a moment ago (nginx cannot listen on port 0 and say which it got). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function nginxConfig(prefix: string, port: number, demo: string, echo: string, rampart: string): string {
  return `
daemon off;
worker_processes 1;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${prefix}/client_body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
  server {
    listen 127.0.0.1:${port};
    location / {
      auth_request /_rampart;
      auth_request_set $rampart_consumer $upstream_http_x_rampart_consumer;
      proxy_set_header X-Rampart-Consumer $rampart_consumer;
      proxy_set_header X-Api-Key "";
      proxy_pass ${demo};
    }
    location /echo/ {
      auth_request /_rampart;
      auth_request_set $rampart_consumer $upstream_http_x_rampart_consumer;
      proxy_set_header X-Rampart-Consumer $rampart_consumer;
      proxy_set_header X-Api-Key "";
      proxy_pass ${echo};
    }
    location = /_rampart {
      internal;
      proxy_pass ${rampart}/_rampart/auth;
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header X-Original-Method $request_method;
      proxy_set_header X-Original-URI $request_uri;
      proxy_set_header X-Original-Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    }
  }
}
`;
}

/** Starts nginx in the foreground; resolves once its pid file exists (written after it listens). */
async function startNginx(prefix: string, config: string): Promise<ChildProcess> {
  const file = join(prefix, 'nginx.conf');
  writeFileSync(file, config);
  const child = spawn(NGINX, ['-p', prefix, '-c', file, '-e', join(prefix, 'error.log')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const pidFile = join(prefix, 'nginx.pid');
  await new Promise<void>((resolve, reject) => {
    const watcher = watch(prefix, () => {
      if (existsSync(pidFile)) done();
    });
    const onExit = (code: number | null) => {
      watcher.close();
      reject(new Error(`nginx exited (${code}): ${stderr}`));
    };
    const done = () => {
      watcher.close();
      child.off('exit', onExit);
      resolve();
    };
    child.once('exit', onExit);
    if (existsSync(pidFile)) done();
  });
  return child;
}

async function stopNginx(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

describe('nginx auth_request asks rampart', {
  skip: !existsSync(NGINX) && `${NGINX} is not installed`,
}, () => {
  const prefix = mkdtempSync(join(tmpdir(), 'rampart-nginx-'));
  const store = createSqliteStore(':memory:');
  const state = createMemoryState();
  let demo: DemoApi;
  let echo: TestUpstream;
  let gateway: TestGateway;
  let nginx: ChildProcess | undefined;
  let nginxUrl = '';
  let key = '';
  let keyId = '';

  before(async () => {
    for (const dir of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(prefix, dir));
    const alice = await store.createConsumer({ name: 'alice', roles: ['reader'] });
    const issued = await issueApiKey(store, alice, { now: Date.now() });
    key = issued.key;
    keyId = issued.record.id;
    demo = await startDemoApi({ port: 0 });
    echo = await startUpstream();
    gateway = await startTestGateway(
      `
version: 1
server:
  http: { host: 127.0.0.1, port: 0 }
  trustedProxies: [127.0.0.1]
  forwardAuth: { statuses: nginx }
upstreams: { demo: { url: ${demo.url} } }
routes:
  - name: demo
    match: { path: /users/* }
    upstream: demo
    policies:
      api-key: {}
  - name: echo
    match: { path: /echo/* }
    upstream: demo
    policies:
      api-key: {}
`,
      { store, state },
    );
    // A port can be taken between finding it and nginx binding it: try a few.
    for (let attempt = 0; nginx === undefined; attempt++) {
      const port = await freePort();
      try {
        nginx = await startNginx(prefix, nginxConfig(prefix, port, demo.url, echo.url, gateway.url));
        nginxUrl = `http://127.0.0.1:${port}`;
      } catch (error) {
        if (attempt >= 4 || !String(error).includes('in use')) throw error;
      }
    }
  });
  after(async () => {
    await stopNginx(nginx);
    await gateway?.close();
    await demo?.close();
    await echo?.close();
    await state.close();
    await store.close();
    rmSync(prefix, { recursive: true, force: true });
  });

  test("refuses a request without a key with 401 and Rampart's challenge", async () => {
    const response = await fetch(`${nginxUrl}/users/1`);
    assert.equal(response.status, 401);
    assert.ok(response.headers.get('www-authenticate'), 'nginx passes the challenge on');
    await response.body?.cancel();
  });

  test('lets a valid key through to the demo API', async () => {
    const response = await fetch(`${nginxUrl}/users/1`, { headers: { 'x-api-key': key } });
    assert.equal(response.status, 200);
    const user = (await response.json()) as { id: number; email: string };
    assert.equal(user.id, 1);
    assert.equal(user.email, 'alice@example.com');
    const access = await gateway.waitForLog(
      (line) => line.msg === 'access' && line.path === '/users/1' && line.status === 200,
    );
    assert.equal(access.route, 'demo');
  });

  test("hands the API the identity nginx copied from Rampart's answer, and not the key", async () => {
    const response = await fetch(`${nginxUrl}/echo/who`, {
      headers: { 'x-api-key': key, 'x-rampart-consumer': 'admin' },
    });
    assert.equal(response.status, 200);
    await response.body?.cancel();
    const seen = echo.received.at(-1)!.headers;
    assert.equal(seen['x-rampart-consumer'], 'alice', "Rampart's value replaces what the client sent");
    assert.equal(seen['x-api-key'], undefined);
  });

  test('refuses a path no route protects with 403, where a plain 404 would make nginx answer 500', async () => {
    const response = await fetch(`${nginxUrl}/orders`, { headers: { 'x-api-key': key } });
    assert.equal(response.status, 403);
    await response.body?.cancel();
  });

  test('refuses a revoked key with 401', async () => {
    const before = await fetch(`${nginxUrl}/users/2`, { headers: { 'x-api-key': key } });
    assert.equal(before.status, 200);
    await before.body?.cancel();
    await revokeApiKey(store, keyId, Date.now());
    await state.publish(REVOCATION_CHANNEL, encodeRevocation({ kind: 'key', id: keyId }));
    const response = await fetch(`${nginxUrl}/users/2`, { headers: { 'x-api-key': key } });
    assert.equal(response.status, 401);
    await response.body?.cancel();
  });
});
