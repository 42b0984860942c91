// Mass assignment: read-only or undeclared privileged members (role, isAdmin, owner, balance…)
// sent on create/update, confirmed by reading the object back; updates are undone afterwards.

import { selfOperation, signupOperation } from '../accounts.ts';
import {
  call,
  collectionOf,
  idOf,
  isAdminOperation,
  isUserCollection,
  ok,
  pathParams,
  type ScanContext,
} from '../context.ts';
import { makeFinding } from '../finding.ts';
import type { Identity } from '../identities.ts';
import { propertiesOf, successSchema } from '../spec.ts';
import type { ScanOperation, Schema } from '../types.ts';
import { exampleOf } from '../values.ts';
import type { Check } from './check.ts';

import { onSelfUpdate, onSignup } from './mass-assignment-accounts.ts';
import { meta, PRIVILEGED, privilegedValue } from './privileged.ts';

/** Members to try: read-only ones of the answer schema (not ids or timestamps) and the usual suspects. */
function candidates(
  op: ScanOperation,
  answer: Schema | undefined,
  current: Record<string, unknown>,
  other: Identity | undefined,
): Record<string, unknown> {
  const props = propertiesOf(answer);
  const body = propertiesOf(op.body);
  const names = new Set([
    ...Object.keys(props).filter((n) => props[n]?.readOnly === true),
    ...PRIVILEGED.filter((n) => !(n in body)),
  ]);
  const out: Record<string, unknown> = {};
  for (const name of names) {
    if (
      name === 'id' ||
      props[name]?.format === 'date-time' ||
      (name in body && body[name]?.readOnly !== true)
    )
      continue;
    const value = privilegedValue(name, props[name], current[name], other);
    if (value !== undefined && value !== current[name]) out[name] = value;
  }
  return out;
}

function readerFor(ctx: ScanContext, collection: string): ScanOperation | undefined {
  return ctx.operations.find(
    (o) =>
      o.method === 'GET' &&
      collectionOf(o.path) === collection &&
      pathParams(o.path).length === 1 &&
      o.path.endsWith('}'),
  );
}

function stuck(sent: Record<string, unknown>, read: unknown): string[] {
  const object = (read ?? {}) as Record<string, unknown>;
  return Object.keys(sent).filter((k) => object[k] === sent[k]);
}

export const massAssignmentCheck: Check = {
  ...meta,
  budget: 60,
  async run(ctx) {
    const a = ctx.userA;
    if (a === undefined) return;
    const signup = signupOperation(ctx);
    if (signup !== undefined) await onSignup(ctx, signup);
    const self = selfOperation(ctx);
    for (const op of ctx.operations)
      if (
        self !== undefined &&
        op.path === self.path &&
        (op.method === 'PATCH' || op.method === 'PUT') &&
        !ctx.safe
      )
        await onSelfUpdate(ctx, op);
    for (const op of ctx.operations) {
      if (op.body === undefined || isAdminOperation(op) || op.path === ctx.loginPath || op === signup)
        continue;
      const params = pathParams(op.path);
      if (op.method === 'POST' && params.length === 0) await onCreate(ctx, op, a);
      else if ((op.method === 'PATCH' || op.method === 'PUT') && params.length === 1 && !ctx.safe)
        await onUpdate(ctx, op, a, params[0]!);
    }
  },
};

async function onCreate(ctx: ScanContext, op: ScanOperation, a: Identity): Promise<void> {
  const reader = readerFor(ctx, op.path);
  const baseline = ctx.objects.find((o) => o.collection === op.path)?.data as
    | Record<string, unknown>
    | undefined;
  if (reader === undefined || baseline === undefined) return;
  const extra = candidates(op, successSchema(op), baseline, ctx.userB);
  if (Object.keys(extra).length === 0) return;
  const created = await call(ctx, op, a, { json: { ...(exampleOf(op.body) as object), ...extra } });
  const id = ok(created) ? idOf(created) : undefined;
  if (id === undefined) return;
  ctx.objects.push({
    collection: op.path,
    id,
    owner: a,
    data: created.json,
    deleted: false,
    createdByScan: true,
  });
  const read = await call(ctx, reader, ctx.admin ?? a, { params: { [pathParams(reader.path)[0]!]: id } });
  const fields = ok(read) ? stuck(extra, read.json) : [];
  if (fields.length === 0) return;
  ctx.findings.push(
    makeFinding(meta, {
      title: `Privileged members accepted on create: ${fields.join(', ')}`,
      severity: 'high',
      operation: op.key,
      description: `${op.key} stored ${fields.map((f) => `"${f}"=${JSON.stringify(extra[f])}`).join(', ')} sent by ${a.name}; the contract makes them read-only or does not declare them. Confirmed by reading the object back.`,
      proof: created,
      evidence: [
        ['create with privileged members', created],
        ['read back', read],
      ],
    }),
  );
}

async function onUpdate(ctx: ScanContext, op: ScanOperation, a: Identity, param: string): Promise<void> {
  const collection = collectionOf(op.path);
  const reader = ctx.operations.find((o) => o.method === 'GET' && o.path === op.path);
  if (collection === undefined || reader === undefined) return;
  const own = ctx.objects.find((o) => o.collection === collection && o.owner === a && !o.deleted)?.id;
  const id = isUserCollection(op.path) && a.userId !== undefined ? a.userId : own;
  if (id === undefined) return;
  const before = await call(ctx, reader, a, { params: { [param]: id } });
  if (!ok(before)) return;
  const current = (before.json ?? {}) as Record<string, unknown>;
  const extra = candidates(op, successSchema(reader), current, ctx.userB);
  if (Object.keys(extra).length === 0) return;
  const attempt = await call(ctx, op, a, { params: { [param]: id }, json: extra });
  const read = await call(ctx, reader, a, { params: { [param]: id } });
  const fields = ok(read) ? stuck(extra, read.json) : [];
  if (fields.length === 0) return;
  const restore: Record<string, unknown> = {};
  for (const f of fields) restore[f] = current[f];
  const undo = await call(ctx, op, ctx.admin ?? a, { params: { [param]: id }, json: restore });
  ctx.findings.push(
    makeFinding(meta, {
      title: `Privileged members accepted on update: ${fields.join(', ')}`,
      severity: 'high',
      operation: op.key,
      description: `${a.name} set ${fields.map((f) => `"${f}"=${JSON.stringify(extra[f])}`).join(', ')} on its own object through ${op.key}; reading it back shows the change. ${ok(undo) ? 'The original values were restored.' : `Restoring the original values failed (${undo.status}).`}`,
      proof: attempt,
      evidence: [
        ['update with privileged members', attempt],
        ['read back', read],
      ],
    }),
  );
}
