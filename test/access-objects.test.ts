// Ownership and conditions over real sockets (api-key identities): a book whose owner is only in the
// upstream's answer is hidden from another user before any of it reaches them, a DELETE only
// `consumer.name == "admin"` may do never reaches the upstream for anyone else, and notes whose
// owner the upstream never states are refused to others once the gateway saw who created them.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { issueApiKey } from '../src/identity/api-keys.ts';
import { createSqliteStore } from '../src/store/sqlite-store.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { startUpstream, type TestUpstream } from './helpers/upstream.ts';

const BOOKS: Record<string, { book_title: string; secret: string; owner: string }> = {
  'alice-book': { book_title: 'alice-book', secret: 'alice-secret-1', owner: 'alice' },
  'bob-book': { book_title: 'bob-book', secret: 'bob-secret-2', owner: 'bob' },
};

describe('object ownership over sockets', () => {
  const store = createSqliteStore(':memory:');
  let upstream: TestUpstream;
  let gateway: TestGateway;
  const keyOf: Record<string, string> = {};
  const notes = new Map<string, string>();

  before(async () => {
    upstream = await startUpstream((req, res, body) => {
      const url = req.url ?? '';
      const reply = (status: number, payload: unknown) => {
        const text = JSON.stringify(payload);
        res.writeHead(status, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(text),
        });
        res.end(text);
      };
      if (url.startsWith('/books/v1/')) {
        const book = BOOKS[decodeURIComponent(url.slice('/books/v1/'.length))];
        return book === undefined ? reply(404, { status: 'fail' }) : reply(200, book);
      }
      if (url === '/notes/v1' && req.method === 'POST') {
        const { title, text } = JSON.parse(body?.toString('utf8') ?? '{}') as { title: string; text: string };
        notes.set(title, text);
        return reply(201, { status: 'success' });
      }
      if (url.startsWith('/notes/v1/')) {
        const title = decodeURIComponent(url.slice('/notes/v1/'.length));
        if (req.method === 'DELETE') {
          notes.delete(title);
          return reply(200, { status: 'success' });
        }
        return notes.has(title)
          ? reply(200, { title, text: notes.get(title) })
          : reply(404, { status: 'fail' });
      }
      if (url.startsWith('/users/v1/')) return reply(200, { status: 'success', message: 'User deleted.' });
      return reply(404, { status: 'fail' });
    });
    for (const [name, roles] of [
      ['alice', []],
      ['bob', []],
      ['admin', ['admin']],
    ] as const) {
      const consumer = await store.createConsumer({ name, roles: [...roles] });
      keyOf[name] = (await issueApiKey(store, consumer, { now: Date.now() })).key;
    }
    gateway = await startTestGateway(
      `
version: 1
server: { http: { host: 127.0.0.1, port: 0 } }
store: { sqlite: ":memory:" }
upstreams: { app: { url: ${upstream.url} } }
routes:
  - name: api
    match: { path: /* }
    upstream: app
    policies:
      api-key: {}
      authorize:
        authenticated: true
        rules:
          - { name: delete-user, paths: [/users/v1/:name], methods: [DELETE], when: 'consumer.name == "admin"' }
        objects:
          - { name: book-owner, paths: [/books/v1/:title], methods: [GET], response: { member: owner, equals: consumer.name }, unlessRoles: [admin] }
        learnOwnership:
          create: { methods: [POST], path: /notes/v1, id: request.title }
          objects: { path: /notes/v1/:title, param: title, methods: [GET, PUT, PATCH, DELETE] }
          exemptRoles: [admin]
`,
      { store },
    );
  });
  after(async () => {
    await gateway?.close();
    await upstream?.close();
    await store.close();
  });

  const call = async (who: string, method: string, path: string, body?: unknown) => {
    const headers: Record<string, string> = { 'x-api-key': keyOf[who]! };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${gateway.url}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, text: await res.text() };
  };

  test('hides a book whose owner is only in the answer from another user', async () => {
    const own = await call('alice', 'GET', '/books/v1/alice-book');
    assert.equal(own.status, 200);
    assert.equal(JSON.parse(own.text).secret, 'alice-secret-1');
    const other = await call('bob', 'GET', '/books/v1/alice-book');
    assert.equal(other.status, 404);
    assert.equal(JSON.parse(other.text).code, 'RAMPART_AUTHZ_OBJECT_NOT_FOUND');
    assert.doesNotMatch(other.text, /alice-secret-1|alice/);
    assert.equal((await call('admin', 'GET', '/books/v1/alice-book')).status, 200);
    // A missing book looks the same to bob as alice's book.
    assert.equal((await call('bob', 'GET', '/books/v1/no-such-book')).status, 404);
  });

  test('lets only consumer.name == "admin" DELETE a user, and never asks the upstream for anyone else', async () => {
    const asked = upstream.received.length;
    const refused = await call('alice', 'DELETE', '/users/v1/bob');
    assert.equal(refused.status, 403);
    assert.equal(JSON.parse(refused.text).code, 'RAMPART_AUTHZ_FORBIDDEN');
    assert.equal(upstream.received.length, asked);
    assert.equal((await call('admin', 'DELETE', '/users/v1/bob')).status, 200);
    assert.equal(upstream.received.length, asked + 1);
  });

  test('refuses a note to everyone but its creator once the gateway saw it created', async () => {
    assert.equal((await call('alice', 'POST', '/notes/v1', { title: 'diary', text: 'private' })).status, 201);
    const asked = upstream.received.length;
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const refused = await call(
        'bob',
        method,
        '/notes/v1/diary',
        method === 'PUT' ? { text: 'x' } : undefined,
      );
      assert.equal(refused.status, 404, method);
    }
    assert.equal(upstream.received.length, asked);
    assert.equal((await call('alice', 'GET', '/notes/v1/diary')).status, 200);
    assert.equal((await call('admin', 'GET', '/notes/v1/diary')).status, 200);
    // Bob creating the same title again takes nothing over.
    await call('bob', 'POST', '/notes/v1', { title: 'diary', text: 'mine now' });
    assert.equal((await call('bob', 'GET', '/notes/v1/diary')).status, 404);
  });
});
