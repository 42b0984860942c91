// The injection kinds confirmed by effect beyond boolean SQL: time delays (SQL, OS command) measured
// against control requests, evaluated template arithmetic, traversal to a known file, NoSQL operators.
import { signatureOf } from '../compare.ts';
import type { ScanContext } from '../context.ts';
import { type FindingDetails, makeFinding } from '../finding.ts';
import type { Identity } from '../identities.ts';
import type { Exchange } from '../types.ts';
import { uniqueTag } from '../values.ts';
import { describeTarget, send, type Target } from './injection-targets.ts';

const meta = { id: 'injection', title: 'Injection', owasp: 'API8:2023', cwe: 74 } as const;

/** An injected 1 s sleep must delay the answer at least this much beyond the slowest control. */
const MIN_DELAY_MS = 850;
/** A line of /etc/passwd: only a file read can put it in an answer. */
const PASSWD_LINE = /root:[^:\n]{0,20}:0:0:/;

/** A time-based probe: the payload with a sleep of `n` seconds (`n` is 0 or 1). */
type Sleeper = (base: string, n: number) => string;

const SQL_SLEEPS: readonly Sleeper[] = [
  (base, n) => `${base}' AND SLEEP(${n})-- `,
  (base, n) => `${base}';SELECT pg_sleep(${n})-- `,
];
const SHELL_SLEEPS: readonly Sleeper[] = [
  (base, n) => `${base};sleep ${n}`,
  (base, n) => `${base}$(sleep ${n})`,
];

/** A probe's context: the scan, the target, who sends, and the neutral answer to compare with. */
export interface Probe {
  readonly ctx: ScanContext;
  readonly t: Target;
  readonly who: Identity | undefined;
  readonly base: string;
  readonly neutral: Exchange;
}

function report(p: Probe, details: Omit<FindingDetails, 'operation'>): true {
  p.ctx.findings.push(makeFinding(meta, { ...details, operation: p.t.op.key }));
  return true;
}

/**
 * Sleep 1 is slow, sleep 0 is as fast as the neutral control, and sleep 1 is slow again: the delay
 * follows the injected number, so a slow server or a hiccup does not count. At most 2 s per hit.
 */
async function timed(p: Probe, sleepers: readonly Sleeper[]): Promise<Exchange[] | undefined> {
  for (const sleeper of sleepers) {
    const slow = await send(p.ctx, p.t, p.who, sleeper(p.base, 1));
    if (slow.ms - p.neutral.ms < MIN_DELAY_MS) continue;
    const fast = await send(p.ctx, p.t, p.who, sleeper(p.base, 0));
    const control = Math.max(p.neutral.ms, fast.ms);
    if (slow.ms - control < MIN_DELAY_MS) continue;
    const again = await send(p.ctx, p.t, p.who, sleeper(p.base, 1));
    if (again.ms - control >= MIN_DELAY_MS) return [slow, fast, again];
  }
  return undefined;
}

function timingEvidence(p: Probe, [slow, fast, again]: Exchange[]): [string, Exchange][] {
  return [
    ['sleep 1', slow!],
    ['sleep 0 (control)', fast!],
    ['sleep 1 again', again!],
    ['neutral value', p.neutral],
  ];
}

/** Time-based SQL injection: `SLEEP(1)`/`pg_sleep(1)` after a closing quote delays the answer. */
export async function sqlTime(p: Probe): Promise<boolean> {
  const hit = await timed(p, SQL_SLEEPS);
  if (hit === undefined) return false;
  return report(p, {
    title: `SQL injection (time-based) in ${describeTarget(p.t)}`,
    severity: 'critical',
    cwe: 89,
    description: `An injected SLEEP(1) in ${describeTarget(p.t)} of ${p.t.op.key} delays the answer by a second, SLEEP(0) does not, twice: the text runs as SQL.`,
    proof: hit[0]!,
    evidence: timingEvidence(p, hit),
  });
}

/** OS command injection: `;sleep 1` or `$(sleep 1)` delays the answer, `sleep 0` does not. */
export async function commandTime(p: Probe): Promise<boolean> {
  const hit = await timed(p, SHELL_SLEEPS);
  if (hit === undefined) return false;
  return report(p, {
    title: `OS command injection (time-based) in ${describeTarget(p.t)}`,
    severity: 'critical',
    cwe: 78,
    description: `A shell command (sleep 1) appended to ${describeTarget(p.t)} of ${p.t.op.key} delays the answer by a second, sleep 0 does not, twice: the value reaches a shell.`,
    proof: hit[0]!,
    evidence: timingEvidence(p, hit),
  });
}

function factors(): [number, number] {
  const tag = Number.parseInt(uniqueTag().slice(0, 4), 16);
  return [1000 + (tag % 8000), 1000 + ((tag * 7) % 8000)];
}

/** Template injection: two random products `{{a*b}}` come back computed, and not otherwise. */
export async function template(p: Probe): Promise<boolean> {
  const results: Exchange[] = [];
  for (let round = 0; round < 2; round++) {
    const [a, b] = factors();
    const product = String(a * b);
    if (p.neutral.body.includes(product)) return false;
    const res = await send(p.ctx, p.t, p.who, `${p.base}{{${a}*${b}}}`);
    if (!res.body.includes(product) || res.body.includes(`${a}*${b}`)) return false;
    results.push(res);
  }
  return report(p, {
    title: `Template injection in ${describeTarget(p.t)}`,
    severity: 'high',
    cwe: 1336,
    description: `Two random products written as {{a*b}} in ${describeTarget(p.t)} of ${p.t.op.key} come back computed and the expression text is gone: the value is evaluated by a template engine.`,
    proof: results[0]!,
    evidence: [
      ['first expression', results[0]!],
      ['second expression', results[1]!],
      ['neutral value', p.neutral],
    ],
  });
}

/** Path traversal: /etc/passwd's content appears with `../` and not with the same name without it. */
export async function traversal(p: Probe): Promise<boolean> {
  if (PASSWD_LINE.test(p.neutral.body)) return false;
  const hit = await send(p.ctx, p.t, p.who, '../../../../../../etc/passwd');
  if (!PASSWD_LINE.test(hit.body)) return false;
  const control = await send(p.ctx, p.t, p.who, `${p.base}/etc/passwd`);
  if (PASSWD_LINE.test(control.body)) return false;
  return report(p, {
    title: `Path traversal in ${describeTarget(p.t)}`,
    severity: 'critical',
    cwe: 22,
    description: `With ../ segments, ${describeTarget(p.t)} of ${p.t.op.key} returns the content of /etc/passwd; the same name without them does not: the value is used as a file path.`,
    proof: hit,
    evidence: [
      ['../ traversal', hit],
      ['same name without ../', control],
      ['neutral value', p.neutral],
    ],
  });
}

/** NoSQL operators: `{"$ne": x}` succeeds where `{"$eq": x}` fails like a plain wrong value. */
export async function noSql(p: Probe): Promise<boolean> {
  if (p.t.where !== 'body') return false;
  const ne = await send(p.ctx, p.t, p.who, { $ne: `zq${uniqueTag()}` });
  const eq = await send(p.ctx, p.t, p.who, { $eq: `zq${uniqueTag()}` });
  if (
    ne.status < 200 ||
    ne.status >= 300 ||
    signatureOf(ne) === signatureOf(eq) ||
    signatureOf(eq) !== signatureOf(p.neutral)
  )
    return false;
  return report(p, {
    title: `NoSQL operator injection in ${describeTarget(p.t)}`,
    severity: 'critical',
    cwe: 943,
    description: `{"$ne": …} in ${describeTarget(p.t)} of ${p.t.op.key} succeeds where {"$eq": …} with a wrong value fails like a plain wrong value: the member is used as a query operator.`,
    proof: ne,
    evidence: [
      ['$ne', ne],
      ['$eq', eq],
      ['neutral value', p.neutral],
    ],
  });
}
