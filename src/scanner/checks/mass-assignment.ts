// Mass assignment: read-only or undeclared privileged members (role, isAdmin, owner, balance…)
// sent on create/update, confirmed by reading the object back; updates are undone afterwards.

import { register, selfOperation, signupOperation } from '../accounts.ts';
import {
  call,
  collectionOf,
  identityValue,
  idOf,
  isAdminOperation,
  isUserCollection,
  ok,
  pathParams,
  type ScanContext,
  skip,
  tested,
} from '../context.ts';
import { makeFinding } from '../finding.ts';
import type { Identity } from '../identities.ts';
import { propertiesOf, successSchema } from '../spec.ts';
import type { Exchange, ScanOperation, Schema } from '../types.ts';
import { exampleOf } from '../values.ts';
import type { Check } from './check.ts';

const meta = { id: 'mass-assignment', title: 'Mass assignment', owasp: 'API3:2023', cwe: 915 } as const;

/** Undeclared members that grant privileges when a server stores them blindly. */
const PRIVILEGED = ['role', 'isAdmin', 'admin', 'is_admin', 'verified', 'balance'];
const OWNER = /^(user_?id|owner(_?id)?|account_?id|customer_?id)$/i;

function privilegedValue(
  name: string,
  schema: Schema | undefined,
  current: unknown,
  other: Identity | undefined,
): unknown {
  if (OWNER.test(name))
    return other?.userId === undefined
      ? undefined
      : Number.isNaN(Number(other.userId))
        ? other.userId
        : Number(other.userId);
  if (Array.isArray(schema?.enum)) {
    const choices = schema.enum.filter((v) => v !== current);
    return (
      choices.find((v) => typeof v === 'string' && /admin|root|super|owner|shipped|paid|approved/i.test(v)) ??
      choices[0]
    );
  }
  if (schema?.type === 'boolean' || /^is|admin|verified/i.test(name)) return current !== true;
  if (schema?.type === 'number' || schema?.type === 'integer' || name === 'balance')
    return typeof current === 'number' ? current + 1000 : 1000;
  if (schema?.type === 'string' && schema.format === undefined) return name === 'role' ? 'admin' : 'rampart';
  return name === 'role' ? 'admin' : undefined;
}

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

/** A member's value in a self answer: top level or one object down (`data.admin`). */
function memberOf(json: unknown, name: string): unknown {
  if (json === null || typeof json !== 'object') return undefined;
  const top = json as Record<string, unknown>;
  if (name in top) return top[name];
  for (const value of Object.values(top)) {
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && name in value)
      return (value as Record<string, unknown>)[name];
  }
  return undefined;
}

/** What an account reads about itself: the self operation, else its own user record. */
async function readSelf(ctx: ScanContext, who: Identity): Promise<Exchange | undefined> {
  const self = selfOperation(ctx);
  if (self !== undefined) return call(ctx, self, who);
  const reader = ctx.operations.find(
    (o) => o.method === 'GET' && isUserCollection(o.path) && o.path.endsWith('}'),
  );
  const param = reader === undefined ? undefined : pathParams(reader.path)[0];
  const value = param === undefined ? undefined : identityValue(who, param);
  return reader === undefined || value === undefined
    ? undefined
    : call(ctx, reader, who, { params: { [param!]: value } });
}

/**
 * Signup with privileged members: a control account and one that asks for privileges; confirmed when
 * the second reads itself back privileged and the control does not. Then the chain: the self-made
 * privileged account calls an admin-only change on the control account.
 */
async function onSignup(ctx: ScanContext, op: ScanOperation): Promise<void> {
  tested(ctx, meta.id, op);
  const control = await register(ctx, 'control');
  if (control?.identity === undefined) {
    skip(ctx, meta.id, op, 'the signup operation refused a fresh account');
    return;
  }
  const plain = await readSelf(ctx, control.identity);
  if (plain === undefined || !ok(plain)) {
    skip(ctx, meta.id, op, 'no self operation or user record to read the account back');
    return;
  }
  const body = propertiesOf(op.body);
  const extra: Record<string, unknown> = {};
  for (const name of PRIVILEGED) {
    if (name in body || OWNER.test(name)) continue;
    const value = privilegedValue(name, undefined, memberOf(plain.json, name), undefined);
    if (value !== undefined) extra[name] = value;
  }
  const made = await register(ctx, 'privileged', extra);
  if (made?.identity === undefined) return;
  const read = await readSelf(ctx, made.identity);
  if (read === undefined || !ok(read)) return;
  const fields = Object.keys(extra).filter(
    (f) => memberOf(read.json, f) === extra[f] && memberOf(plain.json, f) !== extra[f],
  );
  if (fields.length === 0) return;
  ctx.findings.push(
    makeFinding(meta, {
      title: `Privileged members accepted on signup: ${fields.join(', ')}`,
      severity: 'critical',
      operation: op.key,
      description: `${op.key} stored ${fields.map((f) => `"${f}"=${JSON.stringify(extra[f])}`).join(', ')} for a new account; it reads itself back with them, while an account registered without them does not have them. Anyone can make themselves privileged.`,
      proof: made.answer,
      evidence: [
        ['signup with privileged members', made.answer],
        ['the new account reads itself', read],
        ['an account registered without them', plain],
      ],
    }),
  );
  await chainToAdmin(ctx, made.identity, control.identity, fields);
}

/** The self-made privileged account calls an admin-only change on the control account (by effect). */
async function chainToAdmin(
  ctx: ScanContext,
  attacker: Identity,
  victim: Identity,
  fields: string[],
): Promise<void> {
  for (const op of ctx.operations) {
    if (!isAdminOperation(op) || op.method !== 'DELETE' || !isUserCollection(op.path)) continue;
    const param = pathParams(op.path)[0]!;
    const target = identityValue(victim, param);
    const reader = ctx.operations.find((o) => o.method === 'GET' && o.path === op.path);
    if (target === undefined || reader === undefined || ctx.safe) continue;
    const attempt = await call(ctx, op, attacker, { params: { [param]: target } });
    const check = await call(ctx, reader, ctx.admin ?? attacker, { params: { [param]: target } });
    if (!ok(attempt) || ok(check)) continue;
    ctx.throwaway.splice(ctx.throwaway.indexOf(victim), 1);
    ctx.findings.push(
      makeFinding(
        { id: 'bfla', title: 'Broken function level authorization', owasp: 'API5:2023', cwe: 285 },
        {
          title: 'Self-registered privileged account reaches an admin function',
          severity: 'critical',
          operation: op.key,
          description: `An account that made itself privileged at signup (${fields.join(', ')}) called ${op.key}, an admin-only function, on another account registered by the scan; that account is gone (${check.status}).`,
          proof: attempt,
          evidence: [
            ['the self-made admin calls the admin function', attempt],
            ['read back', check],
          ],
        },
      ),
    );
    return;
  }
}

/** Privileged members on the caller's own profile update (`PATCH /me`), read back through the self operation. */
async function onSelfUpdate(ctx: ScanContext, op: ScanOperation): Promise<void> {
  // A throw-away account when the spec lets the scan make one; else the profile's user, restored after.
  const own = (await register(ctx, 'profile'))?.identity;
  const who = own ?? ctx.userA;
  if (who === undefined) return;
  const before = await readSelf(ctx, who);
  if (before === undefined || !ok(before)) return;
  tested(ctx, meta.id, op);
  const body = propertiesOf(op.body);
  const extra: Record<string, unknown> = {};
  for (const name of PRIVILEGED) {
    if (name in body || OWNER.test(name)) continue;
    const value = privilegedValue(name, undefined, memberOf(before.json, name), undefined);
    if (value !== undefined) extra[name] = value;
  }
  const attempt = await call(ctx, op, who, { json: extra });
  const read = await readSelf(ctx, who);
  if (read === undefined || !ok(read)) return;
  const fields = Object.keys(extra).filter(
    (f) => memberOf(read.json, f) === extra[f] && memberOf(before.json, f) !== extra[f],
  );
  if (fields.length === 0) return;
  if (own === undefined) {
    const restore: Record<string, unknown> = {};
    for (const f of fields) restore[f] = memberOf(before.json, f);
    await call(ctx, op, who, { json: restore });
  }
  ctx.findings.push(
    makeFinding(meta, {
      title: `Privileged members accepted on the own profile: ${fields.join(', ')}`,
      severity: 'critical',
      operation: op.key,
      description: `${who.name} set ${fields.map((f) => `"${f}"=${JSON.stringify(extra[f])}`).join(', ')} on its own profile through ${op.key}; reading itself back shows the change.${own === undefined ? ' The original values were restored.' : ' (an account registered by the scan)'}`,
      proof: attempt,
      evidence: [
        ['update with privileged members', attempt],
        ['read back', read],
      ],
    }),
  );
}
