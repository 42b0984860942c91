// Authentication: secured operations answered without credentials, or with a malformed, unsigned
// (`alg: none`), tampered, or forged (weak HS256 key) JWT — judged against the real answer.
import { createHmac } from 'node:crypto';
import { selfFacts, selfOperation } from '../accounts.ts';
import { sameKeys } from '../compare.ts';
import { call, isAdminOperation, ok, paramsFor, type ScanContext, tested } from '../context.ts';
import { makeFinding } from '../finding.ts';
import { type Identity, tokenFor } from '../identities.ts';
import { crackJwt } from '../jwt-crack.ts';
import type { Exchange, ScanOperation } from '../types.ts';
import type { Check } from './check.ts';

const meta = { id: 'authentication', title: 'Broken authentication', owasp: 'API2:2023', cwe: 287 } as const;

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function decode(part: string | undefined): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8')) as unknown;
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function accepted(res: Exchange, baseline: Exchange): boolean {
  return ok(res) && res.status === baseline.status && sameKeys(res.json, baseline.json);
}

export const authenticationCheck: Check = {
  ...meta,
  budget: 120,
  async run(ctx) {
    let jwtDone = false;
    for (const op of ctx.operations) {
      if (!op.secured || op.method !== 'GET') continue;
      const who = isAdminOperation(op) ? (ctx.admin ?? ctx.userA) : (ctx.userA ?? ctx.admin);
      if (who === undefined) return;
      const params = paramsFor(ctx, op, who);
      if (params === undefined) continue;
      const baseline = await call(ctx, op, who, { params });
      if (!ok(baseline)) continue;
      tested(ctx, meta.id, op);
      const bare = await call(ctx, op, undefined, { params, bare: true });
      if (accepted(bare, baseline)) {
        ctx.findings.push(
          makeFinding(meta, {
            title: 'Secured operation answers without credentials',
            severity: 'high',
            cwe: 306,
            operation: op.key,
            description: `${op.key} declares a security requirement, but a request without any credentials got the same answer (${bare.status}, same members) as an authenticated one.`,
            proof: bare,
            evidence: [
              ['without credentials', bare],
              [`as ${who.name}`, baseline],
            ],
          }),
        );
        continue;
      }
      const bearer = tokenFor(who);
      if (!jwtDone && bearer !== undefined && bearer.token.split('.').length === 3) {
        jwtDone = true;
        await jwtProbes(ctx, op, who, bearer.token, params, baseline, bearer.header);
      }
    }
  },
};

async function jwtProbes(
  ctx: ScanContext,
  op: ScanOperation,
  who: Identity,
  token: string,
  params: Record<string, string>,
  baseline: Exchange,
  header: string,
): Promise<void> {
  const [h, p, s = ''] = token.split('.');
  const head = decode(h);
  const claims = decode(p);
  if (head === undefined || claims === undefined) return;
  const now = Math.floor(Date.now() / 1000);
  const cracked = crackJwt(token, {
    wordlist: ctx.jwtWordlist,
    ...(ctx.jwtCrackMs === undefined ? {} : { maxMs: ctx.jwtCrackMs }),
  });
  const key = cracked.key;
  const alg = typeof head.alg === 'string' ? head.alg : 'HS256';
  const hash = alg === 'HS384' ? 'sha384' : alg === 'HS512' ? 'sha512' : 'sha256';
  const probes: Array<{
    title: string;
    cwe: number;
    token: string;
    why: string;
    severity: 'high' | 'critical';
  }> = [
    {
      title: 'Malformed bearer token accepted',
      cwe: 287,
      token: `${h}.${p}`,
      why: 'a token without its signature part',
      severity: 'high',
    },
    {
      title: 'Unsigned JWT (alg: none) accepted',
      cwe: 347,
      token: `${b64({ ...head, alg: 'none' })}.${p}.`,
      why: 'the same claims with `alg: none` and no signature',
      severity: 'critical',
    },
    {
      title: 'Tampered JWT accepted',
      cwe: 347,
      token: `${h}.${b64({ ...claims, rampart: 1 })}.${s}`,
      why: 'claims changed after signing, signature kept',
      severity: 'critical',
    },
  ];
  const sign = (payload: Record<string, unknown>): string => {
    const body = `${b64({ ...head, alg })}.${b64(payload)}`;
    return `${body}.${createHmac(hash, key ?? '')
      .update(body)
      .digest('base64url')}`;
  };
  if (key !== undefined) {
    probes.push({
      title: `JWT signed with a weak ${alg} key: tokens can be forged`,
      cwe: 1391,
      token: sign({ ...claims, iat: now, exp: now + 600, jti: 'rampart-forged' }),
      why: `a token forged with the key recovered offline after ${cracked.tried} guesses in ${Math.round(cracked.ms)} ms (${key.length} characters)`,
      severity: 'critical',
    });
    probes.push({
      title: 'Expired JWT accepted',
      cwe: 613,
      token: sign({ ...claims, iat: now - 7200, exp: now - 3600 }),
      why: 'a token that expired an hour ago',
      severity: 'high',
    });
  }
  const scheme = (who.spec.login?.scheme ?? 'Bearer').trim();
  const bearer = (value: string): string => (scheme === '' ? value : `${scheme} ${value}`);
  for (const probe of probes) {
    const res = await call(ctx, op, undefined, {
      params,
      bare: true,
      headers: { [header]: bearer(probe.token) },
    });
    if (!accepted(res, baseline)) continue;
    const impersonation =
      key !== undefined && probe.cwe === 1391
        ? await impersonate(ctx, claims, key, who, header, bearer, sign)
        : undefined;
    ctx.findings.push(
      makeFinding(meta, {
        title: probe.title,
        severity: probe.severity,
        cwe: probe.cwe,
        operation: op.key,
        description: `${op.key} answered ${res.status} with the same members as for the real token when sent ${probe.why}.`,
        proof: res,
        evidence: [
          [probe.why, res],
          ['with the real token', baseline],
          ...(impersonation === undefined ? [] : [impersonation]),
        ],
      }),
    );
  }
}

/** Confirms a forged token by effect: claims naming another identity make the self operation answer as it. */
async function impersonate(
  ctx: ScanContext,
  claims: Record<string, unknown>,
  key: string,
  who: Identity,
  header: string,
  bearer: (token: string) => string,
  sign: (payload: Record<string, unknown>) => string,
): Promise<[string, Exchange] | undefined> {
  const self = selfOperation(ctx);
  const victim = [ctx.userB, ctx.admin, ctx.userA].find((i) => i !== undefined && i !== who);
  if (self === undefined || victim === undefined || key === '') return undefined;
  const swapped: Record<string, unknown> = { ...claims };
  let changed = false;
  for (const [name, value] of Object.entries(claims)) {
    const as = String(value);
    if (as === who.userName && victim.userName !== undefined) swapped[name] = victim.userName;
    else if (as === who.userId && victim.userId !== undefined)
      swapped[name] = typeof value === 'number' ? Number(victim.userId) : victim.userId;
    else continue;
    changed = true;
  }
  if (!changed) return undefined;
  const now = Math.floor(Date.now() / 1000);
  const res = await call(ctx, self, undefined, {
    bare: true,
    headers: { [header]: bearer(sign({ ...swapped, iat: now, exp: now + 600 })) },
  });
  const facts = selfFacts(res.json);
  const isVictim =
    ok(res) &&
    ((facts.name !== undefined && facts.name === victim.userName) ||
      (facts.id !== undefined && facts.id === victim.userId));
  return isVictim
    ? [`a token forged for ${victim.name}: ${self.key} answers as ${victim.name}`, res]
    : undefined;
}
