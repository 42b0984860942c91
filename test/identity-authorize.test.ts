// Authorization over real sockets (api-key identities): default deny, public paths, function-level
// rules that a read-only consumer cannot dodge by method, case, trailing slash or encoding (BFLA),
// and object-level rules binding path, query and body parameters to the caller (BOLA).
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { issueApiKey } from '../src/identity/api-keys.ts';
import { createSqliteStore } from '../src/store/sqlite-store.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { startUpstream, type TestUpstream } from './helpers/upstream.ts';

const POLICIES = `
      api-key: { optional: true }
      authorize:
        rules:
          - { name: health, paths: [/health], methods: [GET], public: true }
          - { name: internal, paths: [/internal/**], deny: true }
          - { name: admin-area, paths: [/admin/**], anyOf: [admin] }
          - { name: delete-user, paths: [/users/*], methods: [DELETE], anyOf: [admin] }
          - { name: user-writes, paths: ["/users/**"], methods: [POST, PUT, PATCH], anyOf: [writer, admin] }
          - { name: reads, paths: ["/users/**", "/orders", "/orders/**"], methods: [GET], anyOf: [reader, admin] }
          - { name: order-create, paths: [/orders], methods: [POST], allOf: [reader, writer] }
        objects:
          - { name: own-user, paths: ["/users/:userId", "/users/:userId/**"], param: params.userId, equals: consumer.name, unlessRoles: [admin] }
          - { name: own-orders, paths: [/orders], methods: [GET], param: query.owner, equals: consumer.name, unlessRoles: [admin] }
          - { name: order-owner, paths: [/orders], methods: [POST], param: body.owner, equals: consumer.name }
`;

describe('authorize over sockets', () => {
  const store = createSqliteStore(':memory:');
  let upstream: TestUpstream;
  let gateway: TestGateway;
  const keyOf: Record<string, string> = {};

  /** Sends a raw request so the path goes out exactly as written (no client normalization). */
  const send = (who: string | undefined, method: string, path: string, body?: string) =>
    new Promise<number>((resolve, reject) => {
      const url = new URL(gateway.url);
      const headers: Record<string, string> = who === undefined ? {} : { 'x-api-key': keyOf[who]! };
      if (body !== undefined) headers['content-type'] = 'application/json';
      const req = request({ host: url.hostname, port: url.port, method, path, headers }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end(body);
    });

  before(async () => {
    upstream = await startUpstream();
    for (const [name, roles] of [
      ['rita', ['reader']],
      ['wendy', ['reader', 'writer']],
      ['ada', ['admin']],
      ['nobody', []],
    ] as const) {
      const consumer = await store.createConsumer({ name, roles });
      keyOf[name] = (await issueApiKey(store, consumer, { now: Date.now() })).key;
    }
    gateway = await startTestGateway(
      `
version: 1
server: { http: { host: 127.0.0.1, port: 0 }, caseSensitive: false }
store: { sqlite: ":memory:" }
upstreams: { app: { url: ${upstream.url} } }
routes:
  - name: all
    match: { path: /* }
    upstream: app
    policies:${POLICIES}`,
      { store },
    );
  });
  after(async () => {
    await gateway?.close();
    await upstream.close();
    await store.close();
  });

  test('lets anonymous callers reach public paths only, with 401 elsewhere', async () => {
    assert.equal(await send(undefined, 'GET', '/health'), 200);
    assert.equal(await send(undefined, 'GET', '/users/rita'), 401);
  });

  test('denies by default when no rule grants the request, even to an admin', async () => {
    assert.equal(await send('ada', 'GET', '/reports'), 403);
    assert.equal(await send('nobody', 'GET', '/users/nobody'), 403);
    assert.equal(gateway.events.at(-1)?.rule, 'reads');
  });

  test('denies a path marked deny to everyone', async () => {
    assert.equal(await send('ada', 'GET', '/internal/metrics'), 403);
  });

  test('keeps a read-only consumer out of write and admin functions whatever the method or path spelling', async () => {
    assert.equal(await send('rita', 'GET', '/users/rita'), 200);
    assert.equal(await send('rita', 'DELETE', '/users/rita'), 403);
    assert.equal(await send('rita', 'PATCH', '/users/rita'), 403);
    for (const path of [
      '/admin/stats',
      '/Admin/stats',
      '/ADMIN/stats/',
      '/admin/stats/',
      '/%61dmin/stats',
      '/admin%2Fstats',
      '/admin;x=1/stats',
      '//admin//stats',
    ]) {
      // The gateway itself already refuses some spellings (an encoded slash is a 400); none gets through.
      assert.ok([400, 403].includes(await send('rita', 'GET', path)), path);
    }
    assert.equal(await send('rita', 'HEAD', '/admin/stats'), 403);
    assert.equal(await send('ada', 'GET', '/Admin/stats'), 200);
    assert.equal(await send('ada', 'DELETE', '/users/rita'), 200);
  });

  test('holds path parameters to the caller unless the caller is an admin (BOLA)', async () => {
    assert.equal(await send('rita', 'GET', '/users/wendy'), 403);
    assert.equal(gateway.events.at(-1)?.rule, 'own-user');
    assert.equal(await send('rita', 'GET', '/users/wendy/orders'), 403);
    assert.equal(await send('wendy', 'PATCH', '/users/wendy'), 200);
    assert.equal(await send('ada', 'GET', '/users/wendy'), 200);
  });

  test('holds query parameters to the caller and refuses a missing or repeated one', async () => {
    assert.equal(await send('rita', 'GET', '/orders?owner=rita'), 200);
    assert.equal(await send('rita', 'GET', '/orders?owner=wendy'), 403);
    assert.equal(await send('rita', 'GET', '/orders'), 403);
    assert.equal(await send('rita', 'GET', '/orders?owner=rita&owner=wendy'), 403);
    assert.equal(await send('ada', 'GET', '/orders'), 200);
  });

  test('holds body members to the caller and requires all roles of an all-of rule', async () => {
    assert.equal(await send('wendy', 'POST', '/orders', JSON.stringify({ owner: 'wendy', items: [] })), 200);
    assert.equal(await send('wendy', 'POST', '/orders', JSON.stringify({ owner: 'rita' })), 403);
    assert.equal(await send('wendy', 'POST', '/orders', '{"owner": '), 403);
    assert.equal(await send('rita', 'POST', '/orders', JSON.stringify({ owner: 'rita' })), 403);
    assert.equal(gateway.events.at(-1)?.rule, 'order-create');
  });
});
