// quota behaviour: per consumer (client IP when anonymous), one counter per calendar period in the
// shared state; a request takes `cost` from every configured period or from none.
import { createMemoryState } from '../../state/memory.ts';
import type { IncrementResult, StateStore } from '../../state/state.ts';
import {
  CONTINUE,
  deny,
  type MaybePromise,
  type PolicyContext,
  type PolicyDeps,
  type PolicyHandlers,
  type Verdict,
} from '../policy.ts';
import { retryAfter } from '../rate-limit/headers.ts';
import { consumerOrIp } from '../rate-limit/key.ts';
import { checkTimeZone, type PeriodKind, periodAt } from './calendar.ts';
import type { QuotaConfig } from './config.ts';

// Counters outlive their period by a day, so a slightly skewed instance still finds them.
const GRACE_MS = 86_400_000;

/** One period's usage, as the admin API shows it. */
export interface PeriodUsage {
  readonly period: string;
  readonly limit: number;
  readonly used: number;
  readonly remaining: number;
  readonly resetsAt: string;
}

/** A live quota instance: its handlers, and the usage view its admin route reads. */
export interface QuotaInstance extends PolicyHandlers {
  usage(consumer: string): Promise<Partial<Record<PeriodKind, PeriodUsage>>>;
}

const STATE_UNAVAILABLE = deny('RAMPART_TRAFFIC_STATE_UNAVAILABLE', {
  reason: 'quota state unreachable (onStateError: closed)',
  rule: 'state-unavailable',
});

/** The counter key of a consumer key (`c:alice`, `ip:192.0.2.1`) in a period. */
export const quotaKey = (kind: PeriodKind, who: string, period: string): string =>
  `quota:${kind}:${who}:${period}`;

/** Compiles the allowances; per request one bounded increment per period. */
export function createQuota(config: QuotaConfig, deps: PolicyDeps): QuotaInstance {
  checkTimeZone(config.timeZone);
  if (
    config.daily === undefined &&
    config.monthly === undefined &&
    Object.keys(config.consumers).length === 0
  ) {
    throw new Error('quota needs daily or monthly (or per-consumer allowances)');
  }
  const ownState = deps.state === undefined;
  const state: StateStore = deps.state ?? createMemoryState({ clock: deps.clock });
  const limitOf = (kind: PeriodKind, consumerId: string | undefined): number | undefined =>
    (consumerId === undefined ? undefined : config.consumers[consumerId]?.[kind]) ?? config[kind];
  const kinds: PeriodKind[] = ['daily', 'monthly'];

  const take = async (ctx: PolicyContext): Promise<Verdict> => {
    const who = consumerOrIp(ctx);
    const now = deps.clock.now();
    const taken: Array<{ key: string; ttl: number }> = [];
    try {
      for (const kind of kinds) {
        const limit = limitOf(kind, ctx.identity?.consumerId);
        if (limit === undefined) continue;
        const period = periodAt(kind, now, config.timeZone);
        const key = quotaKey(kind, who, period.id);
        const ttl = period.endsAt - now + GRACE_MS;
        const result: IncrementResult = await state.tryIncrement(key, ttl, config.cost, limit);
        if (!result.applied) {
          // Give back what earlier periods took, so a refused request costs nothing.
          for (const t of taken)
            await state.tryIncrement(t.key, t.ttl, -config.cost, Number.MAX_SAFE_INTEGER);
          return deny('RAMPART_TRAFFIC_QUOTA_EXCEEDED', {
            reason: `${kind} quota of ${limit} used up`,
            rule: kind,
            headers: retryAfter(period.endsAt - now),
          });
        }
        taken.push({ key, ttl });
      }
    } catch {
      ctx.annotate('quota.state', 'unavailable');
      return config.onStateError === 'closed' ? STATE_UNAVAILABLE : CONTINUE;
    }
    return CONTINUE;
  };

  return {
    onRequest: (ctx): MaybePromise<Verdict> => take(ctx),
    async usage(consumer) {
      const now = deps.clock.now();
      const out: Partial<Record<PeriodKind, PeriodUsage>> = {};
      for (const kind of kinds) {
        const limit = limitOf(kind, consumer);
        if (limit === undefined) continue;
        const period = periodAt(kind, now, config.timeZone);
        const used = await state.count(quotaKey(kind, `c:${consumer}`, period.id));
        out[kind] = {
          period: period.id,
          limit,
          used,
          remaining: Math.max(0, limit - used),
          resetsAt: new Date(period.endsAt).toISOString(),
        };
      }
      return out;
    },
    async close() {
      if (ownState) await state.close();
    },
  };
}
