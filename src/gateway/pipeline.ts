// Runs a chain's phases: policies decide, this acts. It implements `monitor` mode (a would-deny is
// recorded, the request goes on), fail-closed faults (500 with a stable code unless the policy declared
// fail-open) and keeps to synchronous calls until a handler returns a promise.
import type { Deny, LogContext, MaybePromise, PolicyContext, Verdict } from '../policies/policy.ts';
import { deny } from '../policies/policy.ts';
import type { Chain, ChainLink } from './chain.ts';

/** How a phase ended: with the deny that decided it (and whose), or with none. */
export interface PhaseOutcome {
  readonly deny: Deny | undefined;
  readonly policy: string | undefined;
}

/** What the pipeline reports so the gateway can log, count and event it. */
export interface PhaseReporter {
  denied(policy: string, verdict: Deny): void;
  wouldDeny(policy: string, verdict: Deny): void;
  fault(policy: string, error: unknown, failedOpen: boolean): void;
}

const PASSED: PhaseOutcome = Object.freeze({ deny: undefined, policy: undefined });

type Phase = 'onRequest' | 'onResponse';

/**
 * The context as the pipeline drives it: it names the running policy so flags are attributed, and
 * holds each link's per-request state.
 */
export interface PhaseContext extends PolicyContext {
  currentPolicy: string;
  policyStates: unknown[] | undefined;
}

/** The link's per-request state on this request, made by its `requestState` the first time. */
function stateOf(link: ChainLink, ctx: PhaseContext): unknown {
  const make = link.handlers.requestState;
  if (make === undefined) return undefined;
  ctx.policyStates ??= [];
  const states = ctx.policyStates;
  if (!(link.position in states)) states[link.position] = make.call(link.handlers);
  return states[link.position];
}

function isPromise<T>(value: MaybePromise<T>): value is Promise<T> {
  return typeof (value as Promise<T> | undefined)?.then === 'function';
}

function faultVerdict(link: ChainLink, error: unknown, reporter: PhaseReporter): Verdict {
  reporter.fault(link.name, error, link.failOpen);
  if (link.failOpen) return { kind: 'continue' };
  return deny('RAMPART_INTERNAL_POLICY_FAULT', { reason: `policy ${link.name} threw` });
}

/** Decides what a verdict means for the phase: undefined to go on, an outcome to stop. */
function settle(link: ChainLink, verdict: Verdict, reporter: PhaseReporter): PhaseOutcome | undefined {
  if (verdict.kind === 'continue') return undefined;
  if (verdict.answer === true) return { deny: verdict, policy: link.name };
  if (link.mode === 'monitor' && verdict.code !== 'RAMPART_INTERNAL_POLICY_FAULT') {
    reporter.wouldDeny(link.name, verdict);
    return undefined;
  }
  reporter.denied(link.name, verdict);
  return { deny: verdict, policy: link.name };
}

function invoke(
  link: ChainLink,
  phase: Phase,
  ctx: PhaseContext,
  reporter: PhaseReporter,
): MaybePromise<Verdict> {
  ctx.currentPolicy = link.name;
  try {
    const result = link.handlers[phase]!(ctx, stateOf(link, ctx));
    if (isPromise(result)) return result.catch((error: unknown) => faultVerdict(link, error, reporter));
    return result;
  } catch (error) {
    return faultVerdict(link, error, reporter);
  }
}

async function continueAsync(
  links: readonly ChainLink[],
  phase: Phase,
  ctx: PhaseContext,
  reporter: PhaseReporter,
  index: number,
  pending: Promise<Verdict>,
): Promise<PhaseOutcome> {
  const first = settle(links[index]!, await pending, reporter);
  if (first !== undefined) return first;
  for (let i = index + 1; i < links.length; i++) {
    const outcome = settle(links[i]!, await invoke(links[i]!, phase, ctx, reporter), reporter);
    if (outcome !== undefined) return outcome;
  }
  return PASSED;
}

function runPhase(
  links: readonly ChainLink[],
  phase: Phase,
  ctx: PhaseContext,
  reporter: PhaseReporter,
): MaybePromise<PhaseOutcome> {
  for (let i = 0; i < links.length; i++) {
    const result = invoke(links[i]!, phase, ctx, reporter);
    if (isPromise(result)) return continueAsync(links, phase, ctx, reporter, i, result);
    const outcome = settle(links[i]!, result, reporter);
    if (outcome !== undefined) return outcome;
  }
  return PASSED;
}

/** Runs the request phase top down; stops at the first enforced deny. */
export function runRequestPhase(
  chain: Chain,
  ctx: PhaseContext,
  reporter: PhaseReporter,
): MaybePromise<PhaseOutcome> {
  return runPhase(chain.onRequest, 'onRequest', ctx, reporter);
}

/**
 * Runs the response phase bottom up. A deny replaces the response (through `replace`) and the links
 * above it still run on the replacement, so e.g. security headers also decorate a sanitized error.
 */
export function runResponsePhase(
  chain: Chain,
  ctx: PhaseContext,
  reporter: PhaseReporter,
  replace: (outcome: PhaseOutcome) => void,
): MaybePromise<PhaseOutcome> {
  return runResponseFrom(chain.onResponse, 0, PASSED, ctx, reporter, replace);
}

function runResponseFrom(
  links: readonly ChainLink[],
  start: number,
  last: PhaseOutcome,
  ctx: PhaseContext,
  reporter: PhaseReporter,
  replace: (outcome: PhaseOutcome) => void,
): MaybePromise<PhaseOutcome> {
  for (let i = start; i < links.length; i++) {
    const link = links[i]!;
    const result = invoke(link, 'onResponse', ctx, reporter);
    if (isPromise(result)) {
      return result.then((verdict) => {
        const outcome = settle(link, verdict, reporter);
        if (outcome !== undefined) replace(outcome);
        return runResponseFrom(links, i + 1, outcome ?? last, ctx, reporter, replace);
      });
    }
    const outcome = settle(link, result, reporter);
    if (outcome !== undefined) {
      replace(outcome);
      last = outcome;
    }
  }
  return last;
}

/** Runs every log handler; a throwing one is reported and the rest still run. */
export function runLogPhase(chain: Chain, ctx: LogContext & PhaseContext, reporter: PhaseReporter): void {
  for (const link of chain.onLog) {
    ctx.currentPolicy = link.name;
    try {
      link.handlers.onLog!(ctx, stateOf(link, ctx));
    } catch (error) {
      reporter.fault(link.name, error, true);
    }
  }
}
