// Injection: SQL (boolean differential and error differential) and NoSQL operators, in query
// parameters and JSON body members; a finding needs answers that differ by the payload's logic only.
import { signatureOf } from '../compare.ts';
import { type CallOptions, call, isAdminOperation, paramsFor, type ScanContext } from '../context.ts';
import { makeFinding } from '../finding.ts';
import type { Identity } from '../identities.ts';
import { propertiesOf } from '../spec.ts';
import type { Exchange, ScanOperation } from '../types.ts';
import { exampleOf, uniqueTag } from '../values.ts';
import type { Check } from './check.ts';

const meta = { id: 'injection', title: 'Injection', owasp: 'API8:2023', cwe: 74 } as const;

/** Database error texts that leak into answers when a quote breaks a query. */
export const SQL_ERRORS =
  /SQLITE_ERROR|SQL syntax|syntax error at or near|unterminated quoted string|ORA-\d{5}|unrecognized token|quoted string not properly terminated|PG::SyntaxError|SQLSTATE\[/i;
const MAX_TARGETS = 12;

interface Target {
  readonly op: ScanOperation;
  readonly where: 'query' | 'body';
  readonly name: string;
}

function targetsOf(ctx: ScanContext): Target[] {
  const out: Target[] = [];
  for (const op of ctx.operations) {
    if (isAdminOperation(op) || (ctx.safe && op.method !== 'GET' && op.method !== 'POST')) continue;
    for (const p of op.parameters)
      if (p.in === 'query' && (p.schema.type === 'string' || p.schema.type === undefined))
        out.push({ op, where: 'query', name: p.name });
    // Bodies only of the login operation: other POSTs would create an object per payload.
    if (op.path === ctx.loginPath)
      for (const [name, s] of Object.entries(propertiesOf(op.body)))
        if (s.type === 'string') out.push({ op, where: 'body', name });
  }
  return out.slice(0, MAX_TARGETS);
}

function send(ctx: ScanContext, t: Target, who: Identity | undefined, value: unknown): Promise<Exchange> {
  const params = paramsFor(ctx, t.op, who) ?? {};
  const options: CallOptions =
    t.where === 'query'
      ? { params, query: { [t.name]: String(value) } }
      : {
          params,
          json: {
            ...(exampleOf(t.op.body) as object),
            ...(t.op.path === ctx.loginPath ? loginBody(ctx) : {}),
            [t.name]: value,
          },
        };
  return call(ctx, t.op, t.op.path === ctx.loginPath ? undefined : who, options);
}

function loginBody(ctx: ScanContext): Record<string, unknown> {
  return { ...(ctx.userA?.spec.login?.body ?? {}) };
}

export const injectionCheck: Check = {
  ...meta,
  budget: 160,
  async run(ctx) {
    const who = ctx.userA ?? ctx.admin;
    for (const t of targetsOf(ctx)) {
      const base = `zq${uniqueTag()}`;
      const neutral = await send(ctx, t, who, base);
      const truthy = `${base}' OR '1'='1' -- `;
      const falsy = `${base}' OR '1'='2' -- `;
      const yes = await send(ctx, t, who, truthy);
      const no = await send(ctx, t, who, falsy);
      const where = `${t.where} member "${t.name}"`;
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
          continue;
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
        continue;
      }
      if (t.where === 'body') await noSql(ctx, t, who, where, neutral);
    }
  },
};

async function noSql(
  ctx: ScanContext,
  t: Target,
  who: Identity | undefined,
  where: string,
  neutral: Exchange,
): Promise<void> {
  const ne = await send(ctx, t, who, { $ne: `zq${uniqueTag()}` });
  const eq = await send(ctx, t, who, { $eq: `zq${uniqueTag()}` });
  if (
    ne.status >= 200 &&
    ne.status < 300 &&
    signatureOf(ne) !== signatureOf(eq) &&
    signatureOf(eq) === signatureOf(neutral)
  ) {
    ctx.findings.push(
      makeFinding(meta, {
        title: `NoSQL operator injection in ${where}`,
        severity: 'critical',
        cwe: 943,
        operation: t.op.key,
        description: `{"$ne": …} in ${where} of ${t.op.key} succeeds where {"$eq": …} with a wrong value fails like a plain wrong value: the member is used as a query operator.`,
        proof: ne,
        evidence: [
          ['$ne', ne],
          ['$eq', eq],
        ],
      }),
    );
  }
}
