// brute-force behaviour: before authentication, refuse sources under lockout (429 + Retry-After);
// after it, count failed attempts per client address and per credential, and lock out beyond the
// threshold for a period that doubles with each lockout in a row (bounded). Counters live in the state.
import { parseDuration } from '../../lib/durations.ts';
import { createMemoryState } from '../../state/memory.ts';
import type { StateStore } from '../../state/state.ts';
import {
  countFailure,
  isPromise,
  type LockoutPlan,
  lockedOut,
  lockKey,
  lockoutStateFailed,
} from '../lockout.ts';
import {
  CONTINUE,
  type LogContext,
  type MaybePromise,
  type PolicyContext,
  type PolicyDeps,
  type PolicyHandlers,
  type Verdict,
} from '../policy.ts';
import type { BruteForceConfig } from './config.ts';
import { credentialIdOf } from './credential-id.ts';

/** Builds the handlers; uses the shared state, or a private memory state when there is none. */
export function createBruteForce(config: BruteForceConfig, deps: PolicyDeps): PolicyHandlers {
  const own = deps.state === undefined ? createMemoryState({ clock: deps.clock }) : undefined;
  const state: StateStore = deps.state ?? own!;
  const lockMs = parseDuration(config.lockout);
  const plan: LockoutPlan = {
    prefix: 'bf',
    windowMs: parseDuration(config.window),
    lockMs,
    maxLockMs: Math.max(lockMs, parseDuration(config.maxLockout)),
  };
  const byIp = config.by.includes('ip');
  const byCredential = config.by.includes('credential');

  const subjects = (ctx: PolicyContext): Array<{ kind: 'ip' | 'credential'; key: string }> => {
    const list: Array<{ kind: 'ip' | 'credential'; key: string }> = [];
    if (byIp) list.push({ kind: 'ip', key: `ip:${ctx.clientIp}` });
    if (byCredential) {
      const id = credentialIdOf(ctx, config.apiKeyHeader);
      if (id !== undefined) list.push({ kind: 'credential', key: `cred:${id}` });
    }
    return list;
  };

  const check = (
    ctx: PolicyContext,
    list: ReturnType<typeof subjects>,
    values: Array<string | undefined>,
  ): Verdict => {
    const now = ctx.clock.now();
    for (let i = 0; i < list.length; i++) {
      const until = Number(values[i]);
      if (values[i] !== undefined && until > now) return lockedOut(ctx, `${list[i]!.kind}-locked`, until);
    }
    return CONTINUE;
  };

  const stateFailed = (ctx: PolicyContext, error: unknown): Verdict =>
    lockoutStateFailed(ctx, 'brute-force', config.onStateError, error);

  const recordFailure = async (ctx: LogContext, subject: { kind: string; key: string }): Promise<void> => {
    const locked = await countFailure(state, plan, subject.key, config.maxFailures, ctx.clock.now());
    if (locked === undefined) return;
    ctx.emit({
      rule: `${subject.kind}-lockout`,
      severity: 'high',
      reason: `${subject.key} locked out for ${Math.round(locked.durationMs / 1000)}s after ${locked.failures} failures`,
    });
  };

  return {
    onRequest(ctx: PolicyContext): MaybePromise<Verdict> {
      const list = subjects(ctx);
      try {
        const values = list.map((subject) => state.get(lockKey(plan, subject.key)));
        if (!values.some(isPromise)) return check(ctx, list, values as Array<string | undefined>);
        return Promise.all(values).then(
          (resolved) => check(ctx, list, resolved),
          (error: unknown) => stateFailed(ctx, error),
        );
      } catch (error) {
        return stateFailed(ctx, error);
      }
    },
    onLog(ctx: LogContext): void {
      if (ctx.authn.failure === undefined) return;
      for (const subject of subjects(ctx)) {
        recordFailure(ctx, subject).catch((error: unknown) => {
          ctx.log.warn({ err: (error as Error).message }, 'brute-force could not record a failure');
        });
      }
    },
    async close() {
      await own?.close();
    },
  };
}
