// User enumeration: the login answers an existing account with a wrong password differently
// (status, message) from an unknown account; repeated to rule out noise.
import { loginRequest, registerOnly } from '../accounts.ts';
import { call, skip, tested } from '../context.ts';
import { makeFinding } from '../finding.ts';
import type { Exchange } from '../types.ts';
import { uniqueTag } from '../values.ts';
import type { Check } from './check.ts';

const meta = { id: 'user-enumeration', title: 'User enumeration', owasp: 'API2:2023', cwe: 204 } as const;

/** An answer with volatile parts (ids, numbers, timestamps) taken out. */
function normalized(res: Exchange): string {
  return `${res.status}|${res.body.replace(/[0-9a-f]{8,}|\d+/gi, '#')}`;
}

export const userEnumerationCheck: Check = {
  ...meta,
  budget: 8,
  async run(ctx) {
    const login = loginRequest(ctx);
    if (login === undefined) {
      skip(ctx, meta.id, '*', 'no login operation (profile or spec)');
      return;
    }
    const { op, user: userField, pass: passField } = login;
    const flow = { body: login.body };
    // Without a login in the profile, an account the scan registers is the existing one.
    if (!ctx.identities.some((i) => i.spec.login !== undefined)) {
      const name = await registerOnly(ctx, /mail/i.test(userField));
      if (name === undefined) {
        skip(ctx, meta.id, op, 'no account known to exist (no login in the profile, no signup)');
        return;
      }
      flow.body[userField] = name;
    }
    const wrong = `Wrong-${uniqueTag()}-pw`;
    const existing = (): Promise<Exchange> =>
      call(ctx, op, undefined, { json: { ...flow.body, [passField]: wrong } });
    const value = String(flow.body[userField]);
    const unknownName = value.includes('@') ? `rampart-${uniqueTag()}@example.com` : `rampart-${uniqueTag()}`;
    const unknown = (): Promise<Exchange> =>
      call(ctx, op, undefined, { json: { ...flow.body, [userField]: unknownName, [passField]: wrong } });
    tested(ctx, meta.id, op);
    const a1 = await existing();
    const b1 = await unknown();
    if (normalized(a1) === normalized(b1)) return;
    const a2 = await existing();
    const b2 = await unknown();
    if (normalized(a1) !== normalized(a2) || normalized(b1) !== normalized(b2)) return;
    ctx.findings.push(
      makeFinding(meta, {
        severity: 'medium',
        operation: op.key,
        description: `${op.key} answers a wrong password for an existing account (${a1.status}) differently from an unknown account (${b1.status}), consistently: an attacker can tell which accounts exist.`,
        proof: b1,
        evidence: [
          ['existing account, wrong password', a1],
          ['unknown account', b1],
        ],
      }),
    );
  },
};
