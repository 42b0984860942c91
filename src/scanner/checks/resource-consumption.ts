// Resource consumption: string members of growing length (blank runs that make backtracking
// patterns quadratic); a finding needs the answer time to grow much faster than the input, twice.
import { call, idOf, isAdminOperation, ok, pathParams, type ScanContext } from '../context.ts';
import { makeFinding } from '../finding.ts';
import { propertiesOf } from '../spec.ts';
import type { Exchange, ScanOperation } from '../types.ts';
import { exampleOf } from '../values.ts';
import type { Check } from './check.ts';

const meta = {
  id: 'resource-consumption',
  title: 'Unbounded processing of input',
  owasp: 'API4:2023',
  cwe: 1333,
} as const;

/** Input lengths: the largest is 16× the smallest, so linear work grows ~16×, quadratic ~256×. */
export const LENGTHS = [1000, 4000, 16_000] as const;
/** The largest input must take this long, and this many times the smallest, to count. */
const MIN_SLOW_MS = 100;
const MIN_GROWTH = 20;
const MAX_TARGETS = 4;

function targets(ctx: ScanContext): Array<{ op: ScanOperation; name: string }> {
  const out: Array<{ op: ScanOperation; name: string }> = [];
  for (const op of ctx.operations) {
    if (
      op.method !== 'POST' ||
      op.body === undefined ||
      pathParams(op.path).length > 0 ||
      isAdminOperation(op)
    )
      continue;
    for (const [name, s] of Object.entries(propertiesOf(op.body))) {
      if (s.type === 'string' && s.format === undefined && s.enum === undefined) out.push({ op, name });
    }
  }
  return out.slice(0, MAX_TARGETS);
}

export const resourceConsumptionCheck: Check = {
  ...meta,
  budget: 20,
  async run(ctx) {
    const who = ctx.userA ?? ctx.admin;
    for (const { op, name } of targets(ctx)) {
      const send = async (length: number): Promise<Exchange> => {
        const login = op.path === ctx.loginPath;
        const res = await call(ctx, op, login ? undefined : who, {
          json: {
            ...(exampleOf(op.body) as object),
            ...(login ? ctx.userA?.spec.login?.body : {}),
            [name]: `${' '.repeat(length - 1)}x`,
          },
        });
        // A server that accepts the long value created an object: keep it for the clean-up.
        const id = ok(res) && who !== undefined ? idOf(res) : undefined;
        if (id !== undefined && who !== undefined)
          ctx.objects.push({ collection: op.path, id, owner: who, data: res.json, deleted: false });
        return res;
      };
      const times: Exchange[] = [];
      for (const length of LENGTHS) times.push(await send(length));
      const small = Math.max(times[0]!.ms, 1);
      const large = times.at(-1)!;
      if (large.ms < MIN_SLOW_MS || large.ms / small < MIN_GROWTH) continue;
      // Confirm on a fresh pair: a pause on a busy machine must not pass for super-linear growth.
      const smallAgain = Math.max((await send(LENGTHS[0])).ms, 1);
      const again = await send(LENGTHS.at(-1)!);
      if (again.ms < MIN_SLOW_MS || again.ms / smallAgain < MIN_GROWTH) continue;
      const series = times.map((t, i) => `${LENGTHS[i]} chars: ${Math.round(t.ms)} ms`).join(', ');
      ctx.findings.push(
        makeFinding(meta, {
          title: `Processing time grows super-linearly with "${name}"`,
          severity: 'medium',
          operation: op.key,
          description: `${op.key}: ${series}, repeated ${Math.round(again.ms)} ms. The input grew 16×, the time ${Math.round(large.ms / small)}× (a backtracking pattern or slow parser runs before the length is checked).`,
          proof: large,
          evidence: [[series, large]],
        }),
      );
    }
  },
};
