// The scan's last pass: deletes what the scan created (objects, then its throw-away accounts) and
// lists what remains, truthfully.
import { userDeleteOperation } from './accounts.ts';
import { call, collectionOf, identityValue, ok, pathParams, type ScanContext } from './context.ts';
import type { Identity } from './identities.ts';
import type { ScanOperation } from './types.ts';

/** Deletes what the scan created (owner first, then an admin) and its accounts; lists what remains. */
export async function cleanUp(ctx: ScanContext): Promise<string[]> {
  const left: string[] = [];
  for (const object of ctx.objects) {
    if (object.deleted || !object.createdByScan) continue;
    const op = ctx.operations.find(
      (o) =>
        o.method === 'DELETE' &&
        collectionOf(o.path) === object.collection &&
        pathParams(o.path).length === 1,
    );
    if (op === undefined || ctx.safe) {
      left.push(`${object.collection}/${object.id}`);
      continue;
    }
    const param = pathParams(op.path)[0]!;
    // The owner first: a 404 to anyone else may only hide the object (owner-only APIs answer so).
    for (const who of [object.owner, ctx.admin]) {
      if (who === undefined) continue;
      const res = await call(ctx, op, who, { params: { [param]: object.id } });
      if (ok(res) || (res.status === 404 && who === object.owner)) {
        object.deleted = true;
        break;
      }
    }
    if (!object.deleted) left.push(`${object.collection}/${object.id}`);
  }
  const remove = userDeleteOperation(ctx);
  for (const account of ctx.throwaway) {
    if (await removeAccount(ctx, remove, account)) continue;
    left.push(`account ${account.userName ?? account.name}`);
  }
  return left;
}

const MAX_PATH_NAME = 200;

async function removeAccount(
  ctx: ScanContext,
  op: ScanOperation | undefined,
  account: Identity,
): Promise<boolean> {
  if (op === undefined || ctx.safe) return false;
  // Never an account of the profile, whatever a probe's answer suggested.
  if (ctx.identities.some((i) => i.userName !== undefined && i.userName === account.userName)) return true;
  const param = pathParams(op.path)[0]!;
  const value = identityValue(account, param);
  if (value === undefined) return false;
  // "Not found" means gone only for a name a path carries as it is: a probe value that became an
  // account's name (2000 blanks) may simply not be found by it.
  const addressable = value.trim() === value && value.length <= MAX_PATH_NAME;
  for (const who of [ctx.admin, account]) {
    if (who === undefined) continue;
    const res = await call(ctx, op, who, { params: { [param]: value } }).catch(() => undefined);
    if (res !== undefined && (ok(res) || (res.status === 404 && addressable))) return true;
  }
  return false;
}
