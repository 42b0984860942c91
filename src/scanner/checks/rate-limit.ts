// Missing rate limits: a bounded burst of failed logins (an unknown account, so no real account is
// locked) that never meets 429 or a Retry-After.
import { loginRequest } from '../accounts.ts';
import { call, skip, tested } from '../context.ts';
import { makeFinding } from '../finding.ts';
import type { Exchange } from '../types.ts';
import { uniqueTag } from '../values.ts';
import type { Check } from './check.ts';

const meta = {
  id: 'rate-limit',
  title: 'No rate limit on a sensitive operation',
  owasp: 'API4:2023',
  cwe: 307,
} as const;

/** Attempts of the burst: well above the usual 5-10 per minute of login limits. */
export const BURST = 25;

export const rateLimitCheck: Check = {
  ...meta,
  budget: BURST + 2,
  async run(ctx) {
    const login = loginRequest(ctx);
    if (login === undefined) {
      skip(ctx, meta.id, '*', 'no login operation (profile or spec)');
      return;
    }
    const { op, body, user: userField, pass: passField } = login;
    const account = String(body[userField]).includes('@')
      ? `rampart-${uniqueTag()}@example.com`
      : `rampart-${uniqueTag()}`;
    const statuses = new Map<number, number>();
    let last: Exchange | undefined;
    const started = performance.now();
    tested(ctx, meta.id, op);
    for (let i = 0; i < BURST; i++) {
      last = await call(ctx, op, undefined, {
        json: { ...body, [userField]: account, [passField]: `Wrong-${i}-pw` },
      });
      statuses.set(last.status, (statuses.get(last.status) ?? 0) + 1);
      if (last.status === 429 || last.status === 503 || last.responseHeaders['retry-after'] !== undefined)
        return;
    }
    if (last === undefined) return;
    const ms = Math.round(performance.now() - started);
    const histogram = [...statuses].map(([s, n]) => `${n}×${s}`).join(', ');
    ctx.findings.push(
      makeFinding(meta, {
        severity: 'medium',
        operation: op.key,
        description: `${BURST} failed attempts at ${op.key} in ${ms} ms were all processed (${histogram}); none was refused with 429 or Retry-After, so passwords can be guessed at full speed.`,
        proof: last,
        evidence: [[`attempt ${BURST} of ${BURST}`, last]],
      }),
    );
  },
};
