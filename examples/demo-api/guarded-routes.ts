// The demo API's routes in `vulnerable` and `secure` mode: bearer-token identity, and every planted
// flaw of README.md "Vulnerable and secure modes" behind `guard.mode === 'vulnerable'`.
import { asObject, HttpError, parseId, parsePage, type Router } from './http.ts';
import {
  checkLoginBudget,
  type Guard,
  issueToken,
  onlyMembers,
  publicUser,
  recordLoginFailure,
  requireCaller,
  requireOwner,
} from './modes.ts';
import { parseItems } from './orders.ts';
import { MAX_QUERY_LENGTH, searchSafe, searchUnsafe } from './search.ts';
import {
  checkPassword,
  findUserByEmail,
  hashPassword,
  MAX_ORDERS,
  MAX_USERS,
  type Order,
  orderTotal,
  type User,
} from './store.ts';
import { findUser, requireEmail, requireString } from './users.ts';

const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

type Operator = { readonly $ne: string } | { readonly $eq: string };

function isOperator(value: unknown): value is Operator {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  const operand = (value as Record<string, unknown>)[keys[0] ?? ''];
  return keys.length === 1 && (keys[0] === '$ne' || keys[0] === '$eq') && typeof operand === 'string';
}

/** A password or, in vulnerable mode, a `$ne`/`$eq` filter on it, as a document database would run it. */
function passwordMatches(password: string | Operator, hash: string): boolean {
  if (typeof password === 'string') return checkPassword(password, hash);
  if ('$ne' in password) return !checkPassword(password.$ne.slice(0, 128), hash);
  return checkPassword(password.$eq.slice(0, 128), hash);
}

/** Registers login, users, orders and admin routes for the vulnerable and secure modes. */
export function registerGuardedRoutes(router: Router, guard: Guard): void {
  const { store } = guard;
  const vulnerable = guard.mode === 'vulnerable';
  // Planted flaw (vulnerable, data exposure): whole records, passwordHash and internalNotes included.
  const view = (user: User): unknown => (vulnerable ? user : publicUser(user));

  router.add('POST', '/login', async (ctx) => {
    const address = ctx.req.socket.remoteAddress ?? '';
    // Planted flaw (vulnerable, rate limit): no limit on attempts.
    if (!vulnerable) checkLoginBudget(guard, address);
    const body = asObject(await ctx.json());
    const { email, password } = body;
    // Planted flaw (vulnerable, NoSQL injection): a `{ "$ne": … }` password is taken as a query operator.
    const filter = vulnerable && isOperator(password) ? password : undefined;
    if (
      typeof email !== 'string' ||
      email.length > 254 ||
      (filter === undefined && (typeof password !== 'string' || password.length > 128))
    ) {
      throw new HttpError(400, 'email and password are required');
    }
    const user = findUserByEmail(store, email);
    if (user === undefined || !passwordMatches(filter ?? String(password), user.passwordHash)) {
      if (!vulnerable) {
        recordLoginFailure(guard, address);
        throw new HttpError(401, 'invalid credentials');
      }
      // Planted flaw (vulnerable, user enumeration): the answer tells which part was wrong.
      throw new HttpError(401, user === undefined ? 'no user with this email' : 'wrong password');
    }
    return {
      status: 200,
      body: { token: issueToken(guard, user), tokenType: 'Bearer', expiresIn: 3600, userId: user.id },
    };
  });

  router.add('GET', '/users', ({ req, query }) => {
    // Planted flaw (vulnerable, authentication): the contract requires credentials, the list does not.
    if (!vulnerable) {
      const caller = requireCaller(guard, req);
      if (caller.role !== 'admin') throw new HttpError(403, 'admin role required');
    }
    const { limit, offset } = parsePage(query);
    const q = query.get('q');
    let all = [...store.users.values()];
    if (q !== null) {
      if (q.length > MAX_QUERY_LENGTH)
        throw new HttpError(400, `q may not exceed ${MAX_QUERY_LENGTH} characters`);
      // Planted flaw (vulnerable, injection): the search text is concatenated into a filter.
      all = vulnerable ? searchUnsafe(all, q) : searchSafe(all, q);
    }
    return { status: 200, body: { items: all.slice(offset, offset + limit).map(view), total: all.length } };
  });

  router.add('POST', '/users', async (ctx) => {
    requireCaller(guard, ctx.req);
    const body = asObject(await ctx.json());
    if (vulnerable) {
      // Planted flaw (vulnerable, resource consumption): a backtracking trim (quadratic in the
      // number of trailing blanks) runs before the length check.
      if (typeof body.name === 'string') body.name = body.name.replace(/\s+$/, '');
    } else onlyMembers(body, ['name', 'email', 'password']);
    const name = requireString(body, 'name', 1, 100);
    const email = requireEmail(body);
    const password = requireString(body, 'password', 8, 128);
    // Planted flaw (vulnerable, mass assignment): the client may choose its role.
    const role = vulnerable && body.role === 'admin' ? 'admin' : 'user';
    if (findUserByEmail(store, email) !== undefined) throw new HttpError(409, 'email already registered');
    if (store.users.size >= MAX_USERS) throw new HttpError(503, 'user store is full');
    const id = store.nextUserId();
    const createdAt = new Date().toISOString();
    const user: User = {
      id,
      name,
      email,
      role,
      createdAt,
      passwordHash: hashPassword(password),
      internalNotes: '',
    };
    store.users.set(id, user);
    return { status: 201, body: view(user), headers: { location: `/users/${id}` } };
  });

  const readUser: Parameters<Router['add']>[2] = ({ req, params }) => {
    const caller = requireCaller(guard, req);
    const user = findUser(store, params.id);
    // Planted flaw (vulnerable, BOLA): any authenticated caller reads any user.
    if (!vulnerable) requireOwner(caller, user.id, 'user');
    return { status: 200, body: view(user) };
  };
  router.add('GET', '/users/:id', readUser);
  router.add('GET', '/v1/users/:id', readUser);

  router.add('PATCH', '/users/:id', async (ctx) => {
    const caller = requireCaller(guard, ctx.req);
    const user = findUser(store, ctx.params.id);
    // Planted flaw (vulnerable, BOLA): any authenticated caller updates any user.
    if (!vulnerable) requireOwner(caller, user.id, 'user');
    const body = asObject(await ctx.json());
    if (!vulnerable) onlyMembers(body, ['name', 'email', 'password']);
    const updated: User = { ...user };
    // Planted flaw (vulnerable, mass assignment): every member is copied, `role` included.
    for (const [key, value] of Object.entries(body)) {
      if (key === 'id' || UNSAFE_KEYS.has(key)) continue;
      if (key === 'password') updated.passwordHash = hashPassword(requireString(body, 'password', 8, 128));
      else if (key === 'name') updated.name = requireString(body, 'name', 1, 100);
      else if (key === 'email') updated.email = requireEmail(body);
      else if (key === 'role') {
        if (value !== 'user' && value !== 'admin') throw new HttpError(400, 'role must be "user" or "admin"');
        updated.role = value;
      } else if (typeof value === 'string' && value.length <= 256) updated[key] = value;
    }
    const other = findUserByEmail(store, updated.email);
    if (other !== undefined && other.id !== user.id) throw new HttpError(409, 'email already registered');
    store.users.set(user.id, updated);
    return { status: 200, body: view(updated) };
  });

  router.add('DELETE', '/users/:id', ({ req, params }) => {
    const caller = requireCaller(guard, req);
    const user = findUser(store, params.id);
    if (!vulnerable) requireOwner(caller, user.id, 'user');
    store.users.delete(user.id);
    for (const order of store.orders.values()) if (order.userId === user.id) store.orders.delete(order.id);
    return { status: 204 };
  });

  router.add('GET', '/orders', ({ req, query }) => {
    const caller = requireCaller(guard, req);
    const { limit, offset } = parsePage(query);
    const owner = query.get('userId');
    let all = [...store.orders.values()];
    if (!vulnerable && caller.role !== 'admin') all = all.filter((order) => order.userId === caller.id);
    if (owner !== null) all = all.filter((order) => String(order.userId) === owner);
    return { status: 200, body: { items: all.slice(offset, offset + limit), total: all.length } };
  });

  router.add('POST', '/orders', async (ctx) => {
    const caller = requireCaller(guard, ctx.req);
    const body = asObject(await ctx.json());
    if (!vulnerable) onlyMembers(body, ['items']);
    // Planted flaw (vulnerable, mass assignment): the read-only owner is taken from the body.
    const userId = vulnerable && typeof body.userId === 'number' ? body.userId : caller.id;
    if (!store.users.has(userId)) throw new HttpError(400, 'unknown user');
    const items = parseItems(body.items);
    if (store.orders.size >= MAX_ORDERS) throw new HttpError(503, 'order store is full');
    const id = store.nextOrderId();
    const createdAt = new Date().toISOString();
    const order: Order = { id, userId, items, total: orderTotal(items), status: 'pending', createdAt };
    store.orders.set(id, order);
    return { status: 201, body: order, headers: { location: `/orders/${id}` } };
  });

  router.add('GET', '/orders/:id', ({ req, params }) => {
    const caller = requireCaller(guard, req);
    const order = store.orders.get(parseId(params.id, 'order'));
    if (order === undefined) throw new HttpError(404, 'order not found');
    // Planted flaw (vulnerable, BOLA): any authenticated caller reads any order.
    if (!vulnerable) requireOwner(caller, order.userId, 'order');
    return { status: 200, body: order };
  });

  router.add('POST', '/admin/users/:id/promote', ({ req, params }) => {
    const caller = requireCaller(guard, req);
    if (caller.role !== 'admin') throw new HttpError(403, 'admin role required');
    const user = findUser(store, params.id);
    const promoted: User = { ...user, role: 'admin' };
    store.users.set(user.id, promoted);
    return { status: 200, body: view(promoted) };
  });

  router.add('GET', '/admin/stats', ({ req }) => {
    const caller = requireCaller(guard, req);
    // Planted flaw (vulnerable, BFLA): authenticated is taken for authorized; the role is not checked.
    if (!vulnerable && caller.role !== 'admin') throw new HttpError(403, 'admin role required');
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
