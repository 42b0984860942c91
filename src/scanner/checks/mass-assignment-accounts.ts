// Mass assignment on accounts: privileged members at signup (a control account registered without
// them), chained into an admin-only function, and on the caller's own profile update.
import { register, selfOperation } from '../accounts.ts';
import {
  call,
  identityValue,
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
import { propertiesOf } from '../spec.ts';
import type { Exchange, ScanOperation } from '../types.ts';
import { meta, OWNER, PRIVILEGED, privilegedValue } from './privileged.ts';

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
export async function onSignup(ctx: ScanContext, op: ScanOperation): Promise<void> {
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
export async function onSelfUpdate(ctx: ScanContext, op: ScanOperation): Promise<void> {
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
