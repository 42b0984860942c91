// The bypass classes an outside probe battery found, each shape sent over a raw socket: dot segments
// with path parameters, `_method` in bodies, spoofed identity / client-address / underscore headers,
// repeated Authorization, long URLs and too many connections from one address.
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { issueApiKey } from '../src/identity/api-keys.ts';
import { createSqliteStore } from '../src/store/sqlite-store.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import {
  assertProblem,
  type HeaderList,
  parseRawResponse,
  rawRequest,
  sendRaw as send,
} from './helpers/raw-http.ts';
import { startUpstream, type TestUpstream } from './helpers/upstream.ts';

function config(upstreamUrl: string, server: string): string {
  return `
version: 1
server: { http: { port: 0 }${server} }
upstreams: { app: { url: ${upstreamUrl} } }
routes:
  - name: pub
    match: { path: /pub/* }
    upstream: app
  - name: admin
    match: { path: /admin/* }
    upstream: app
    policies:
      ip-filter: { deny: [127.0.0.1/32] }
  - name: forms
    match: { path: /forms, methods: [GET, POST] }
    upstream: app
  - name: legacy
    match: { path: /legacy, methods: [GET, POST] }
    upstream: app
    allowMethodOverride: true
`;
}

/** A gateway in front of a recording upstream for one describe block, closed after it. */
function fixture(server: string): { upstream: TestUpstream; gw: TestGateway } {
  const f = {} as { upstream: TestUpstream; gw: TestGateway };
  before(async () => {
    f.upstream = await startUpstream();
    f.gw = await startTestGateway(config(f.upstream.url, server));
  });
  after(async () => {
    await f.gw?.close();
    await f.upstream?.close();
  });
  return f;
}

describe('path parameters on dot and empty segments', () => {
  const f = fixture('');

  for (const target of [
    '/pub/..;/admin/users',
    '/pub/..;x=1/admin/users',
    '/pub/%2e%2e;/admin/users',
    '/pub/%2E.;jsessionid=1/admin/users',
    '/pub/.;/../admin/users',
    '/pub/;x/../admin/users',
    '/pub/..;',
  ]) {
    test(`refuses ${target} with 400 before any route sees it`, async () => {
      const before = f.upstream.received.length;
      const response = await send(f.gw.url, 'GET', target);
      assertProblem(response, 400, 'RAMPART_HTTP_BAD_PATH');
      assert.equal(f.upstream.received.length, before);
    });
  }

  test('keeps matrix parameters on ordinary segments', async () => {
    const response = await send(f.gw.url, 'GET', '/pub/cars;color=red/list');
    assert.equal(response.status, 200);
    assert.equal(f.upstream.received.at(-1)?.url, '/pub/cars;color=red/list');
  });
});

describe('method override in bodies', () => {
  const f = fixture('');

  const form = [['Content-Type', 'application/x-www-form-urlencoded']] as const;

  test('removes _method from an urlencoded body and forwards the rest', async () => {
    for (const body of [
      'name=a&_method=DELETE&b=2',
      'name=a&%5Fmethod=DELETE&b=2',
      'name=a&_METHOD=delete&b=2',
    ]) {
      const response = await send(f.gw.url, 'POST', '/forms', form, body);
      assert.equal(response.status, 200, body);
      const received = f.upstream.received.at(-1)!;
      assert.equal(received.method, 'POST');
      assert.equal(received.body?.toString(), 'name=a&b=2', body);
      assert.equal(received.headers['content-length'], String('name=a&b=2'.length));
    }
  });

  test('forwards a form body without _method byte for byte', async () => {
    const body = 'q=%E2%9C%93&methodology=x';
    assert.equal((await send(f.gw.url, 'POST', '/forms', form, body)).status, 200);
    assert.equal(f.upstream.received.at(-1)?.body?.toString(), body);
  });

  test('removes a _method part from a multipart body', async () => {
    const boundary = 'XyZ123';
    const part = (name: string, value: string) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    const body = `${part('title', 'a')}${part('_method', 'DELETE')}${part('n', '2')}--${boundary}--\r\n`;
    const headers = [['Content-Type', `multipart/form-data; boundary=${boundary}`]] as const;
    assert.equal((await send(f.gw.url, 'POST', '/forms', headers, body)).status, 200);
    const forwarded = f.upstream.received.at(-1)?.body?.toString() ?? '';
    assert.equal(forwarded, `${part('title', 'a')}${part('n', '2')}--${boundary}--\r\n`);
  });

  test('removes a _method part after a 3 MiB file while the body streams', async () => {
    const boundary = 'Big42';
    const part = (name: string, value: string) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    const file = part('file', 'z'.repeat(3 * 1024 * 1024));
    const body = `${file}${part('_method', 'DELETE')}--${boundary}--\r\n`;
    const headers = [['Content-Type', `multipart/form-data; boundary=${boundary}`]] as const;
    assert.equal((await send(f.gw.url, 'POST', '/forms', headers, body)).status, 200);
    const received = f.upstream.received.at(-1)!;
    assert.equal(received.bodyBytes, Buffer.byteLength(`${file}--${boundary}--\r\n`));
    assert.equal(received.headers['transfer-encoding'], 'chunked');
  });

  test('refuses a JSON body with a top-level _method member', async () => {
    const before = f.upstream.received.length;
    const json = [['Content-Type', 'application/json']] as const;
    for (const body of ['{"_method":"DELETE"}', '{"a":1,"\\u005fmethod":"DELETE"}']) {
      assertProblem(
        await send(f.gw.url, 'POST', '/forms', json, body),
        400,
        'RAMPART_HTTP_METHOD_OVERRIDE_REFUSED',
      );
    }
    assert.equal(f.upstream.received.length, before);
    assert.equal((await send(f.gw.url, 'POST', '/forms', json, '{"method":"card"}')).status, 200);
  });

  test('refuses a top-level _method in a JSON body too large to buffer, or chunked, while it streams', async () => {
    const json = [['Content-Type', 'application/json']] as const;
    for (const size of [64 * 1024, 2 * 1024 * 1024]) {
      const padded = `{"pad":"${'p'.repeat(size)}","_method":"DELETE"}`;
      assertProblem(
        await send(f.gw.url, 'POST', '/forms', json, padded),
        400,
        'RAMPART_HTTP_METHOD_OVERRIDE_REFUSED',
      );
    }
    const chunk = '{"a":1,"\\u005fmethod":"DELETE"}';
    const chunked = await rawRequest(
      f.gw.url,
      `POST /forms HTTP/1.1\r\nHost: gateway.test\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${chunk.length.toString(16)}\r\n${chunk}\r\n0\r\n\r\n`,
    );
    assertProblem(parseRawResponse(chunked.text), 400, 'RAMPART_HTTP_METHOD_OVERRIDE_REFUSED');
    const big = `{"pad":"${'p'.repeat(2 * 1024 * 1024)}","method":"card"}`;
    assert.equal((await send(f.gw.url, 'POST', '/forms', json, big)).status, 200);
    assert.equal(f.upstream.received.at(-1)?.bodyBytes, big.length);
  });

  test('leaves _method alone on a route that allows overrides', async () => {
    assert.equal((await send(f.gw.url, 'POST', '/legacy', form, 'a=1&_method=DELETE')).status, 200);
    assert.equal(f.upstream.received.at(-1)?.body?.toString(), 'a=1&_method=DELETE');
  });
});

describe('identity and client-address headers from clients', () => {
  let upstream: TestUpstream;
  let gw: TestGateway;
  let trusted: TestGateway;
  let tuned: TestGateway;
  before(async () => {
    upstream = await startUpstream();
    gw = await startTestGateway(config(upstream.url, ''));
    trusted = await startTestGateway(config(upstream.url, ', trustedProxies: [127.0.0.1/32]'));
    tuned = await startTestGateway(
      config(upstream.url, ', clientHeaders: { strip: [x_tenant], keep: [x-real-ip], underscores: allow }'),
    );
  });
  after(async () => {
    await gw?.close();
    await trusted?.close();
    await tuned?.close();
    await upstream?.close();
  });

  async function forwarded(target: TestGateway, headers: HeaderList) {
    const response = await send(target.url, 'GET', '/pub/x', headers);
    assert.equal(response.status, 200);
    return upstream.received.at(-1)!.headers;
  }

  const own = [
    ['X-Consumer-Id', 'admin'],
    ['X-Consumer-Name', 'admin'],
    ['X-Consumer-Scopes', 'admin'],
    ['X-Authenticated-By', 'api-key'],
  ] as const;
  const foreign = [
    ['X-User', 'admin'],
    ['X-User-Id', '1'],
    ['X-Remote-User', 'admin'],
    ['Remote-User', 'admin'],
    ['X-Authenticated-User', 'admin'],
    ['X-Forwarded-User', 'admin'],
    ['X-Roles', 'admin'],
    ['X-Scopes', 'admin'],
    ['X-Userinfo', 'e30'],
    ['X-Consumer-Username', 'admin'],
    ['X-Real-IP', '10.0.0.1'],
    ['X-Client-IP', '10.0.0.1'],
    ['True-Client-IP', '10.0.0.1'],
    ['X-Forwarded-Prefix', '/admin'],
    ['X-Forwarded-Server', 'internal'],
  ] as const;

  test("strips the gateway's own identity headers on a route without any policy", async () => {
    const headers = await forwarded(gw, own);
    for (const [name] of own) assert.equal(headers[name.toLowerCase()], undefined, name);
  });

  test('strips foreign identity, client-address and X-Forwarded-* headers from an untrusted peer', async () => {
    const headers = await forwarded(gw, foreign);
    for (const [name] of foreign) assert.equal(headers[name.toLowerCase()], undefined, name);
    assert.equal(headers['x-forwarded-for'], '127.0.0.1');
  });

  test('drops every header whose name has an underscore', async () => {
    const headers = await forwarded(gw, [
      ['X_Consumer_Id', 'admin'],
      ['X_User', 'admin'],
      ['X_Custom', 'ok'],
      ['X-Kept', 'ok'],
    ]);
    assert.equal(headers.x_consumer_id, undefined);
    assert.equal(headers.x_user, undefined);
    assert.equal(headers.x_custom, undefined);
    assert.equal(headers['x-kept'], 'ok');
  });

  test('lets a trusted proxy pass foreign identity headers but never the own ones', async () => {
    const headers = await forwarded(trusted, [
      ...own,
      ['X-Forwarded-User', 'alice'],
      ['X-Real-IP', '10.0.0.9'],
    ]);
    for (const [name] of own) assert.equal(headers[name.toLowerCase()], undefined, name);
    assert.equal(headers['x-forwarded-user'], 'alice');
    assert.equal(headers['x-real-ip'], '10.0.0.9');
  });

  test('applies configured strip and keep lists and judges underscore names as their dash twins', async () => {
    const headers = await forwarded(tuned, [
      ['X-Real-IP', '10.0.0.1'],
      ['X-Tenant', 'other'],
      ['X_Consumer_Id', 'admin'],
      ['X_User_Id', '1'],
      ['X_Custom', 'ok'],
    ]);
    assert.equal(headers['x-real-ip'], '10.0.0.1');
    assert.equal(headers['x-tenant'], undefined);
    assert.equal(headers.x_consumer_id, undefined);
    assert.equal(headers.x_user_id, undefined);
    assert.equal(headers.x_custom, 'ok');
  });
});

describe('repeated credentials, long URLs and connections per address', () => {
  const f = fixture(', maxConnectionsPerIp: 2');

  test('refuses two Authorization fields with 400 on every route', async () => {
    const before = f.upstream.received.length;
    for (const path of ['/admin/x', '/pub/x']) {
      const response = await send(f.gw.url, 'GET', path, [
        ['Authorization', 'Bearer a.b.c'],
        ['authorization', 'Bearer d.e.f'],
      ]);
      assertProblem(response, 400, 'RAMPART_HTTP_AMBIGUOUS_REQUEST');
    }
    assert.equal(f.upstream.received.length, before);
  });

  test('answers a 64 KiB URL with 414 and an oversized header with 431', async () => {
    const long = await rawRequest(
      f.gw.url,
      `GET /pub/${'a'.repeat(65_536)} HTTP/1.1\r\nHost: gateway.test\r\n\r\n`,
    );
    assertProblem(parseRawResponse(long.text), 414, 'RAMPART_HTTP_URL_TOO_LONG');
    const big = await rawRequest(
      f.gw.url,
      `GET /pub/x HTTP/1.1\r\nHost: gateway.test\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`,
    );
    assertProblem(parseRawResponse(big.text), 431, 'RAMPART_HTTP_HEADERS_TOO_LARGE');
  });

  test('answers the connection over maxConnectionsPerIp with 429 and admits again once one closes', async () => {
    const { hostname, port } = new URL(f.gw.url);
    const open = (): Promise<Socket> =>
      new Promise((resolve, reject) => {
        const socket = connect({ host: hostname, port: Number(port) }, () => resolve(socket));
        socket.once('error', reject);
      });
    const first = await open();
    const second = await open();
    try {
      // Both held connections are counted before the third arrives: an answered request proves it.
      const third = await rawRequest(f.gw.url, 'GET /pub/x HTTP/1.1\r\nHost: gateway.test\r\n\r\n');
      assertProblem(parseRawResponse(third.text), 429, 'RAMPART_HTTP_TOO_MANY_CONNECTIONS');
      assert.equal(third.closed, true);
      const closed = new Promise((resolve) => first.once('close', resolve));
      first.destroy();
      await closed;
      await waitUntil(async () => {
        const again = await rawRequest(
          f.gw.url,
          'GET /pub/x HTTP/1.1\r\nHost: gateway.test\r\nConnection: close\r\n\r\n',
        );
        return parseRawResponse(again.text).status === 200;
      });
    } finally {
      first.destroy();
      second.destroy();
    }
  });
});

// The server sees the client's close a moment after the client does; retry on that event, bounded.
async function waitUntil(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 50; i++) if (await check()) return;
  assert.fail('condition never held');
}

describe('spoofed identity headers next to a valid API key', () => {
  const store = createSqliteStore(':memory:');
  let upstream: TestUpstream;
  let gw: TestGateway;
  let key: string;
  before(async () => {
    upstream = await startUpstream();
    const bob = await store.createConsumer({ name: 'bob', roles: ['user'], metadata: { userId: '2' } });
    key = (await issueApiKey(store, bob, { now: Date.now() })).key;
    gw = await startTestGateway(
      `
version: 1
server: { http: { port: 0 } }
upstreams: { app: { url: ${upstream.url} } }
routes:
  - name: api
    match: { path: /api/* }
    upstream: app
    policies:
      api-key: { forward: { claims: { x-user-id: userId } } }
`,
      { store },
    );
  });
  after(async () => {
    await gw?.close();
    await upstream?.close();
    await store.close();
  });

  test('forwards only the identity the gateway established', async () => {
    const response = await send(gw.url, 'GET', '/api/me', [
      ['X-Api-Key', key],
      ['X-Consumer-Id', 'admin'],
      ['X-User-Id', '1'],
      ['X_User_Id', '1'],
      ['X-Remote-User', 'admin'],
      ['X-Roles', 'admin'],
    ]);
    assert.equal(response.status, 200);
    const headers = upstream.received.at(-1)!.headers;
    assert.equal(headers['x-user-id'], '2');
    assert.equal(headers['x-consumer-name'], 'bob');
    assert.notEqual(headers['x-consumer-id'], 'admin');
    assert.equal(headers.x_user_id, undefined);
    assert.equal(headers['x-remote-user'], undefined);
    assert.equal(headers['x-roles'], undefined);
    assert.equal(headers['x-api-key'], undefined);
  });
});
