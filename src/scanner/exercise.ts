// The scan's first pass: every operation exercised once (creates, then reads, then updates), so
// checks have objects to work on: keys from create answers and request bodies, objects of each
// identity seen in lists.
import {
  call,
  createdKey,
  identityValue,
  isAdminOperation,
  itemOperations,
  keyMember,
  objectsFor,
  ok,
  paramsFor,
  pathParams,
  type ScanContext,
} from './context.ts';
import type { ScanOperation } from './types.ts';
import { exampleOf, uniqueTag } from './values.ts';

/** Exercises every operation once: creates first (to learn ids), then reads, then updates. */
export async function exercise(ctx: ScanContext): Promise<number> {
  let count = 0;
  const order = (op: ScanOperation): number =>
    op.method === 'POST' && pathParams(op.path).length === 0 ? 0 : op.method === 'GET' ? 1 : 2;
  for (const op of [...ctx.operations].sort((a, b) => order(a) - order(b))) {
    if (op.method === 'DELETE' || op.path === ctx.loginPath) continue;
    const who = isAdminOperation(op) ? (ctx.admin ?? ctx.userA) : (ctx.userA ?? ctx.admin);
    // Actions and updates only ever touch objects the scan created, never the identities' own.
    const mine =
      pathParams(op.path).length > 0 && op.method !== 'GET'
        ? objectsFor(ctx, op).find((o) => o.createdByScan)
        : undefined;
    if (op.method !== 'GET' && pathParams(op.path).length > 0 && mine === undefined) continue;
    const params = mine === undefined ? paramsFor(ctx, op, who) : { [pathParams(op.path)[0]!]: mine.id };
    if (params === undefined) continue;
    const json = op.body === undefined ? undefined : uniqueKey(ctx, op, exampleOf(op.body));
    const res = await call(ctx, op, who, { params, ...(json === undefined ? {} : { json }) });
    count++;
    if (order(op) === 0 && ok(res) && who !== undefined) {
      const id = createdKey(ctx, op.path, res, json);
      if (id !== undefined)
        ctx.objects.push({
          collection: op.path,
          id,
          owner: who,
          data: res.json,
          deleted: false,
          createdByScan: true,
          sent: (json ?? {}) as Record<string, unknown>,
        });
    }
    if (op.method === 'GET' && pathParams(op.path).length === 0 && ok(res)) learnFromList(ctx, op, res.json);
  }
  // Lists read as every identity show objects of the others (owned objects the scan did not create).
  for (const op of ctx.operations) {
    if (op.method !== 'GET' || pathParams(op.path).length > 0 || itemOperations(ctx, op.path).length === 0)
      continue;
    for (const who of [ctx.userB, ctx.admin]) {
      if (who === undefined) continue;
      const res = await call(ctx, op, who);
      if (ok(res)) learnFromList(ctx, op, res.json);
    }
  }
  return count;
}

/** A create's body with the member that names the object made unique (titles, slugs, names). */
function uniqueKey(ctx: ScanContext, op: ScanOperation, body: unknown): unknown {
  const item = itemOperations(ctx, op.path)[0];
  if (op.method !== 'POST' || item === undefined || body === null || typeof body !== 'object') return body;
  const member = keyMember(body as Record<string, unknown>, pathParams(item.path)[0]!);
  const value = member === undefined ? undefined : (body as Record<string, unknown>)[member];
  return typeof value === 'string' && !/^(id|_id|uuid)$/i.test(member!)
    ? { ...body, [member!]: `rampart-${uniqueTag()}` }
    : body;
}

const OWNER_MEMBER = /^(owner|user|username|user_?name|user_?id|owner_?id|created_?by|author)$/i;
const MAX_LEARNED = 50;

/** Objects of a list answer whose owner member names an identity become known objects of it. */
function learnFromList(ctx: ScanContext, op: ScanOperation, json: unknown): void {
  const item = itemOperations(ctx, op.path)[0];
  if (item === undefined) return;
  const param = pathParams(item.path)[0]!;
  const arrays = Array.isArray(json)
    ? [json]
    : Object.values((json ?? {}) as object).filter((v): v is unknown[] => Array.isArray(v));
  for (const entry of arrays.flat().slice(0, 200)) {
    if (entry === null || typeof entry !== 'object' || ctx.objects.length >= MAX_LEARNED) continue;
    const record = entry as Record<string, unknown>;
    const ownerKey = Object.keys(record).find((k) => OWNER_MEMBER.test(k));
    if (ownerKey === undefined) continue;
    const owner = ctx.identities.find(
      (i) =>
        i.role !== 'anonymous' && [identityValue(i, 'username'), i.userId].includes(String(record[ownerKey])),
    );
    const key = keyMember(record, param);
    if (owner === undefined || key === undefined || key === ownerKey) continue;
    const id = String(record[key]);
    if (ctx.objects.some((o) => o.collection === op.path && o.id === id)) continue;
    ctx.objects.push({ collection: op.path, id, owner, data: record, deleted: false, createdByScan: false });
  }
}
