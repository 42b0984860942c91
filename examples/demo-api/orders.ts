// The demo API's order resource: list, create, read. Every order belongs to a user.
import { callerId } from './admin.ts';
import { asObject, HttpError, parseId, parsePage, type Router } from './http.ts';
import { MAX_ORDERS, type Order, type OrderItem, orderTotal, type Store } from './store.ts';

const MAX_ITEMS = 50;

/** Registers the order routes. */
export function registerOrderRoutes(router: Router, store: Store): void {
  // Deliberate weakness: without a `userId` filter every customer's orders are listed.
  router.add('GET', '/orders', ({ query }) => {
    const { limit, offset } = parsePage(query);
    const owner = query.get('userId');
    let all = [...store.orders.values()];
    if (owner !== null) all = all.filter((order) => String(order.userId) === owner);
    return { status: 200, body: { items: all.slice(offset, offset + limit), total: all.length } };
  });

  router.add('POST', '/orders', async (ctx) => {
    const body = asObject(await ctx.json());
    // Deliberate weakness: the owner comes from a client-chosen body field or X-User-Id header.
    const userId = body.userId !== undefined ? body.userId : callerId(ctx.req);
    if (userId === undefined) throw new HttpError(401, 'X-User-Id header required');
    if (typeof userId !== 'number' || !store.users.has(userId)) throw new HttpError(400, 'unknown user');
    const items = parseItems(body.items);
    if (store.orders.size >= MAX_ORDERS) throw new HttpError(503, 'order store is full');
    const id = store.nextOrderId();
    const order: Order = {
      id,
      userId,
      items,
      total: orderTotal(items),
      status: 'pending',
      createdAt: new Date().toISOString(),
    };
    store.orders.set(id, order);
    return { status: 201, body: order, headers: { location: `/orders/${id}` } };
  });

  // Deliberate weakness (BOLA): any caller can read any order by guessing its id.
  router.add('GET', '/orders/:id', ({ params }) => {
    const order = store.orders.get(parseId(params.id, 'order'));
    if (order === undefined) throw new HttpError(404, 'order not found');
    return { status: 200, body: order };
  });
}

/** Validates an order's items (400 otherwise). */
export function parseItems(value: unknown): OrderItem[] {
  if (!Array.isArray(value) || value.length < 1 || value.length > MAX_ITEMS) {
    throw new HttpError(400, `items must be an array of 1..${MAX_ITEMS} entries`);
  }
  return value.map((entry: unknown) => {
    const item = asObject(entry);
    const { sku, quantity, unitPrice } = item;
    if (typeof sku !== 'string' || sku.length < 1 || sku.length > 64) {
      throw new HttpError(400, 'sku must be a string of 1..64 characters');
    }
    if (typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity < 1 || quantity > 1000) {
      throw new HttpError(400, 'quantity must be an integer of 1..1000');
    }
    if (typeof unitPrice !== 'number' || !Number.isFinite(unitPrice) || unitPrice < 0 || unitPrice > 1e6) {
      throw new HttpError(400, 'unitPrice must be a number of 0..1000000');
    }
    return { sku, quantity, unitPrice };
  });
}
