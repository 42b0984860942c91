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
  /** False for objects only seen in a list (never changed or deleted by the scan). */
  readonly createdByScan: boolean;
  /** Values the scan put into it (a marker the owner's answer carries). */
  readonly sent?: Readonly<Record<string, unknown>>;
}

/** Why a check left an operation untested (the coverage table). */
export interface Skip {
  readonly check: string;
  readonly operation: string;
  readonly reason: string;
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
  /** Extra candidate secrets for offline JWT key recovery (`--jwt-wordlist`). */
  readonly jwtWordlist: readonly string[];
  readonly jwtCrackMs: number | undefined;
  /** Identities the scan registered itself (throw-away victims and attackers). */
  readonly throwaway: Identity[];
  /** Operations each check tested, and those it skipped with the reason. */
  readonly tested: Map<string, Set<string>>;
  readonly skipped: Skip[];
}

/** Records that a check exercised an operation (coverage). */
export function tested(ctx: ScanContext, check: string, op: ScanOperation | string): void {
  const set = ctx.tested.get(check) ?? new Set<string>();
  set.add(typeof op === 'string' ? op : op.key);
  ctx.tested.set(check, set);
}

/** Records why a check left an operation untested (coverage). */
export function skip(ctx: ScanContext, check: string, op: ScanOperation | string, reason: string): void {
  ctx.skipped.push({ check, operation: typeof op === 'string' ? op : op.key, reason });
}

/** Whether an operation is an administrative function (by path, tag, description or scope). */
export function isAdminOperation(op: ScanOperation): boolean {
  return (
    /(^|\/)(admin|internal|manage|management)(\/|$)/i.test(op.path) ||
    op.tags.some((t) => /admin/i.test(t)) ||
    /\badmins? only\b|\bonly (by )?(an? )?(admins?|administrators?)\b|\brequires? (an? )?admin/i.test(
      op.summary,
    ) ||
    op.scopes.some((s) => /admin|manage|write:users/i.test(s))
  );
}

const DESTRUCTIVE_WORDS =
  /^(reset|resets|seed|seeds|drop|drops|purge|purges|init|initiali[sz]es?|populates?|wipes?|truncates?|flush|flushes|createdb|reinit|reseed|factory)$/i;

/** The words of an identifier or sentence (`populate_db`, `resetDatabase`, `db-init`). */
function wordsOf(text: string): string[] {
  return text
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z]+/)
    .filter(Boolean);
}

/** Whether an operation resets, seeds, drops, purges or initialises data (never called by default). */
export function isDestructiveOperation(op: ScanOperation): boolean {
  const text = [op.path, op.operationId ?? '', op.summary, ...op.tags].join(' ');
  return wordsOf(text).some((w) => DESTRUCTIVE_WORDS.test(w));
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

/** The last segment of a collection that names it (`/books/v1` → `books`, versions skipped). */
export function collectionName(collection: string): string | undefined {
  return collection
    .split('/')
    .filter((part) => part !== '' && !/^v\d+(\.\d+)?$/i.test(part))
    .at(-1);
}

/** Known objects that fit an operation's first path parameter (same collection or its name). */
export function objectsFor(ctx: ScanContext, op: ScanOperation): CreatedObject[] {
  const collection = collectionOf(op.path);
  if (collection === undefined) return [];
  const name = collectionName(collection);
  const exact = ctx.objects.filter((o) => !o.deleted && o.collection === collection);
  return exact.length > 0 || name === undefined
    ? exact
    : ctx.objects.filter((o) => !o.deleted && collectionName(o.collection) === name);
}

/** Whether a POST makes something: a collection with item operations, a signup, or a declared 201. */
export function createsSomething(ctx: ScanContext, op: ScanOperation): boolean {
  return (
    op.method === 'POST' &&
    (Object.keys(op.responses).includes('201') ||
      itemOperations(ctx, op.path).length > 0 ||
      wordsOf(`${op.path} ${op.operationId ?? ''} ${op.summary}`.replace(/sign[-_ ]?up/gi, 'signup')).some(
        (w) => CREATE_WORDS.test(w),
      ))
  );
}

const CREATE_WORDS =
  /^(register|registers|registration|signup|create|creates|add|adds|new|upload|uploads|import|imports|save|saves|post|posts)$/i;

/** Whether a path names user records (so an identity's own user id fits its parameter). */
export function isUserCollection(template: string): boolean {
  return /\/(users?|accounts?|members?|profiles?|customers?)(\/v\d+(\.\d+)?)?\/\{[^}]+\}/i.test(template);
}

/** The value of an identity for a user-collection parameter: its name, e-mail or id by the name. */
export function identityValue(identity: Identity | undefined, param: string): string | undefined {
  if (identity === undefined) return undefined;
  if (/mail/i.test(param)) return identity.email ?? identity.userName;
  if (/name|login|handle|^user$|^username$/i.test(param)) return identity.userName ?? identity.userId;
  return identity.userId ?? identity.userName;
}

/** Whether a concrete path fits a path template (`{name}` matches one non-empty segment). */
export function fitsTemplate(path: string, template: string): boolean {
  const a = path.split('/');
  const b = template.split('/');
  return a.length === b.length && b.every((part, i) => (part.startsWith('{') ? a[i] !== '' : part === a[i]));
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
  const form =
    op.form && json !== null && typeof json === 'object'
      ? Object.fromEntries(Object.entries(json).map(([k, v]) => [k, String(v)]))
      : undefined;
  const send = (creds: Record<string, string>): Promise<Exchange> =>
    ctx.client.send({
      method: op.method,
      path: urlFor(op, options),
      headers: { ...headers, ...creds, ...options.headers },
      ...(form === undefined ? { json } : { form }),
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

/** The id of a created object: `id`, else the last segment of `Location`. */
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

/** The item operations addressing one member of a collection (`GET /books/v1/{book}`). */
export function itemOperations(ctx: ScanContext, collection: string): ScanOperation[] {
  return ctx.operations.filter((o) => collectionOf(o.path) === collection && pathParams(o.path).length === 1);
}

/**
 * The member of an object that names it for a path parameter: the parameter's own name, then
 * `<param>Id`/`<param>_title`-like members, then members containing its stem, then id/slug/name/title.
 */
export function keyMember(object: Readonly<Record<string, unknown>>, param: string): string | undefined {
  const stem = param.replace(/[-_]?(id|name|slug|key|title)$/i, '').toLowerCase();
  const keys = Object.keys(object).filter((k) => {
    const v = object[k];
    return (typeof v === 'string' && v !== '') || typeof v === 'number';
  });
  const lower = (k: string): string => k.toLowerCase().replaceAll(/[-_]/g, '');
  const p = param.toLowerCase().replaceAll(/[-_]/g, '');
  return (
    keys.find((k) => lower(k) === p) ??
    (stem.length >= 3
      ? keys.find((k) => lower(k).startsWith(stem) && /id|name|slug|title|key$/i.test(k))
      : undefined) ??
    keys.find((k) => /^(id|_id|uuid|slug)$/i.test(k)) ??
    (stem.length >= 3 ? keys.find((k) => lower(k).includes(stem)) : undefined) ??
    keys.find((k) => /^(name|title|username|handle)$/i.test(k))
  );
}

/** The key of a created object: from the answer, else the request body member the item path names. */
export function createdKey(
  ctx: ScanContext,
  collection: string,
  res: Exchange,
  body: unknown,
): string | undefined {
  const id = idOf(res);
  if (id !== undefined) return id;
  const item = itemOperations(ctx, collection)[0];
  if (item === undefined || body === null || typeof body !== 'object') return undefined;
  const member = keyMember(body as Record<string, unknown>, pathParams(item.path)[0]!);
  const value = member === undefined ? undefined : (body as Record<string, unknown>)[member];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
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
  const self = identityValue(identity, names[0]!);
  if (names.length === 1 && isUserCollection(op.path) && self !== undefined) return { [names[0]!]: self };
  return op.method === 'GET' ? {} : undefined;
}
