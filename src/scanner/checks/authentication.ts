// Authentication: secured operations answered without credentials, or with a malformed, unsigned
// (`alg: none`), tampered, or forged (weak HS256 key) JWT — judged against the real answer.
import { createHmac } from 'node:crypto';
import { sameKeys } from '../compare.ts';
import { call, isAdminOperation, ok, paramsFor, type ScanContext } from '../context.ts';
import { makeFinding } from '../finding.ts';
import type { Exchange, ScanOperation } from '../types.ts';
import type { Check } from './check.ts';

/** A small built-in list of HS256 keys found in tutorials and leaked configs. */
export const WEAK_SECRETS = [
  'secret',
  'password',
  '123456',
  'changeme',
  'your-256-bit-secret',
  'jwt_secret',
  'secretkey',
  'key',
  'test',
  'admin',
  'default',
  'supersecret',
  'mysecret',
  'jwtsecret',
  'qwerty',
  'letmein',
];

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

/** Finds the HS256 key of a token among the weak secrets (offline: no request is sent). */
export function crackHs256(token: string): string | undefined {
  const [h, p, s] = token.split('.');
  if (h === undefined || p === undefined || s === undefined || decode(h)?.alg !== 'HS256') return undefined;
  return WEAK_SECRETS.find((key) => createHmac('sha256', key).update(`${h}.${p}`).digest('base64url') === s);
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
      if (!jwtDone && who.token !== undefined && who.token.split('.').length === 3) {
        jwtDone = true;
        await jwtProbes(ctx, op, who.token, params, baseline, who.spec.login?.header ?? 'authorization');
      }
    }
  },
};

async function jwtProbes(
  ctx: ScanContext,
  op: ScanOperation,
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
  const key = crackHs256(token);
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
  if (key !== undefined) {
    const sign = (payload: Record<string, unknown>): string => {
      const body = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(payload)}`;
      return `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
    };
    probes.push({
      title: 'JWT signed with a weak HS256 key: tokens can be forged',
      cwe: 1391,
      token: sign({ ...claims, iat: now, exp: now + 600, jti: 'rampart-forged' }),
      why: `a token forged with the key found by a wordlist (${key.length} characters)`,
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
  for (const probe of probes) {
    const res = await call(ctx, op, undefined, {
      params,
      bare: true,
      headers: { [header]: `Bearer ${probe.token}` },
    });
    if (!accepted(res, baseline)) continue;
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
        ],
      }),
    );
  }
}
