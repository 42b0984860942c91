// Lockouts on the shared state, as brute-force and login-guard keep them: failures counted in fixed
// windows per subject; at the threshold the subject is locked for a period that doubles with each
// lockout in a row (bounded); while locked, requests get 429 with Retry-After.
import type { MaybePromise, StateStore } from '../state/state.ts';
import { CONTINUE, deny, type PolicyContext, type Verdict } from './policy.ts';

/** How failures turn into lockouts. */
export interface LockoutPlan {
  /** State key prefix of the policy (`bf`, `lg`). */
  readonly prefix: string;
  readonly windowMs: number;
  readonly lockMs: number;
  readonly maxLockMs: number;
}

/** Whether a state answer is a promise. */
export function isPromise<T>(value: MaybePromise<T>): value is Promise<T> {
  return typeof (value as Promise<T> | undefined)?.then === 'function';
}

/** The 429 of a subject locked until `until`. */
export function lockedOut(ctx: PolicyContext, rule: string, until: number): Verdict {
  const seconds = Math.max(1, Math.ceil((until - ctx.clock.now()) / 1000));
  return deny('RAMPART_AUTHN_LOCKED_OUT', {
    detail: 'Too many failed attempts; try again later.',
    reason: `${rule} for ${seconds}s more`,
    rule,
    headers: { 'retry-after': String(seconds) },
  });
}

/** What a policy answers when its state is unreachable: skip the guard (open) or 429 (closed). */
export function lockoutStateFailed(
  ctx: PolicyContext,
  policy: string,
  onStateError: 'open' | 'closed',
  error: unknown,
): Verdict {
  ctx.log.warn({ requestId: ctx.requestId, err: (error as Error).message }, `${policy} state unavailable`);
  if (onStateError === 'open') return CONTINUE;
  return deny('RAMPART_AUTHN_LOCKED_OUT', {
    reason: 'state unavailable',
    rule: 'state-unavailable',
    headers: { 'retry-after': '5' },
  });
}

/** The key of a subject's lock (its value: the time the lock ends, in ms). */
export function lockKey(plan: LockoutPlan, subject: string): string {
  return `${plan.prefix}:lock:${subject}`;
}

/**
 * Counts one failure of `subject`; at `threshold` locks it and returns how long and after how many
 * failures (undefined while under the threshold).
 */
export async function countFailure(
  state: StateStore,
  plan: LockoutPlan,
  subject: string,
  threshold: number,
  now: number,
): Promise<{ durationMs: number; failures: number } | undefined> {
  const failures = await state.increment(`${plan.prefix}:fail:${subject}`, plan.windowMs);
  if (failures < threshold) return undefined;
  const strikes = await state.increment(`${plan.prefix}:strikes:${subject}`, plan.maxLockMs * 4);
  const durationMs = Math.min(plan.maxLockMs, plan.lockMs * 2 ** Math.min(strikes - 1, 30));
  await state.set(lockKey(plan, subject), String(now + durationMs), durationMs);
  await state.delete(`${plan.prefix}:fail:${subject}`);
  return { durationMs, failures };
}

/** Forgets a subject's failures and its growing period (a success). */
export async function forgetFailures(state: StateStore, plan: LockoutPlan, subject: string): Promise<void> {
  await state.delete(`${plan.prefix}:fail:${subject}`);
  await state.delete(`${plan.prefix}:strikes:${subject}`);
}
