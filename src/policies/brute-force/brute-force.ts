// brute-force behaviour: before authentication, refuse sources under lockout (429 + Retry-After);
// after it, count failed attempts per client address and per credential, and lock out beyond the
// threshold for a period that doubles with each lockout in a row (bounded). Counters live in the state.
import { parseDuration } from '../../lib/durations.ts';
import { createMemoryState } from '../../state/memory.ts';
import type { MaybePromise as StateMaybe, StateStore } from '../../state/state.ts';
import {
  CONTINUE,
  deny,
  type LogContext,
  type MaybePromise,
  type PolicyContext,
  type PolicyDeps,
  type PolicyHandlers,
  type Verdict,
} from '../policy.ts';
import type { BruteForceConfig } from './config.ts';
import { credentialIdOf } from './credential-id.ts';

function isPromise<T>(value: StateMaybe<T>): value is Promise<T> {
  return typeof (value as Promise<T> | undefined)?.then === 'function';
}

/** Builds the handlers; uses the shared state, or a private memory state when there is none. */
export function createBruteForce(config: BruteForceConfig, deps: PolicyDeps): PolicyHandlers {
  const own = deps.state === undefined ? createMemoryState({ clock: deps.clock }) : undefined;
  const state: StateStore = deps.state ?? own!;
  const windowMs = parseDuration(config.window);
  const lockoutMs = parseDuration(config.lockout);
  const maxLockoutMs = Math.max(lockoutMs, parseDuration(config.maxLockout));
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

  const lockedVerdict = (ctx: PolicyContext, kind: string, until: number): Verdict => {
    const seconds = Math.max(1, Math.ceil((until - ctx.clock.now()) / 1000));
    return deny('RAMPART_AUTHN_LOCKED_OUT', {
      detail: 'Too many failed attempts; try again later.',
      reason: `${kind} locked out for ${seconds}s more`,
      rule: `${kind}-locked`,
      headers: { 'retry-after': String(seconds) },
    });
  };

  const check = (
    ctx: PolicyContext,
    list: ReturnType<typeof subjects>,
    values: Array<string | undefined>,
  ): Verdict => {
    const now = ctx.clock.now();
    for (let i = 0; i < list.length; i++) {
      const until = Number(values[i]);
      if (values[i] !== undefined && until > now) return lockedVerdict(ctx, list[i]!.kind, until);
    }
    return CONTINUE;
  };

  const stateFailed = (ctx: PolicyContext, error: unknown): Verdict => {
    ctx.log.warn(
      { requestId: ctx.requestId, err: (error as Error).message },
      'brute-force state unavailable',
    );
    if (config.onStateError === 'open') return CONTINUE;
    return deny('RAMPART_AUTHN_LOCKED_OUT', {
      reason: 'state unavailable',
      rule: 'state-unavailable',
      headers: { 'retry-after': '5' },
    });
  };

  const recordFailure = async (ctx: LogContext, subject: { kind: string; key: string }): Promise<void> => {
    const failures = await state.increment(`bf:fail:${subject.key}`, windowMs);
    if (failures < config.maxFailures) return;
    const strikes = await state.increment(`bf:strikes:${subject.key}`, maxLockoutMs * 4);
    const duration = Math.min(maxLockoutMs, lockoutMs * 2 ** Math.min(strikes - 1, 30));
    const until = ctx.clock.now() + duration;
    await state.set(`bf:lock:${subject.key}`, String(until), duration);
    await state.delete(`bf:fail:${subject.key}`);
    ctx.emit({
      rule: `${subject.kind}-lockout`,
      severity: 'high',
      reason: `${subject.key} locked out for ${Math.round(duration / 1000)}s after ${failures} failures`,
    });
  };

  return {
    onRequest(ctx: PolicyContext): MaybePromise<Verdict> {
      const list = subjects(ctx);
      try {
        const values = list.map((subject) => state.get(`bf:lock:${subject.key}`));
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
