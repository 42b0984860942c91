// Injection: SQL (boolean differential, error differential, time delay), OS command (time delay),
// template expressions, path traversal and NoSQL operators, in path segments, query and header
// parameters and JSON bodies; a finding needs answers that differ by the payload's logic only.
import { signatureOf } from '../compare.ts';
import { isAdminOperation, type ScanContext, tested } from '../context.ts';
import { makeFinding } from '../finding.ts';
import type { Identity } from '../identities.ts';
import { uniqueTag } from '../values.ts';
import type { Check } from './check.ts';
import { commandTime, noSql, type Probe, sqlTime, template, traversal } from './injection-probes.ts';
import { describeTarget, send, type Target, targetsOf } from './injection-targets.ts';

const meta = { id: 'injection', title: 'Injection', owasp: 'API8:2023', cwe: 74 } as const;

/** Database error texts that leak into answers when a quote breaks a query. */
export const SQL_ERRORS =
  /SQLITE_ERROR|SQL syntax|syntax error at or near|unterminated quoted string|ORA-\d{5}|unrecognized token|quoted string not properly terminated|PG::SyntaxError|SQLSTATE\[/i;

/** Boolean and error-based SQL injection; true when a finding was reported. */
async function sqlBoolean(
  ctx: ScanContext,
  t: Target,
  who: Identity | undefined,
  base: string,
  neutral: Probe['neutral'],
): Promise<boolean> {
  const truthy = `${base}' OR '1'='1' -- `;
  const falsy = `${base}' OR '1'='2' -- `;
  const yes = await send(ctx, t, who, truthy);
  const no = await send(ctx, t, who, falsy);
  const where = describeTarget(t);
  const quote = await send(ctx, t, who, `${base}'`);
  const doubled = await send(ctx, t, who, `${base}''`);
  if (signatureOf(yes) !== signatureOf(no) && signatureOf(no) === signatureOf(neutral)) {
    const again = await send(ctx, t, who, truthy);
    const noAgain = await send(ctx, t, who, falsy);
    if (signatureOf(again) === signatureOf(yes) && signatureOf(noAgain) === signatureOf(no)) {
      ctx.findings.push(
        makeFinding(meta, {
          title: `SQL injection (boolean) in ${where}`,
          severity: 'critical',
          cwe: 89,
          operation: t.op.key,
          description: `A true condition (OR '1'='1') and a false one (OR '1'='2') appended to ${where} of ${t.op.key} give different answers, repeatably, and the false one matches a neutral value: the text is evaluated as SQL.`,
          proof: yes,
          evidence: [
            ['true condition', yes],
            ['false condition', no],
            ['neutral value', neutral],
            ['one quote', quote],
          ],
        }),
      );
      return true;
    }
  }
  if (
    SQL_ERRORS.test(quote.body) &&
    !SQL_ERRORS.test(doubled.body) &&
    signatureOf(quote) !== signatureOf(doubled)
  ) {
    ctx.findings.push(
      makeFinding(meta, {
        title: `SQL injection (error-based) in ${where}`,
        severity: 'high',
        cwe: 89,
        operation: t.op.key,
        description: `A single quote in ${where} of ${t.op.key} produces a database error, a doubled (escaped) quote does not.`,
        proof: quote,
        evidence: [
          ['one quote', quote],
          ['two quotes', doubled],
        ],
      }),
    );
    return true;
  }
  return false;
}

export const injectionCheck: Check = {
  ...meta,
  budget: 360,
  async run(ctx) {
    for (const t of targetsOf(ctx)) {
      // Each operation as the identity that may call it: admin functions as the admin.
      const who = isAdminOperation(t.op) ? (ctx.admin ?? ctx.userA) : (ctx.userA ?? ctx.admin);
      tested(ctx, meta.id, t.op);
      const base = `zq${uniqueTag()}`;
      const neutral = await send(ctx, t, who, base);
      const probe: Probe = { ctx, t, who, base, neutral };
      // One finding per injection point: the first kind confirmed is the one reported.
      if (await sqlBoolean(ctx, t, who, base, neutral)) continue;
      for (const kind of [sqlTime, commandTime, template, traversal, noSql]) if (await kind(probe)) break;
    }
  },
};
