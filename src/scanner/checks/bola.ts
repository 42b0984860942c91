// BOLA: user B reads, updates or deletes user A's objects; every finding is confirmed by reading
// the object back as A (B's answer carries A's data, A sees B's change, A finds it gone).
import { carriesData } from '../compare.ts';
import {
  type CreatedObject,
  call,
  collectionOf,
  isAdminOperation,
  isUserCollection,
  objectsFor,
  ok,
  pathParams,
  type ScanContext,
} from '../context.ts';
import { makeFinding } from '../finding.ts';
import type { Identity } from '../identities.ts';
import { propertiesOf } from '../spec.ts';
import type { ScanOperation } from '../types.ts';
import { uniqueTag } from '../values.ts';
import type { Check } from './check.ts';

const meta = {
  id: 'bola',
  title: 'Broken object level authorization',
  owasp: 'API1:2023',
  cwe: 639,
} as const;

/** Ids of A's objects an item operation can address: created by A, or A's own user record. */
function ownedIds(ctx: ScanContext, op: ScanOperation, a: Identity): string[] {
  const ids = objectsFor(ctx, op)
    .filter((o) => o.owner === a)
    .map((o) => o.id)
    .slice(0, 2);
  if (isUserCollection(op.path) && a.userId !== undefined) ids.push(a.userId);
  return ids;
}

function readerOf(ctx: ScanContext, op: ScanOperation): ScanOperation | undefined {
  return ctx.operations.find((o) => o.method === 'GET' && o.path === op.path);
}

export const bolaCheck: Check = {
  ...meta,
  budget: 120,
  async run(ctx) {
    const a = ctx.userA;
    const b = ctx.userB;
    if (a === undefined || b === undefined) return;
    for (const op of ctx.operations) {
      const names = pathParams(op.path);
      if (names.length !== 1 || isAdminOperation(op) || collectionOf(op.path) === undefined) continue;
      const param = names[0]!;
      const reader = readerOf(ctx, op);
      if (reader === undefined) continue;
      for (const id of ownedIds(ctx, op, a)) {
        const mine = await call(ctx, reader, a, { params: { [param]: id } });
        if (!ok(mine)) continue;
        if (op.method === 'GET') {
          const theirs = await call(ctx, op, b, { params: { [param]: id } });
          if (ok(theirs) && carriesData(mine.json, theirs.json)) {
            ctx.findings.push(
              makeFinding(meta, {
                title: `User B reads user A's object`,
                severity: 'high',
                operation: op.key,
                description: `${b.name} read ${op.path.replace(`{${param}}`, id)}, an object of ${a.name}; the answer carries the data ${a.name} reads.`,
                proof: theirs,
                evidence: [
                  [`as ${b.name} (not the owner)`, theirs],
                  [`as ${a.name} (the owner)`, mine],
                ],
              }),
            );
            break;
          }
        } else if ((op.method === 'PATCH' || op.method === 'PUT') && !ctx.safe) {
          if (await tryUpdate(ctx, op, reader, param, id, a, b, mine.json)) break;
        } else if (op.method === 'DELETE' && !ctx.safe) {
          const object = ctx.objects.find((o) => o.id === id && o.owner === a && !o.deleted);
          if (object !== undefined && (await tryDelete(ctx, op, reader, param, object, a, b))) break;
        }
      }
    }
  },
};

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
      schema.format === undefined &&
      schema.enum === undefined &&
      !/pass|secret|token/i.test(name),
  )?.[0];
  const original = (before as Record<string, unknown> | undefined)?.[field ?? ''];
  if (field === undefined || typeof original !== 'string') return false;
  const marker = `rampart-bola-${uniqueTag()}`;
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
