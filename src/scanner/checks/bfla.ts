// BFLA: a non-admin reaches an administrative function, directly or through a path variant, and
// gets the answer the admin gets (same members), not an error.

import { register } from '../accounts.ts';
import { sameKeys } from '../compare.ts';
import {
  call,
  identityValue,
  isAdminOperation,
  isUserCollection,
  ok,
  paramsFor,
  pathParams,
  type ScanContext,
  skip,
  tested,
  urlFor,
} from '../context.ts';
import { makeFinding } from '../finding.ts';
import { credentials, type Identity } from '../identities.ts';
import type { ScanOperation } from '../types.ts';
import { exampleOf } from '../values.ts';
import type { Check } from './check.ts';

const meta = {
  id: 'bfla',
  title: 'Broken function level authorization',
  owasp: 'API5:2023',
  cwe: 285,
} as const;

/** Spellings of one path a careless matcher may treat differently from its access rule. */
export function pathVariants(path: string): string[] {
  const [pathname = '', search] = path.split('?');
  const tail = search === undefined ? '' : `?${search}`;
  const upper = pathname.replace(/^\/([a-z]+)/, (_, word: string) => `/${word.toUpperCase()}`);
  return [
    `${pathname}/${tail}`,
    `${upper}${tail}`,
    `${pathname.replace(/^\//, '/./')}${tail}`,
    `${pathname};${tail}`,
  ];
}

export const bflaCheck: Check = {
  ...meta,
  budget: 60,
  async run(ctx) {
    const admin = ctx.admin;
    const users = [ctx.userA, ctx.userB].filter((u) => u !== undefined);
    if (admin === undefined || users.length === 0) {
      skip(ctx, meta.id, '*', 'needs an admin and a user identity');
      return;
    }
    for (const op of ctx.operations) {
      if (!isAdminOperation(op)) continue;
      if (op.method !== 'GET') {
        await changeAsUser(ctx, op, users[0]!);
        continue;
      }
      const params = paramsFor(ctx, op, admin);
      if (params === undefined) continue;
      tested(ctx, meta.id, op);
      const baseline = await call(ctx, op, admin, { params });
      if (!ok(baseline)) continue;
      const user = users[0]!;
      const direct = await call(ctx, op, user, { params });
      if (ok(direct) && sameKeys(direct.json, baseline.json)) {
        ctx.findings.push(
          makeFinding(meta, {
            title: 'Non-admin reaches an admin function',
            severity: 'high',
            operation: op.key,
            description: `${user.name} (role user) called ${op.key}, an administrative function, and got the admin's answer (${direct.status}, same members).`,
            proof: direct,
            evidence: [
              [`as ${user.name}`, direct],
              [`as ${admin.name}`, baseline],
            ],
          }),
        );
        continue;
      }
      const headers = await credentials(ctx.client, user);
      for (const variant of pathVariants(urlFor(op, { params }))) {
        const res = await ctx.client.send({
          method: 'GET',
          path: variant,
          headers,
          identity: user.name,
          operation: op.key,
        });
        if (!ok(res) || !sameKeys(res.json, baseline.json)) continue;
        ctx.findings.push(
          makeFinding(meta, {
            title: 'Admin function reachable through a path variant',
            severity: 'high',
            operation: op.key,
            description: `${user.name} is refused at ${op.path} but gets the admin's answer at ${variant}.`,
            proof: res,
            evidence: [
              [`as ${user.name} at ${variant}`, res],
              [`as ${user.name} at the documented path`, direct],
            ],
          }),
        );
        break;
      }
    }
  },
};

/**
 * A non-admin calls an admin-only change of a user record (delete, promote, update); the target is a
 * throw-away account the scan registered, and the effect is the proof: the account is gone, or the
 * admin reads it back changed. Other admin changes would touch data the scan does not own: skipped.
 */
async function changeAsUser(ctx: ScanContext, op: ScanOperation, user: Identity): Promise<void> {
  const reader =
    ctx.operations.find((o) => o.method === 'GET' && o.path === op.path) ??
    ctx.operations.find(
      (o) =>
        o.method === 'GET' &&
        isUserCollection(o.path) &&
        pathParams(o.path).length === 1 &&
        o.path.endsWith('}'),
    );
  if (!isUserCollection(op.path) || pathParams(op.path).length !== 1 || reader === undefined || ctx.safe) {
    skip(ctx, meta.id, op, 'an admin change the scan cannot confirm on data it owns');
    return;
  }
  const victim = (await register(ctx, 'bfla-victim'))?.identity;
  const param = pathParams(op.path)[0]!;
  const readParam = pathParams(reader.path)[0]!;
  const target = identityValue(victim, param);
  const readTarget = identityValue(victim, readParam);
  if (victim === undefined || target === undefined || readTarget === undefined) {
    skip(ctx, meta.id, op, 'needs a signup operation for a throw-away account');
    return;
  }
  tested(ctx, meta.id, op);
  const reads = { params: { [readParam]: readTarget } };
  const before = await call(ctx, reader, ctx.admin ?? victim, reads);
  if (!ok(before)) return;
  const json = op.body === undefined ? undefined : exampleOf(op.body);
  const attempt = await call(ctx, op, user, {
    params: { [param]: target },
    ...(json === undefined ? {} : { json }),
  });
  const check = await call(ctx, reader, ctx.admin ?? victim, reads);
  const effect = op.method === 'DELETE' ? !ok(check) : ok(check) && check.body !== before.body;
  if (!ok(attempt) || !effect) return;
  if (op.method === 'DELETE') ctx.throwaway.splice(ctx.throwaway.indexOf(victim), 1);
  ctx.findings.push(
    makeFinding(meta, {
      title: 'Non-admin reaches an admin function',
      severity: 'critical',
      operation: op.key,
      description: `${user.name} (role user) called ${op.key}, an admin-only function, on an account the scan registered; ${op.method === 'DELETE' ? `reading it back gives ${check.status}` : 'the admin reads the account back changed'}.`,
      proof: attempt,
      evidence: [
        [`as ${user.name}`, attempt],
        ['before, as the admin', before],
        ['read back', check],
      ],
    }),
  );
}
