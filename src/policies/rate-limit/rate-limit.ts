// rate-limit behaviour: all rules take from their counters in the shared state in one atomic call, all
// or nothing. Refused requests get 429 with Retry-After, or in throttle mode wait (bounded) and retry.
import { sleepOn } from '../../lib/clock.ts';
import { parseDuration } from '../../lib/durations.ts';
import { createMemoryState } from '../../state/memory.ts';
import type { ConsumeAllResult, ConsumeItem, RateSpec, StateStore } from '../../state/state.ts';
import {
  CONTINUE,
  type Deny,
  deny,
  type MaybePromise,
  type PolicyContext,
  type PolicyDeps,
  type PolicyHandlers,
  type Verdict,
} from '../policy.ts';
import type { RateLimitConfig } from './config.ts';
import { limitHeaders, type RuleOutcome, retryAfter } from './headers.ts';
import { compileKey, type KeyBuilder, keyReadsBody } from './key.ts';
import { parseRate } from './rate.ts';

interface CompiledRule {
  readonly name: string;
  readonly key: KeyBuilder;
  readonly cost: number;
  readonly spec: RateSpec;
  /** Plan name → the rule's spec on that plan. */
  readonly plans: ReadonlyMap<string, RateSpec>;
}

type Attempt = { readonly outcomes: RuleOutcome[]; readonly refused: RuleOutcome[] } | 'state-error';

/** Per request: the outcomes of the admitting attempt, for the RateLimit headers of the response. */
interface Admitted {
  outcomes: RuleOutcome[] | undefined;
}

const STATE_UNAVAILABLE = deny('RAMPART_TRAFFIC_STATE_UNAVAILABLE', {
  reason: 'rate-limit state unreachable (onStateError: closed)',
  rule: 'state-unavailable',
});

function compileRules(config: RateLimitConfig): CompiledRule[] {
  return config.rules.map((rule) => {
    const toSpec = (limit: string): RateSpec => {
      const rate = parseRate(limit);
      return {
        algorithm: rule.algorithm,
        limit: rate.limit,
        windowMs: rate.windowMs,
        ...(rule.burst === undefined ? {} : { burst: rule.burst }),
      };
    };
    const plans = new Map<string, RateSpec>();
    for (const [plan, settings] of Object.entries(config.plans)) {
      const limit = settings.limits[rule.name];
      if (limit !== undefined) plans.set(plan, toSpec(limit));
    }
    return { name: rule.name, key: compileKey(rule.key), cost: rule.cost, spec: toSpec(rule.limit), plans };
  });
}

/** Compiles the rules and plans once; per request one atomic state call over all rules. */
export function createRateLimit(config: RateLimitConfig, deps: PolicyDeps): PolicyHandlers<Admitted> {
  const rules = compileRules(config);
  for (const [plan, settings] of Object.entries(config.plans)) {
    for (const name of Object.keys(settings.limits)) {
      if (!rules.some((rule) => rule.name === name))
        throw new Error(`plans.${plan}.limits: no rule named ${name}`);
    }
  }
  const ownState = deps.state === undefined;
  const state: StateStore = deps.state ?? createMemoryState({ clock: deps.clock });
  const planByConsumer = new Map<string, string>();
  for (const [plan, settings] of Object.entries(config.plans)) {
    for (const consumer of settings.consumers) planByConsumer.set(consumer, plan);
  }
  const planClaim = config.planClaim;
  const throttle = config.action === 'throttle';
  const maxQueue = config.throttle.maxQueue;
  const maxWaitMs = parseDuration(config.throttle.maxWait);
  const closed = config.onStateError === 'closed';
  let queued = 0;

  const planOf = (ctx: PolicyContext): string | undefined => {
    const identity = ctx.identity;
    if (identity === undefined) return undefined;
    const claimed = planClaim === undefined ? undefined : identity.claims?.[planClaim];
    if (typeof claimed === 'string' && Object.hasOwn(config.plans, claimed)) return claimed;
    return planByConsumer.get(identity.consumerId);
  };

  // One atomic all-or-nothing call over every rule: a request refused by one rule takes from none.
  const take = (ctx: PolicyContext): MaybePromise<Attempt> => {
    const plan = planOf(ctx);
    const specs = rules.map((rule) => (plan === undefined ? undefined : rule.plans.get(plan)) ?? rule.spec);
    let call: MaybePromise<ConsumeAllResult>;
    try {
      const items: ConsumeItem[] = rules.map((rule, i) => ({
        key: `rl:${rule.name}:${rule.key(ctx)}`,
        spec: specs[i]!,
        cost: rule.cost,
      }));
      call = state.consumeAll(items);
    } catch {
      return 'state-error';
    }
    const collect = ({ results }: ConsumeAllResult): Attempt => {
      const outcomes: RuleOutcome[] = [];
      const refused: RuleOutcome[] = [];
      for (let i = 0; i < rules.length; i++) {
        const result = results[i]!;
        const outcome = { name: rules[i]!.name, windowMs: specs[i]!.windowMs, result };
        outcomes.push(outcome);
        if (!result.allowed) refused.push(outcome);
      }
      return { outcomes, refused };
    };
    return call instanceof Promise ? call.then(collect, () => 'state-error' as const) : collect(call);
  };

  const refuse = (outcomes: readonly RuleOutcome[], refused: readonly RuleOutcome[]): Deny => {
    const retryAfterMs = Math.max(...refused.map((o) => o.result.retryAfterMs));
    return deny('RAMPART_TRAFFIC_RATE_LIMITED', {
      reason: `rate limit rule ${refused[0]!.name} exceeded`,
      rule: refused[0]!.name,
      headers: config.headers ? limitHeaders(outcomes, retryAfterMs) : retryAfter(retryAfterMs),
    });
  };

  const admitted = (outcomes: RuleOutcome[], request: Admitted | undefined): Verdict => {
    if (request !== undefined) request.outcomes = outcomes;
    return CONTINUE;
  };

  const stateError = (ctx: PolicyContext): Verdict => {
    ctx.annotate('rate-limit.state', 'unavailable');
    return closed ? STATE_UNAVAILABLE : CONTINUE;
  };

  // Throttle: wait as long as the slowest refusing rule asks, then try every rule again (nothing was
  // taken by the refused attempt), until admitted or the wait would pass `maxWait`.
  const wait = async (
    ctx: PolicyContext,
    attempt: Exclude<Attempt, 'state-error'>,
    request: Admitted | undefined,
  ): Promise<Verdict> => {
    const deadline = deps.clock.now() + maxWaitMs;
    let current = attempt;
    queued++;
    try {
      while (current.refused.length > 0) {
        const delay = Math.max(...current.refused.map((o) => o.result.retryAfterMs));
        if (deps.clock.now() + delay > deadline) return refuse(current.outcomes, current.refused);
        await sleepOn(deps.clock, delay);
        const again = await take(ctx);
        if (again === 'state-error') return stateError(ctx);
        current = again;
      }
      ctx.annotate('rate-limit.throttled', true);
      return admitted(current.outcomes, request);
    } finally {
      queued--;
    }
  };

  const decide = (
    ctx: PolicyContext,
    attempt: Attempt,
    request: Admitted | undefined,
  ): MaybePromise<Verdict> => {
    if (attempt === 'state-error') return stateError(ctx);
    if (attempt.refused.length === 0) return admitted(attempt.outcomes, request);
    if (throttle && queued < maxQueue) return wait(ctx, attempt, request);
    return refuse(attempt.outcomes, attempt.refused);
  };

  // The request state exists only when the response gets RateLimit headers: otherwise nothing is kept.
  // The body is buffered only when a rule keys on a member of it.
  return {
    needs: { requestBody: config.rules.some((rule) => keyReadsBody(rule.key)) },
    onRequest(ctx, request?: Admitted) {
      const attempt = take(ctx);
      return attempt instanceof Promise
        ? attempt.then((a) => decide(ctx, a, request))
        : decide(ctx, attempt, request);
    },
    ...(config.headers
      ? {
          requestState: (): Admitted => ({ outcomes: undefined }),
          onResponse(ctx: PolicyContext, request: Admitted): Verdict {
            const outcomes = request.outcomes;
            if (outcomes !== undefined && ctx.response !== undefined) {
              const headers = limitHeaders(outcomes);
              ctx.response.headers['ratelimit-policy'] = headers['ratelimit-policy'];
              ctx.response.headers.ratelimit = headers.ratelimit;
            }
            return CONTINUE;
          },
        }
      : {}),
    async close() {
      if (ownState) await state.close();
    },
  };
}
