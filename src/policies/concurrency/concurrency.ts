// concurrency behaviour: a slot counter per key in the shared state, taken in the request phase and
// given back in the log phase, which always runs (also after a deny or an upstream error).
import { sleepOn } from '../../lib/clock.ts';
import { parseDuration } from '../../lib/durations.ts';
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
import { compileKey } from '../rate-limit/key.ts';
import type { ConcurrencyConfig } from './config.ts';

const LIMITED = deny('RAMPART_TRAFFIC_CONCURRENCY_LIMITED', {
  reason: 'too many requests in flight',
  rule: 'max',
  headers: { 'retry-after': '1' },
});
const STATE_UNAVAILABLE = deny('RAMPART_TRAFFIC_STATE_UNAVAILABLE', {
  reason: 'concurrency state unreachable (onStateError: closed)',
  rule: 'state-unavailable',
});
// Waiting requests poll for a slot: slots are freed by other instances too, which cannot signal us.
const POLL_MS = 10;

/** Per request: the slot it holds, given back in the log phase. */
interface Held {
  key: string | undefined;
}

/** Compiles the key; per request one bounded increment, and one decrement when it is logged. */
export function createConcurrency(config: ConcurrencyConfig, deps: PolicyDeps): PolicyHandlers<Held> {
  const ownState = deps.state === undefined;
  const state: StateStore = deps.state ?? createMemoryState({ clock: deps.clock });
  const keyOf = compileKey(config.key);
  const leaseMs = parseDuration(config.lease);
  const queueTimeoutMs = parseDuration(config.queue.timeout);
  let waiting = 0;

  const acquire = (key: string): MaybePromise<IncrementResult> =>
    state.tryIncrement(key, leaseMs, 1, config.max);
  const granted = (held: Held, key: string): Verdict => {
    held.key = key;
    return CONTINUE;
  };
  const failed = (ctx: PolicyContext): Verdict => {
    ctx.annotate('concurrency.state', 'unavailable');
    return config.onStateError === 'closed' ? STATE_UNAVAILABLE : CONTINUE;
  };

  const queue = async (ctx: PolicyContext, held: Held, key: string): Promise<Verdict> => {
    const deadline = deps.clock.now() + queueTimeoutMs;
    waiting++;
    try {
      while (deps.clock.now() < deadline) {
        await sleepOn(deps.clock, POLL_MS);
        if ((await acquire(key)).applied) return granted(held, key);
      }
      return LIMITED;
    } catch {
      return failed(ctx);
    } finally {
      waiting--;
    }
  };

  const decide = (
    ctx: PolicyContext,
    held: Held,
    key: string,
    result: IncrementResult,
  ): MaybePromise<Verdict> => {
    if (result.applied) return granted(held, key);
    if (waiting < config.queue.size) return queue(ctx, held, key);
    return LIMITED;
  };

  return {
    requestState: (): Held => ({ key: undefined }),
    onRequest(ctx, held: Held) {
      const key = `conc:${keyOf(ctx)}`;
      let result: MaybePromise<IncrementResult>;
      try {
        result = acquire(key);
      } catch {
        return failed(ctx);
      }
      if (result instanceof Promise) {
        return result.then(
          (r) => decide(ctx, held, key, r),
          () => failed(ctx),
        );
      }
      return decide(ctx, held, key, result);
    },
    onLog(_ctx, held: Held) {
      const key = held.key;
      if (key === undefined) return;
      held.key = undefined;
      try {
        const released = state.tryIncrement(key, leaseMs, -1, config.max);
        // A release lost to an outage is repaired by the lease TTL.
        if (released instanceof Promise) released.catch(() => {});
      } catch {
        // Same: the lease expires.
      }
    },
    async close() {
      if (ownState) await state.close();
    },
  };
}
