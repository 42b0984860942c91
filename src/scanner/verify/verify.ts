// Runs `rampart verify`'s probes against a running gateway: 401 without credentials where a route
// authenticates, 429 within a bounded burst where it rate-limits, 400 for unknown fields where it
// validates. A pass needs the gateway's own answer (a RAMPART_ code), not the upstream's.
import { ScanClient } from '../client.ts';
import { evidenceOf } from '../finding.ts';
import type { Evidence, Exchange } from '../types.ts';
import { exampleOf } from '../values.ts';
import type { FieldProbe, RoutePlan } from './plan.ts';

/** The member or parameter verify adds: no contract declares it. */
export const UNKNOWN_FIELD = 'rampartVerifyUnknown';
/** Requests sent at once during a burst. */
const BURST_BATCH = 10;

/** The outcome of one property on one route. */
export interface VerifyResult {
  readonly route: string;
  readonly check: 'authentication' | 'credentials' | 'rate-limit' | 'unknown-fields';
  readonly outcome: 'pass' | 'fail' | 'skip';
  readonly detail: string;
  readonly evidence: readonly Evidence[];
}

/** What a verify run is given. */
export interface VerifyOptions {
  readonly target: URL;
  readonly plans: readonly RoutePlan[];
  /** Headers that authenticate one caller (an API key, a bearer token); empty: none known. */
  readonly credentials: Readonly<Record<string, string>>;
  /** The largest burst sent to prove a rate limit. */
  readonly maxBurst: number;
  readonly timeoutMs?: number;
}

/** What verify proved, and what it cost. */
export interface VerifyReport {
  readonly target: string;
  readonly results: readonly VerifyResult[];
  readonly requests: number;
  readonly durationMs: number;
}

function codeOf(res: Exchange): string | undefined {
  const json = res.json as { code?: unknown } | undefined;
  return typeof json?.code === 'string' && json.code.startsWith('RAMPART_') ? json.code : undefined;
}

function describe(res: Exchange): string {
  return `${res.status}${codeOf(res) === undefined ? '' : ` ${codeOf(res)}`}`;
}

/** Runs every probe of every plan; rate-limit bursts last, so they cannot lock out the other probes. */
export async function runVerify(options: VerifyOptions): Promise<VerifyReport> {
  const started = performance.now();
  const client = new ScanClient({
    target: options.target,
    safe: true,
    maxRequests: options.plans.length * (options.maxBurst + 8),
    timeoutMs: options.timeoutMs ?? 10_000,
  });
  const results: VerifyResult[] = [];
  const creds = options.credentials;
  const hasCreds = Object.keys(creds).length > 0;
  const add = (
    plan: RoutePlan,
    check: VerifyResult['check'],
    outcome: VerifyResult['outcome'],
    detail: string,
    ...ex: Exchange[]
  ) =>
    results.push({
      route: plan.route,
      check,
      outcome,
      detail,
      evidence: ex.map((e) => evidenceOf(detail, e)),
    });
  try {
    const usable = new Set<RoutePlan>();
    for (const plan of options.plans) {
      if (plan.method === undefined) {
        add(
          plan,
          'authentication',
          'skip',
          'the route only takes destructive methods; verify never sends them',
        );
        continue;
      }
      if (plan.authn.length === 0) {
        usable.add(plan);
        add(plan, 'authentication', 'skip', `${plan.method} ${plan.path} is public by config`);
        continue;
      }
      const bare = await client.send({ method: plan.method, path: plan.path, operation: plan.route });
      const refused = bare.status === 401 && codeOf(bare) !== undefined;
      add(
        plan,
        'authentication',
        refused ? 'pass' : 'fail',
        refused
          ? `${plan.method} ${plan.path} without credentials: ${describe(bare)} (${plan.authn.join(', ')})`
          : `${plan.method} ${plan.path} without credentials answered ${describe(bare)}, not the gateway's 401`,
        bare,
      );
      if (!hasCreds) continue;
      const authed = await client.send({
        method: plan.method,
        path: plan.path,
        headers: creds,
        identity: 'verify',
      });
      if (authed.status === 401)
        add(plan, 'credentials', 'fail', `the verify identity is refused: ${describe(authed)}`, authed);
      else usable.add(plan);
    }
    for (const plan of options.plans) {
      for (const probe of plan.fields) {
        if (!usable.has(plan)) {
          add(plan, 'unknown-fields', 'skip', 'no accepted credentials to reach validation');
          continue;
        }
        const res = await unknownField(client, probe, plan.authn.length > 0 ? creds : {});
        const refused = res.status === 400 && codeOf(res) !== undefined;
        const where =
          probe.where === 'query' ? `query parameter ${UNKNOWN_FIELD}` : `body member ${UNKNOWN_FIELD}`;
        add(
          plan,
          'unknown-fields',
          refused ? 'pass' : 'fail',
          `${probe.op.method} ${probe.path} with an unknown ${where}: ${describe(res)}`,
          res,
        );
      }
    }
    for (const plan of options.plans) {
      if (plan.limit === undefined || plan.method === undefined) continue;
      if (!usable.has(plan)) add(plan, 'rate-limit', 'skip', 'no accepted credentials to reach the limit');
      else if (plan.limit.burst > options.maxBurst)
        add(
          plan,
          'rate-limit',
          'skip',
          `rule ${plan.limit.rule} needs a burst of ${plan.limit.burst}, more than --max-burst ${options.maxBurst}`,
        );
      else {
        const hit = await burst(client, plan, plan.authn.length > 0 ? creds : {});
        add(
          plan,
          'rate-limit',
          hit.limited === undefined ? 'fail' : 'pass',
          hit.limited === undefined
            ? `no 429 in a burst of ${hit.sent} (rule ${plan.limit.rule})`
            : `429 ${codeOf(hit.limited)} within ${hit.sent} requests (a burst of at most ${plan.limit.burst}; batches of ${BURST_BATCH} at once) (rule ${plan.limit.rule})`,
          ...(hit.limited === undefined ? hit.last : [hit.limited]),
        );
      }
    }
  } finally {
    await client.close();
  }
  return {
    target: options.target.href,
    results,
    requests: client.sent,
    durationMs: Math.round(performance.now() - started),
  };
}

function unknownField(
  client: ScanClient,
  probe: FieldProbe,
  creds: Readonly<Record<string, string>>,
): Promise<Exchange> {
  const path = probe.path.replace(/\{[^}/]{1,64}\}/g, '1');
  if (probe.where === 'query')
    return client.send({
      method: probe.op.method,
      path: `${path}?${UNKNOWN_FIELD}=1`,
      headers: creds,
      identity: 'verify',
    });
  const body = { ...(exampleOf(probe.op.body) as object), [UNKNOWN_FIELD]: true };
  return client.send({ method: probe.op.method, path, headers: creds, json: body, identity: 'verify' });
}

async function burst(
  client: ScanClient,
  plan: RoutePlan,
  creds: Readonly<Record<string, string>>,
): Promise<{ sent: number; limited: Exchange | undefined; last: Exchange[] }> {
  const total = plan.limit?.burst ?? 0;
  let sent = 0;
  let last: Exchange[] = [];
  while (sent < total) {
    const size = Math.min(BURST_BATCH, total - sent);
    last = await Promise.all(
      Array.from({ length: size }, () =>
        client.send({ method: plan.method ?? 'GET', path: plan.path, headers: creds, identity: 'verify' }),
      ),
    );
    sent += size;
    const limited = last.find((res) => res.status === 429 && codeOf(res) !== undefined);
    if (limited !== undefined) return { sent, limited, last };
  }
  return { sent, limited: undefined, last: last.slice(-1) };
}
