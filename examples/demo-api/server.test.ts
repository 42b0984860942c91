// Tests of the demo API over a real socket: CRUD, orders, admin, login and its deliberate weaknesses.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type DemoApi, startDemoApi } from './server.ts';

let api: DemoApi;

describe('server', () => {
  before(async () => {
    api = await startDemoApi({ port: 0 });
  });

  after(async () => {
    await api.close();
  });

  async function call(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; headers: Headers; json: unknown }> {
    const init: RequestInit = { method, headers: { ...headers } };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${api.url}${path}`, init);
    const text = await res.text();
    return { status: res.status, headers: res.headers, json: text === '' ? undefined : JSON.parse(text) };
  }

  describe('demo API', () => {
    it('answers the health check', async () => {
      const res = await call('GET', '/health');
      assert.equal(res.status, 200);
      assert.equal((res.json as { status: string }).status, 'ok');
    });

    it('creates, reads, updates and deletes a user', async () => {
      const created = await call('POST', '/users', {
        name: 'Dan',
        email: 'dan@example.com',
        password: 'secret-123',
      });
      assert.equal(created.status, 201);
      const user = created.json as { id: number; role: string };
      assert.equal(user.role, 'user');
      assert.equal(created.headers.get('location'), `/users/${user.id}`);

      const read = await call('GET', `/users/${user.id}`);
      assert.equal(read.status, 200);
      assert.equal((read.json as { email: string }).email, 'dan@example.com');

      const patched = await call('PATCH', `/users/${user.id}`, { name: 'Daniel' });
      assert.equal(patched.status, 200);
      assert.equal((patched.json as { name: string }).name, 'Daniel');

      assert.equal((await call('DELETE', `/users/${user.id}`)).status, 204);
      assert.equal((await call('GET', `/users/${user.id}`)).status, 404);
    });

    it('lists users with bounded pagination', async () => {
      const page = await call('GET', '/users?limit=2');
      assert.equal(page.status, 200);
      assert.equal((page.json as { items: unknown[] }).items.length, 2);
      assert.equal((await call('GET', '/users?limit=1000')).status, 400);
    });

    it('refuses a duplicate e-mail with 409', async () => {
      const res = await call('POST', '/users', {
        name: 'B',
        email: 'bob@example.com',
        password: 'secret-123',
      });
      assert.equal(res.status, 409);
    });

    it('creates an order for the X-User-Id caller and reads it back', async () => {
      const items = [{ sku: 'MUG-1', quantity: 2, unitPrice: 7.5 }];
      const created = await call('POST', '/orders', { items }, { 'x-user-id': '3' });
      assert.equal(created.status, 201);
      const order = created.json as { id: number; userId: number; total: number };
      assert.equal(order.userId, 3);
      assert.equal(order.total, 15);
      const read = await call('GET', `/orders/${order.id}`);
      assert.equal(read.status, 200);
      const mine = await call('GET', '/orders?userId=3');
      assert.ok((mine.json as { items: Array<{ id: number }> }).items.some((o) => o.id === order.id));
    });

    it('answers 401 to an order without a caller', async () => {
      const res = await call('POST', '/orders', { items: [{ sku: 'A', quantity: 1, unitPrice: 1 }] });
      assert.equal(res.status, 401);
    });

    it('lets only an admin caller read stats and promote users', async () => {
      assert.equal((await call('GET', '/admin/stats')).status, 401);
      assert.equal((await call('GET', '/admin/stats', undefined, { 'x-user-id': '2' })).status, 403);
      const stats = await call('GET', '/admin/stats', undefined, { 'x-user-id': '1' });
      assert.equal(stats.status, 200);
      assert.equal(typeof (stats.json as { users: number }).users, 'number');
      const promoted = await call('POST', '/admin/users/3/promote', undefined, { 'x-user-id': '1' });
      assert.equal(promoted.status, 200);
      assert.equal((promoted.json as { role: string }).role, 'admin');
    });

    it('returns a token for good credentials and 401 for bad ones', async () => {
      const ok = await call('POST', '/login', { email: 'bob@example.com', password: 'bob-password' });
      assert.equal(ok.status, 200);
      assert.equal(typeof (ok.json as { token: string }).token, 'string');
      assert.equal(
        (await call('POST', '/login', { email: 'bob@example.com', password: 'nope' })).status,
        401,
      );
    });

    it('answers 404, 405 with Allow, 415, 400 and 413 at the edges', async () => {
      assert.equal((await call('GET', '/nowhere')).status, 404);
      const put = await call('PUT', '/users/1');
      assert.equal(put.status, 405);
      assert.match(put.headers.get('allow') ?? '', /PATCH/);
      assert.equal((await call('POST', '/users', 'x=1', { 'content-type': 'text/plain' })).status, 415);
      assert.equal((await call('POST', '/users', '{"name":')).status, 400);
      const huge = JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 1) });
      assert.equal((await call('POST', '/users', huge)).status, 413);
    });

    describe('deliberate weaknesses', () => {
      it('exposes passwordHash and internalNotes', async () => {
        const res = await call('GET', '/users/2');
        assert.ok('passwordHash' in (res.json as object));
        assert.ok('internalNotes' in (res.json as object));
      });

      it('accepts role on PATCH (mass assignment)', async () => {
        const res = await call('PATCH', '/users/2', { role: 'admin', nickname: 'bobby' });
        assert.equal((res.json as { role: string }).role, 'admin');
        assert.equal((res.json as { nickname: string }).nickname, 'bobby');
      });

      it('leaks a stack trace on /debug/crash', async () => {
        const res = await call('GET', '/debug/crash');
        assert.equal(res.status, 500);
        assert.equal(typeof (res.json as { stack: string }).stack, 'string');
      });

      it('sends Server and X-Powered-By banners', async () => {
        const res = await call('GET', '/health');
        assert.ok(res.headers.has('server'));
        assert.ok(res.headers.has('x-powered-by'));
      });
    });
  });
});
