// The demo API's user resource: list, create, read, update (mass-assignable), delete.
import { asObject, HttpError, parseId, parsePage, type Router } from './http.ts';
import { findUserByEmail, hashPassword, MAX_USERS, type Role, type Store, type User } from './store.ts';

/** The largest a stored user may grow to (serialized), so PATCH cannot store megabytes per record. */
const MAX_USER_BYTES = 16 * 1024;

/** Keys never copied from a body: they would change the object's prototype rather than a field. */
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Registers the user routes, including the deprecated `/v1/users/:id` kept alive for old clients. */
export function registerUserRoutes(router: Router, store: Store): void {
  // Deliberate weakness: every list and read returns whole records, passwordHash and internalNotes included.
  router.add('GET', '/users', ({ query }) => {
    const { limit, offset } = parsePage(query);
    const all = [...store.users.values()];
    return { status: 200, body: { items: all.slice(offset, offset + limit), total: all.length } };
  });

  router.add('POST', '/users', async (ctx) => {
    const body = asObject(await ctx.json());
    const name = requireString(body, 'name', 1, 100);
    const email = requireEmail(body);
    const password = requireString(body, 'password', 8, 128);
    // Deliberate weakness: the client may choose its own role at sign-up.
    const role = body.role === undefined ? 'user' : requireRole(body.role);
    if (findUserByEmail(store, email) !== undefined) throw new HttpError(409, 'email already registered');
    if (store.users.size >= MAX_USERS) throw new HttpError(503, 'user store is full');
    const id = store.nextUserId();
    const user: User = {
      id,
      name,
      email,
      role,
      createdAt: new Date().toISOString(),
      passwordHash: hashPassword(password),
      internalNotes: '',
    };
    store.users.set(id, user);
    return { status: 201, body: user, headers: { location: `/users/${id}` } };
  });

  const getUser: Parameters<Router['add']>[2] = ({ params }) => ({
    status: 200,
    body: findUser(store, params.id),
  });
  router.add('GET', '/users/:id', getUser);
  router.add('GET', '/v1/users/:id', getUser);

  router.add('PATCH', '/users/:id', async (ctx) => {
    const user = findUser(store, ctx.params.id);
    const body = asObject(await ctx.json());
    const updated: User = { ...user };
    // Deliberate weakness (mass assignment): every field of the body is copied, `role` and
    // `internalNotes` included, and unknown fields are stored as they come.
    for (const [key, value] of Object.entries(body)) {
      if (key === 'id' || UNSAFE_KEYS.has(key)) continue;
      if (key === 'password') {
        updated.passwordHash = hashPassword(requireString(body, 'password', 8, 128));
      } else {
        updated[key] = value;
      }
    }
    if (body.name !== undefined) requireString(body, 'name', 1, 100);
    if (body.email !== undefined) {
      const other = findUserByEmail(store, requireEmail(body));
      if (other !== undefined && other.id !== user.id) throw new HttpError(409, 'email already registered');
    }
    if (body.role !== undefined) requireRole(body.role);
    if (Buffer.byteLength(JSON.stringify(updated)) > MAX_USER_BYTES) {
      throw new HttpError(413, `a user record may not exceed ${MAX_USER_BYTES} bytes`);
    }
    store.users.set(user.id, updated);
    return { status: 200, body: updated };
  });

  router.add('DELETE', '/users/:id', ({ params }) => {
    const user = findUser(store, params.id);
    store.users.delete(user.id);
    for (const order of store.orders.values()) {
      if (order.userId === user.id) store.orders.delete(order.id);
    }
    return { status: 204 };
  });
}

/** Looks up a user by path id (404 when absent). */
export function findUser(store: Store, rawId: string | undefined): User {
  const user = store.users.get(parseId(rawId, 'user'));
  if (user === undefined) throw new HttpError(404, 'user not found');
  return user;
}

/** A string member of `min..max` characters (400 otherwise). */
export function requireString(
  body: Record<string, unknown>,
  field: string,
  min: number,
  max: number,
): string {
  const value = body[field];
  if (typeof value !== 'string' || value.length < min || value.length > max) {
    throw new HttpError(400, `${field} must be a string of ${min}..${max} characters`);
  }
  return value;
}

/** A plausible e-mail member (400 otherwise). */
export function requireEmail(body: Record<string, unknown>): string {
  const email = requireString(body, 'email', 3, 254);
  const at = email.indexOf('@');
  if (at < 1 || at === email.length - 1 || email.includes(' ')) {
    throw new HttpError(400, 'email is not valid');
  }
  return email;
}

function requireRole(value: unknown): Role {
  if (value !== 'user' && value !== 'admin') throw new HttpError(400, 'role must be "user" or "admin"');
  return value;
}
