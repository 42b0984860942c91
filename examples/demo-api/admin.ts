// The demo API's admin functions and its (deliberately naive) notion of who is calling.
import type { IncomingMessage } from 'node:http';
import { HttpError, type Router } from './http.ts';
import type { Store, User } from './store.ts';
import { findUser } from './users.ts';

/**
 * The caller's user id, taken from the `X-User-Id` header. Deliberate weakness: the API believes
 * whatever the client sends; only a gateway that strips the header and sets it from a verified
 * identity makes it trustworthy.
 */
export function callerId(req: IncomingMessage): number | undefined {
  const value = req.headers['x-user-id'];
  if (typeof value !== 'string' || !/^[0-9]{1,9}$/.test(value)) return undefined;
  return Number(value);
}

function requireAdmin(store: Store, req: IncomingMessage): User {
  const id = callerId(req);
  if (id === undefined) throw new HttpError(401, 'X-User-Id header required');
  const caller = store.users.get(id);
  if (caller === undefined || caller.role !== 'admin') throw new HttpError(403, 'admin role required');
  return caller;
}

/** Registers the admin routes: promote a user to admin, and service statistics. */
export function registerAdminRoutes(router: Router, store: Store): void {
  router.add('POST', '/admin/users/:id/promote', ({ req, params }) => {
    requireAdmin(store, req);
    const user = findUser(store, params.id);
    const promoted: User = { ...user, role: 'admin' };
    store.users.set(user.id, promoted);
    return { status: 200, body: promoted };
  });

  router.add('GET', '/admin/stats', ({ req }) => {
    requireAdmin(store, req);
    let revenue = 0;
    for (const order of store.orders.values()) revenue += order.total;
    return {
      status: 200,
      body: {
        users: store.users.size,
        orders: store.orders.size,
        revenue: Math.round(revenue * 100) / 100,
        uptimeSeconds: Math.floor((Date.now() - store.startedAt) / 1000),
      },
    };
  });
}
