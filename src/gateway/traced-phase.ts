// The request phase as tracing sees it: the same links in the same order, run one stage at a time so
// each stage (ingress, authn, authz, traffic, validation, threat) gets a span of its own. Used only when
// tracing is on; the untraced path calls runRequestPhase directly.
import type { RequestTrace } from '../observe/tracing/tracer.ts';
import type { Chain } from './chain.ts';
import { type PhaseContext, type PhaseOutcome, type PhaseReporter, runRequestPhase } from './pipeline.ts';

interface StageSlice {
  readonly stage: string;
  readonly chain: Chain;
}

// Per compiled chain, once: its request links cut where the stage changes (links are ordered by stage).
const slicesOf = new WeakMap<Chain, readonly StageSlice[]>();

function stageSlices(chain: Chain): readonly StageSlice[] {
  let slices = slicesOf.get(chain);
  if (slices === undefined) {
    const cut: StageSlice[] = [];
    let start = 0;
    const links = chain.onRequest;
    for (let i = 1; i <= links.length; i++) {
      if (i === links.length || links[i]!.stage !== links[start]!.stage) {
        cut.push({ stage: links[start]!.stage, chain: { ...chain, onRequest: links.slice(start, i) } });
        start = i;
      }
    }
    slices = cut;
    slicesOf.set(chain, slices);
  }
  return slices;
}

const PASSED: PhaseOutcome = Object.freeze({ deny: undefined, policy: undefined });

/** Runs the request phase stage by stage, each inside its span; stops at the first enforced deny. */
export async function runTracedRequestPhase(
  chain: Chain,
  ctx: PhaseContext,
  reporter: PhaseReporter,
  trace: RequestTrace,
): Promise<PhaseOutcome> {
  for (const slice of stageSlices(chain)) {
    trace.stage(slice.stage);
    const ran = runRequestPhase(slice.chain, ctx, reporter);
    const outcome = ran instanceof Promise ? await ran : ran;
    if (outcome.deny !== undefined) return outcome;
  }
  return PASSED;
}
