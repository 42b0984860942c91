// BFLA: a non-admin reaches an administrative function, directly or through a path variant, and
// gets the answer the admin gets (same members), not an error.
import { sameKeys } from '../compare.ts';
import { call, isAdminOperation, ok, paramsFor, urlFor } from '../context.ts';
import { makeFinding } from '../finding.ts';
import { credentials } from '../identities.ts';
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
    if (admin === undefined || users.length === 0) return;
    for (const op of ctx.operations) {
      if (op.method !== 'GET' || !isAdminOperation(op)) continue;
      const params = paramsFor(ctx, op, admin);
      if (params === undefined) continue;
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
