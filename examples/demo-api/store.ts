// The demo API's in-memory data: users and their orders, seeded with a few records, bounded in size.
import { createHash, timingSafeEqual } from 'node:crypto';

/** The roles a user can have. */
export type Role = 'user' | 'admin';

/**
 * A stored user. `passwordHash` and `internalNotes` are internal, yet the API returns them (a
 * deliberate excessive-data-exposure weakness). The index signature holds whatever mass assignment
 * stored.
 */
export interface User {
  [field: string]: unknown;
  id: number;
  name: string;
  email: string;
  role: Role;
  createdAt: string;
  passwordHash: string;
  internalNotes: string;
}

/** One line of an order. */
export interface OrderItem {
  sku: string;
  quantity: number;
  unitPrice: number;
}

/** A stored order; every order belongs to a user. */
export interface Order {
  id: number;
  userId: number;
  items: OrderItem[];
  total: number;
  status: 'pending' | 'paid' | 'shipped';
  createdAt: string;
}

/** How many records the store keeps at most, so a client cannot exhaust memory. */
export const MAX_USERS = 10_000;
export const MAX_ORDERS = 100_000;

/**
 * Unsalted SHA-256: a deliberately weak password hash (the demo's "legacy" scheme). Real services
 * use a slow, salted KDF such as scrypt or argon2.
 */
export function hashPassword(password: string): string {
  return `sha256:${createHash('sha256').update(password).digest('hex')}`;
}

/** Compares a password with a stored hash in constant time. */
export function checkPassword(password: string, passwordHash: string): boolean {
  const actual = Buffer.from(hashPassword(password));
  const expected = Buffer.from(passwordHash);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** The in-memory store of one demo API instance. */
export interface Store {
  readonly users: Map<number, User>;
  readonly orders: Map<number, Order>;
  readonly startedAt: number;
  nextUserId(): number;
  nextOrderId(): number;
}

/** Creates a store seeded with three users (alice is an admin) and a few orders. */
export function createStore(now = new Date()): Store {
  let userSeq = 0;
  let orderSeq = 0;
  const store: Store = {
    users: new Map(),
    orders: new Map(),
    startedAt: now.getTime(),
    nextUserId: () => ++userSeq,
    nextOrderId: () => ++orderSeq,
  };
  const createdAt = now.toISOString();
  const seed: Array<[string, string, Role, string, string]> = [
    ['Alice Admin', 'alice@example.com', 'admin', 'alice-password', 'Has production database access.'],
    ['Bob Buyer', 'bob@example.com', 'user', 'bob-password', 'Asked for a refund twice in March.'],
    ['Carol Customer', 'carol@example.com', 'user', 'carol-password', 'VIP: do not send marketing mail.'],
  ];
  for (const [name, email, role, password, internalNotes] of seed) {
    const id = store.nextUserId();
    const passwordHash = hashPassword(password);
    store.users.set(id, { id, name, email, role, createdAt, passwordHash, internalNotes });
  }
  const orders: Array<[number, OrderItem[], Order['status']]> = [
    [2, [{ sku: 'BOOK-001', quantity: 2, unitPrice: 12.5 }], 'paid'],
    [2, [{ sku: 'PEN-042', quantity: 10, unitPrice: 1.2 }], 'pending'],
    [3, [{ sku: 'LAMP-007', quantity: 1, unitPrice: 49.9 }], 'shipped'],
  ];
  for (const [userId, items, status] of orders) {
    const id = store.nextOrderId();
    store.orders.set(id, { id, userId, items, total: orderTotal(items), status, createdAt });
  }
  return store;
}

/** The total of an order's items, rounded to cents. */
export function orderTotal(items: readonly OrderItem[]): number {
  let total = 0;
  for (const item of items) total += item.quantity * item.unitPrice;
  return Math.round(total * 100) / 100;
}

/** Finds a user by e-mail (case-insensitive). */
export function findUserByEmail(store: Store, email: string): User | undefined {
  const wanted = email.toLowerCase();
  for (const user of store.users.values()) {
    if (user.email.toLowerCase() === wanted) return user;
  }
  return undefined;
}
