// BOLA: user B reads, updates or deletes user A's objects; every finding is confirmed by reading
// the object back as A (B's answer carries A's data, A sees B's change, A finds it gone).
import { logsInWith, register, setPassword } from '../accounts.ts';
import { carriesData } from '../compare.ts';
import {
  type CreatedObject,
  call,
  collectionOf,
  identityValue,
  isAdminOperation,
  isUserCollection,
  objectsFor,
  ok,
  pathParams,
  type ScanContext,
  skip,
  tested,
} from '../context.ts';
import { makeFinding } from '../finding.ts';
import type { Identity } from '../identities.ts';
import { propertiesOf } from '../spec.ts';
import type { ScanOperation } from '../types.ts';
import { exampleOf, uniqueTag } from '../values.ts';
import type { Check } from './check.ts';

const meta = {
  id: 'bola',
  title: 'Broken object level authorization',
  owasp: 'API1:2023',
  cwe: 639,
} as const;

/** Ids of A's objects an item operation can address: created or listed as A's, or A's own record. */
function ownedIds(ctx: ScanContext, op: ScanOperation, a: Identity, writes: boolean): string[] {
  const ids = objectsFor(ctx, op)
    .filter((o) => o.owner === a && (o.createdByScan || !writes))
    .map((o) => o.id)
    .slice(0, 2);
  const self = identityValue(a, pathParams(op.path)[0] ?? '');
  if (isUserCollection(op.path) && self !== undefined) ids.push(self);
  return ids;
}

/** The GET that reads what an operation addresses: the same path, else the item it belongs to. */
function readerOf(ctx: ScanContext, op: ScanOperation): ScanOperation | undefined {
  const item = `${collectionOf(op.path)}/{${pathParams(op.path)[0]}}`;
  return (
    ctx.operations.find((o) => o.method === 'GET' && o.path === op.path) ??
    ctx.operations.find((o) => o.method === 'GET' && o.path === item)
  );
}

const PASSWORD_MEMBER = /^(pass(word)?|new_?password|passwd|pwd)$/i;

/** The victim/attacker pair for changes to user records: throw-away accounts the scan registered. */
async function accountsFor(ctx: ScanContext): Promise<{ victim: Identity; attacker: Identity } | undefined> {
  const own = ctx.throwaway.filter((i) => i.spec.login !== undefined && i.token !== undefined);
  while (own.length < 2) {
    const made = await register(ctx, own.length === 0 ? 'victim' : 'attacker');
    if (made?.identity === undefined) return undefined;
    own.push(made.identity);
  }
  return { victim: own[0]!, attacker: own[1]! };
}

export const bolaCheck: Check = {
  ...meta,
  budget: 150,
  async run(ctx) {
    const a = ctx.userA;
    const b = ctx.userB;
    if (a === undefined || b === undefined) {
      skip(ctx, meta.id, '*', 'needs two user identities (A owns, B attacks)');
      return;
    }
    // Deletions last: they may remove what the other methods are tried on.
    const ordered = [...ctx.operations].sort(
      (x, y) => Number(x.method === 'DELETE') - Number(y.method === 'DELETE'),
    );
    for (const op of ordered) {
      const names = pathParams(op.path);
      if (names.length !== 1 || isAdminOperation(op) || collectionOf(op.path) === undefined) continue;
      const param = names[0]!;
      const reader = readerOf(ctx, op);
      const passwordField = Object.keys(propertiesOf(op.body)).find((n) => PASSWORD_MEMBER.test(n));
      if (op.method !== 'GET' && ctx.safe) continue;
      if (op.method !== 'GET' && isUserCollection(op.path)) {
        // Changes to user records are tried only between accounts the scan registered itself.
        const pair = await accountsFor(ctx);
        if (pair === undefined) {
          skip(ctx, meta.id, op, 'changes user records: needs a signup operation for throw-away accounts');
          continue;
        }
        tested(ctx, meta.id, op);
        if (passwordField !== undefined)
          await tryPasswordChange(ctx, op, param, passwordField, pair.victim, pair.attacker);
        else if (op.method === 'DELETE' && reader !== undefined)
          await tryAccountDelete(ctx, op, reader, param, pair.victim, pair.attacker);
        else if (reader !== undefined && (op.method === 'PUT' || op.method === 'PATCH')) {
          const id = identityValue(pair.victim, param);
          const mine =
            id === undefined ? undefined : await call(ctx, reader, pair.victim, { params: { [param]: id } });
          if (id !== undefined && mine !== undefined && ok(mine))
            await tryUpdate(ctx, op, reader, param, id, pair.victim, pair.attacker, mine.json);
        }
        continue;
      }
      if (reader === undefined) {
        skip(ctx, meta.id, op, 'no GET reads the object back to confirm');
        continue;
      }
      const ids = ownedIds(ctx, op, a, op.method !== 'GET');
      if (ids.length === 0) skip(ctx, meta.id, op, `no object of ${a.name} known`);
      else tested(ctx, meta.id, op);
      for (const id of ids) {
        const mine = await call(ctx, reader, a, { params: { [param]: id } });
        if (!ok(mine)) continue;
        if (op.method === 'GET') {
          const theirs = await call(ctx, op, b, { params: { [param]: id } });
          if (!ok(theirs) || !carriesData(mine.json, theirs.json)) continue;
          // What anyone may read is public, not another user's object.
          const anyone = await call(ctx, op, undefined, { params: { [param]: id }, bare: true });
          if (ok(anyone) && carriesData(mine.json, anyone.json)) {
            skip(ctx, meta.id, op, 'answers anonymous callers the same (public data)');
            break;
          }
          ctx.findings.push(
            makeFinding(meta, {
              title: `User B reads user A's object`,
              severity: 'high',
              operation: op.key,
              description: `${b.name} read ${op.path.replace(`{${param}}`, id)}, an object of ${a.name}; the answer carries the data ${a.name} reads.`,
              members: ownerMembers(mine.json, a),
              proof: theirs,
              evidence: [
                [`as ${b.name} (not the owner)`, theirs],
                [`as ${a.name} (the owner)`, mine],
              ],
            }),
          );
          break;
        } else if (op.method === 'PATCH' || op.method === 'PUT') {
          if (await tryUpdate(ctx, op, reader, param, id, a, b, mine.json)) break;
        } else if (op.method === 'DELETE' && !ctx.safe) {
          const object = ctx.objects.find(
            (o) => o.id === id && o.owner === a && !o.deleted && o.createdByScan,
          );
          if (object !== undefined && (await tryDelete(ctx, op, reader, param, object, a, b))) break;
        }
      }
    }
  },
};

/** Members of an object's answer that name its owner (`owner: "bo"`), for the fix block's rule. */
export function ownerMembers(json: unknown, owner: Identity): string[] {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return [];
  const names = [owner.userName, owner.userId, owner.email].filter((v): v is string => v !== undefined);
  return Object.entries(json)
    .filter(
      ([, value]) =>
        (typeof value === 'string' || typeof value === 'number') && names.includes(String(value)),
    )
    .map(([key]) => key)
    .slice(0, 4);
}

/** Attacker deletes the victim's account; confirmed when the account reads as gone. */
async function tryAccountDelete(
  ctx: ScanContext,
  op: ScanOperation,
  reader: ScanOperation,
  param: string,
  victim: Identity,
  attacker: Identity,
): Promise<void> {
  const target = identityValue(victim, param);
  if (target === undefined) return;
  const before = await call(ctx, reader, ctx.admin ?? victim, { params: { [param]: target } });
  if (!ok(before)) return;
  const attempt = await call(ctx, op, attacker, { params: { [param]: target } });
  const check = await call(ctx, reader, ctx.admin ?? victim, { params: { [param]: target } });
  if (!ok(attempt) || ok(check)) return;
  // The account is gone: nothing to clean up, and later checks register another.
  ctx.throwaway.splice(ctx.throwaway.indexOf(victim), 1);
  ctx.findings.push(
    makeFinding(meta, {
      title: `User B deletes user A's object`,
      severity: 'high',
      operation: op.key,
      description: `${attacker.name} deleted ${op.path.replace(`{${param}}`, target)}, the account of ${victim.name} (both registered by the scan); reading it back now gives ${check.status}.`,
      proof: attempt,
      evidence: [
        [`${attacker.name} deletes`, attempt],
        ['read back', check],
      ],
    }),
  );
}

/** Attacker sets the victim's password; confirmed when the victim's login works with it. */
async function tryPasswordChange(
  ctx: ScanContext,
  op: ScanOperation,
  param: string,
  field: string,
  victim: Identity,
  attacker: Identity,
): Promise<void> {
  const target = identityValue(victim, param);
  if (target === undefined) return;
  const password = `Rp-${uniqueTag()}-${uniqueTag()}7`;
  const attempt = await call(ctx, op, attacker, {
    params: { [param]: target },
    json: { ...(exampleOf(op.body) as object), [field]: password },
  });
  const asVictim = await logsInWith(ctx, victim, password);
  if (asVictim === undefined) {
    // A fixed API changes the caller's own password instead: keep logging the attacker in.
    if ((await logsInWith(ctx, attacker, password)) !== undefined) setPassword(attacker, password);
    return;
  }
  setPassword(victim, password);
  ctx.findings.push(
    makeFinding(meta, {
      title: `User B changes user A's password`,
      severity: 'critical',
      operation: op.key,
      description: `${attacker.name} set the password of ${victim.name} through ${op.path.replace(`{${param}}`, target)}; ${victim.name} then logged in with the attacker's password (both accounts were registered by the scan).`,
      proof: attempt,
      evidence: [
        [`${attacker.name} changes ${victim.name}'s password`, attempt],
        [`${victim.name} logs in with it`, asVictim],
      ],
    }),
  );
}

async function tryUpdate(
  ctx: ScanContext,
  op: ScanOperation,
  reader: ScanOperation,
  param: string,
  id: string,
  a: Identity,
  b: Identity,
  before: unknown,
): Promise<boolean> {
  const field = Object.entries(propertiesOf(op.body)).find(
    ([name, schema]) =>
      schema.type === 'string' &&
      schema.readOnly !== true &&
      schema.enum === undefined &&
      (schema.format === undefined || schema.format === 'email') &&
      !/pass|secret|token/i.test(name),
  )?.[0];
  const original = (before as Record<string, unknown> | undefined)?.[field ?? ''];
  if (field === undefined || typeof original !== 'string') return false;
  const marker = /mail/i.test(field)
    ? `rampart-bola-${uniqueTag()}@example.com`
    : `rampart-bola-${uniqueTag()}`;
  const attempt = await call(ctx, op, b, { params: { [param]: id }, json: { [field]: marker } });
  const check = await call(ctx, reader, a, { params: { [param]: id } });
  const changed = ok(check) && (check.json as Record<string, unknown> | undefined)?.[field] === marker;
  if (!changed) return false;
  await call(ctx, op, a, { params: { [param]: id }, json: { [field]: original } });
  ctx.findings.push(
    makeFinding(meta, {
      title: `User B modifies user A's object`,
      severity: 'high',
      operation: op.key,
      description: `${b.name} set "${field}" of ${op.path.replace(`{${param}}`, id)} (an object of ${a.name}); reading it back as ${a.name} shows the change. The original value was restored.`,
      proof: attempt,
      evidence: [
        [`${b.name} writes`, attempt],
        [`${a.name} reads it back`, check],
      ],
    }),
  );
  return true;
}

async function tryDelete(
  ctx: ScanContext,
  op: ScanOperation,
  reader: ScanOperation,
  param: string,
  object: CreatedObject,
  a: Identity,
  b: Identity,
): Promise<boolean> {
  const attempt = await call(ctx, op, b, { params: { [param]: object.id } });
  const check = await call(ctx, reader, a, { params: { [param]: object.id } });
  if (!ok(attempt) || check.status !== 404) return false;
  object.deleted = true;
  ctx.findings.push(
    makeFinding(meta, {
      title: `User B deletes user A's object`,
      severity: 'high',
      operation: op.key,
      description: `${b.name} deleted ${op.path.replace(`{${param}}`, object.id)}, created by ${a.name}; ${a.name} now gets 404 for it.`,
      proof: attempt,
      evidence: [
        [`${b.name} deletes`, attempt],
        [`${a.name} reads it back`, check],
      ],
    }),
  );
  return true;
}
