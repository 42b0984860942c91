// login-guard behaviour: for logins the upstream performs. Before the upstream is asked, refuse a
// client address or a username under lockout (429 + Retry-After); on the upstream's answer, classify
// it (failed / succeeded), count failures per username and per client address on the shared state,
// lock out with a growing period, raise credential-stuffing signals, and optionally answer every
// failure alike (no user or password enumeration). Only the username is read; never the password.
import { createHash } from 'node:crypto';
import { sleepOn } from '../../lib/clock.ts';
import { parseDuration } from '../../lib/durations.ts';
import { createMemoryState } from '../../state/memory.ts';
import type { MaybePromise as StateMaybe, StateStore } from '../../state/state.ts';
import {
  countFailure,
  forgetFailures,
  isPromise,
  type LockoutPlan,
  lockedOut,
  lockKey,
  lockoutStateFailed,
} from '../lockout.ts';
import {
  CONTINUE,
  deny,
  type MaybePromise,
  type PolicyContext,
  type PolicyDeps,
  type PolicyHandlers,
  type Verdict,
} from '../policy.ts';
import { fieldValue, readsBody } from '../request-fields.ts';
import type { LoginGuardConfig } from './config.ts';
import { loginOutcome, needsAnswerBody } from './login-outcome.ts';

/** Per request: whether it is a login attempt, and its username's key (a hash, never the name). */
export interface LoginAttempt {
  active: boolean;
  user: string | undefined;
}

/** A counted subject: a username (`u:<hash>`) or a client address (`ip:<address>`). */
interface Subject {
  readonly kind: 'username' | 'ip';
  readonly key: string;
  readonly threshold: number;
}

/** Resolves every value, synchronously when none is a promise. */
function whenAll<T>(values: readonly StateMaybe<T>[]): T[] | Promise<T[]> {
  return values.some(isPromise) ? Promise.all(values) : (values as T[]);
}

/**
 * A username's key: a truncated SHA-256 of its normalized form. Keys stay bounded, and neither state
 * nor events carry the name itself (users do type their password into the username field).
 */
export function usernameKey(name: string, caseSensitive: boolean): string {
  const normalized = name.normalize('NFKC').trim();
  return createHash('sha256')
    .update(caseSensitive ? normalized : normalized.toLowerCase(), 'utf8')
    .digest('base64url')
    .slice(0, 22);
}

/** Builds the handlers; uses the shared state, or a private memory state when there is none. */
export function createLoginGuard(config: LoginGuardConfig, deps: PolicyDeps): PolicyHandlers<LoginAttempt> {
  const own = deps.state === undefined ? createMemoryState({ clock: deps.clock }) : undefined;
  const state: StateStore = deps.state ?? own!;
  const methods = new Set(config.methods);
  const lockMs = parseDuration(config.lockout.duration);
  const plan: LockoutPlan = {
    prefix: 'lg',
    windowMs: parseDuration(config.lockout.window),
    lockMs,
    maxLockMs: Math.max(lockMs, parseDuration(config.lockout.maxDuration)),
  };
  const knownMs = parseDuration(config.lockout.knownSources);
  const stuffingMs = parseDuration(config.stuffing.window);
  const delayMs = parseDuration(config.delay);
  const ipThreshold = config.lockout.ipAttempts ?? config.lockout.attempts;
  const blockStuffing = config.stuffing.action === 'block';
  const readsAnswer = needsAnswerBody(config.failure);

  const subjects = (ctx: PolicyContext, attempt: LoginAttempt): Subject[] => {
    const list: Subject[] = [{ kind: 'ip', key: `ip:${ctx.clientIp}`, threshold: ipThreshold }];
    if (attempt.user !== undefined)
      list.push({ kind: 'username', key: `u:${attempt.user}`, threshold: config.lockout.attempts });
    return list;
  };

  const stateFailed = (ctx: PolicyContext, error: unknown): Verdict =>
    lockoutStateFailed(ctx, 'login-guard', config.onStateError, error);

  // [ip lock, ip stuffing block, user lock, user stuffing block, known source] → a verdict.
  const admit = (ctx: PolicyContext, values: ReadonlyArray<string | undefined>): Verdict => {
    const now = ctx.clock.now();
    const [ipLock, ipStuffing, userLock, userStuffing, known] = values;
    if (ipLock !== undefined && Number(ipLock) > now) return lockedOut(ctx, 'ip-locked', Number(ipLock));
    if (ipStuffing !== undefined && Number(ipStuffing) > now)
      return lockedOut(ctx, 'stuffing-ip', Number(ipStuffing));
    // A client address the user logged in from before keeps working while the username is locked:
    // guessing from elsewhere cannot lock the real user out (OWASP's trusted-device exemption).
    if (known !== undefined) return CONTINUE;
    if (userLock !== undefined && Number(userLock) > now)
      return lockedOut(ctx, 'username-locked', Number(userLock));
    if (userStuffing !== undefined && Number(userStuffing) > now)
      return lockedOut(ctx, 'stuffing-username', Number(userStuffing));
    return CONTINUE;
  };

  const lockOut = async (ctx: PolicyContext, subject: Subject): Promise<void> => {
    const locked = await countFailure(state, plan, subject.key, subject.threshold, ctx.clock.now());
    if (locked === undefined) return;
    const who = subject.kind === 'ip' ? subject.key : `user#${subject.key.slice(2, 10)}`;
    ctx.emit({
      rule: `${subject.kind}-lockout`,
      severity: 'high',
      location: subject.kind === 'ip' ? 'ip' : 'username',
      reason: `${who} locked out for ${Math.round(locked.durationMs / 1000)}s after ${locked.failures} failed logins`,
    });
  };

  // Distinct (username, address) pairs per window: one address trying many usernames, or one username
  // tried from many addresses, is credential stuffing (OWASP Automated Threats OAT-008).
  const stuffing = async (ctx: PolicyContext, user: string): Promise<void> => {
    const pair = `lg:pair:${user}|${ctx.clientIp}`;
    if ((await state.get(pair)) !== undefined) return;
    await state.set(pair, '1', stuffingMs);
    const usernames = await state.increment(`lg:users-of:${ctx.clientIp}`, stuffingMs);
    const addresses = await state.increment(`lg:ips-of:${user}`, stuffingMs);
    const until = String(ctx.clock.now() + stuffingMs);
    if (usernames >= config.stuffing.ipUsernames) {
      if (usernames === config.stuffing.ipUsernames)
        ctx.emit({
          rule: 'stuffing-ip',
          severity: 'high',
          location: 'ip',
          reason: `${ctx.clientIp} failed logins for ${usernames} usernames`,
        });
      if (blockStuffing) await state.set(`lg:stuffing:ip:${ctx.clientIp}`, until, stuffingMs);
    }
    if (addresses >= config.stuffing.usernameIps) {
      if (addresses === config.stuffing.usernameIps)
        ctx.emit({
          rule: 'stuffing-username',
          severity: 'high',
          location: 'username',
          reason: `user#${user.slice(0, 8)} failed logins from ${addresses} addresses`,
        });
      if (blockStuffing) await state.set(`lg:stuffing:u:${user}`, until, stuffingMs);
    }
  };

  const failed = async (ctx: PolicyContext, attempt: LoginAttempt): Promise<Verdict> => {
    try {
      for (const subject of subjects(ctx, attempt)) await lockOut(ctx, subject);
      if (attempt.user !== undefined) await stuffing(ctx, attempt.user);
    } catch (error) {
      ctx.log.warn({ err: (error as Error).message }, 'login-guard could not record a failed login');
    }
    if (delayMs > 0) await sleepOn(ctx.clock, delayMs);
    if (!config.uniform) return CONTINUE;
    // One fixed answer for every failure, whatever the upstream said: its status, body and headers
    // (a length, a cookie) are all replaced, so "no such user" and "wrong password" look the same.
    return deny('RAMPART_AUTHN_LOGIN_FAILED', {
      detail: 'The username or password is not correct.',
      reason: 'upstream refused the login',
      rule: 'login-failed',
    });
  };

  const succeeded = async (ctx: PolicyContext, user: string): Promise<Verdict> => {
    try {
      await forgetFailures(state, plan, `u:${user}`);
      await state.set(`lg:known:${user}|${ctx.clientIp}`, '1', knownMs);
    } catch (error) {
      ctx.log.warn({ err: (error as Error).message }, 'login-guard could not record a login');
    }
    return CONTINUE;
  };

  return {
    needs: {
      requestBody: readsBody(config.username),
      responseBody: readsAnswer,
    },
    requestState: (): LoginAttempt => ({ active: false, user: undefined }),
    onRequest(ctx: PolicyContext, attempt: LoginAttempt): MaybePromise<Verdict> {
      if (!methods.has(ctx.method)) return CONTINUE;
      attempt.active = true;
      // The failure signals are read in the body: ask for it unencoded (RFC 9110 §12.5.3).
      if (readsAnswer) ctx.removeUpstreamHeader('accept-encoding');
      const name = fieldValue(ctx, config.username);
      if (name !== undefined && name.trim() !== '') attempt.user = usernameKey(name, config.caseSensitive);
      const ip = ctx.clientIp;
      const user = attempt.user;
      try {
        const values = whenAll([
          state.get(lockKey(plan, `ip:${ip}`)),
          blockStuffing ? state.get(`lg:stuffing:ip:${ip}`) : undefined,
          user === undefined ? undefined : state.get(lockKey(plan, `u:${user}`)),
          user === undefined || !blockStuffing ? undefined : state.get(`lg:stuffing:u:${user}`),
          user === undefined ? undefined : state.get(`lg:known:${user}|${ip}`),
        ]);
        return values instanceof Promise
          ? values.then(
              (resolved) => admit(ctx, resolved),
              (error: unknown) => stateFailed(ctx, error),
            )
          : admit(ctx, values);
      } catch (error) {
        return stateFailed(ctx, error);
      }
    },
    onResponse(ctx: PolicyContext, attempt: LoginAttempt): MaybePromise<Verdict> {
      const response = ctx.response;
      if (!attempt.active || response === undefined || response.local) return CONTINUE;
      const outcome = loginOutcome(config.failure, response);
      if (outcome === 'failed') return failed(ctx, attempt);
      if (outcome === 'succeeded' && attempt.user !== undefined) return succeeded(ctx, attempt.user);
      return CONTINUE;
    },
    async close() {
      await own?.close();
    },
  };
}
