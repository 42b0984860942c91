// What a check works with: the client, the operations, the identities, the objects the scan
// created, and helpers that build a valid request for an operation as an identity.
import { BudgetError, type ScanClient } from './client.ts';
import { credentials, type Identity, refresh } from './identities.ts';
import type { Exchange, Finding, ScanOperation } from './types.ts';
import { exampleOf } from './values.ts';

/** An object the scan created (to chain operations and to clean up). */
export interface CreatedObject {
  /** The collection path it was created on (`/orders`). */
  readonly collection: string;
  readonly id: string;
  readonly owner: Identity;
  readonly data: unknown;
  deleted: boolean;
}

/** Values that override the generated ones for one request. */
export interface CallOptions {
  readonly params?: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, string>>;
  readonly headers?: Readonly<Record<string, string>>;
  /** The JSON body; `null` sends none. */
  readonly json?: unknown;
  /** Send no credentials at all, whatever the identity. */
  readonly bare?: boolean;
}

/** The state shared by the checks of one scan. */
export interface ScanContext {
  readonly client: ScanClient;
  readonly operations: readonly ScanOperation[];
  readonly identities: readonly Identity[];
  readonly anonymous: Identity;
  readonly userA: Identity | undefined;
  readonly userB: Identity | undefined;
  readonly admin: Identity | undefined;
  readonly objects: CreatedObject[];
  readonly safe: boolean;
  /** The login operation's path (from the auth profile), if any. */
  readonly loginPath: string | undefined;
  readonly findings: Finding[];
}

/** Whether an operation is an administrative function (by path, tag or description). */
export function isAdminOperation(op: ScanOperation): boolean {
  return (
    /(^|\/)(admin|internal|manage|management)(\/|$)/i.test(op.path) ||
    op.tags.some((t) => /admin/i.test(t)) ||
    /admins? only/i.test(op.summary)
  );
}

/** The path parameters of a template (`/users/{id}` → `['id']`). */
export function pathParams(template: string): string[] {
  return [...template.matchAll(/\{([^}/]{1,64})\}/g)].map((m) => m[1]!);
}

/** The collection a path parameter indexes: the static prefix before it (`/users/{id}` → `/users`). */
export function collectionOf(template: string): string | undefined {
  const at = template.indexOf('/{');
  return at > 0 ? template.slice(0, at) : undefined;
}

/** Scan-created objects that fit an operation's first path parameter (same collection or its last name). */
export function objectsFor(ctx: ScanContext, op: ScanOperation): CreatedObject[] {
  const collection = collectionOf(op.path);
  if (collection === undefined) return [];
  const last = collection.split('/').at(-1);
  const exact = ctx.objects.filter((o) => !o.deleted && o.collection === collection);
  return exact.length > 0
    ? exact
    : ctx.objects.filter((o) => !o.deleted && o.collection.split('/').at(-1) === last);
}

/** Whether a path names user records (so an identity's own user id fits its parameter). */
export function isUserCollection(template: string): boolean {
  return /\/(users?|accounts?|members?|profiles?|customers?)\/\{[^}]+\}/i.test(template);
}

/** Fills a path template; values are percent-encoded unless `raw`. */
export function fillPath(template: string, values: Readonly<Record<string, string>>, raw = false): string {
  return template.replace(/\{([^}/]{1,64})\}/g, (_, name: string) => {
    const value = values[name] ?? '1';
    return raw ? value : encodeURIComponent(value);
  });
}

/** Builds the target-relative URL of an operation with generated values and overrides. */
export function urlFor(op: ScanOperation, options: CallOptions = {}): string {
  const params: Record<string, string> = {};
  for (const p of op.parameters) if (p.in === 'path') params[p.name] = String(exampleOf(p.schema, p.name));
  Object.assign(params, options.params);
  const query = new URLSearchParams();
  for (const p of op.parameters) {
    if (p.in === 'query' && p.required && options.query?.[p.name] === undefined)
      query.set(p.name, String(exampleOf(p.schema, p.name)));
  }
  for (const [name, value] of Object.entries(options.query ?? {})) query.set(name, value);
  const search = query.toString();
  return `${fillPath(op.path, params)}${search === '' ? '' : `?${search}`}`;
}

/** Sends an operation as an identity; refreshes the identity's login once on a 401. */
export async function call(
  ctx: ScanContext,
  op: ScanOperation,
  identity: Identity | undefined,
  options: CallOptions = {},
): Promise<Exchange> {
  const headers: Record<string, string> = {};
  for (const p of op.parameters)
    if (p.in === 'header' && p.required) headers[p.name.toLowerCase()] = String(exampleOf(p.schema, p.name));
  const auth = identity !== undefined && options.bare !== true ? await credentials(ctx.client, identity) : {};
  const json =
    options.json === null
      ? undefined
      : (options.json ?? (op.body === undefined ? undefined : exampleOf(op.body)));
  const send = (creds: Record<string, string>): Promise<Exchange> =>
    ctx.client.send({
      method: op.method,
      path: urlFor(op, options),
      headers: { ...headers, ...creds, ...options.headers },
      json,
      identity: identity?.name,
      operation: op.key,
    });
  const first = await send(auth);
  if (
    first.status === 401 &&
    identity !== undefined &&
    Object.keys(auth).length > 0 &&
    (await refresh(ctx.client, identity))
  ) {
    return send(await credentials(ctx.client, identity));
  }
  return first;
}

/** Runs `work` and swallows only budget exhaustion (the check stops early, the scan goes on). */
export async function withinBudget(work: () => Promise<void>): Promise<boolean> {
  try {
    await work();
    return true;
  } catch (error) {
    if (error instanceof BudgetError) return false;
    throw error;
  }
}

/** The id of a created object: `id`, else `<name>Id`, else the last segment of `Location`. */
export function idOf(res: Exchange): string | undefined {
  const json = res.json as Record<string, unknown> | undefined;
  if (json !== undefined && json !== null && typeof json === 'object') {
    for (const key of ['id', '_id', 'uuid']) {
      const value = json[key];
      if (typeof value === 'string' || typeof value === 'number') return String(value);
    }
  }
  const location = res.responseHeaders.location;
  return location === undefined ? undefined : location.split('/').filter(Boolean).at(-1);
}

/** Whether a status is a success. */
export function ok(res: Exchange): boolean {
  return res.status >= 200 && res.status < 300;
}

/** Path values for an operation as an identity: its objects, its own user id, or generated values. */
export function paramsFor(
  ctx: ScanContext,
  op: ScanOperation,
  identity: Identity | undefined,
): Record<string, string> | undefined {
  const names = pathParams(op.path);
  if (names.length === 0) return {};
  const own = objectsFor(ctx, op).find((o) => o.owner === identity) ?? objectsFor(ctx, op)[0];
  if (own !== undefined && names.length === 1) return { [names[0]!]: own.id };
  if (names.length === 1 && isUserCollection(op.path) && identity?.userId !== undefined)
    return { [names[0]!]: identity.userId };
  return op.method === 'GET' ? {} : undefined;
}
