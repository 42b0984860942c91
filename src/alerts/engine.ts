// The alert engine: every rule keeps a sliding window per group (client address, credential, route,
// consumer); a group whose value reaches the threshold fires once, stays quiet while it holds (no
// repeats: deduplicated by a stable key), resolves once when it falls back, and then waits out its
// cooldown before it may fire again. Counts are judged as they arrive; everything on `evaluate()`.
import { createHash } from 'node:crypto';
import type { Clock } from '../lib/clock.ts';
import { parseDuration } from '../lib/durations.ts';
import { redactSecretsInText } from '../observe/redact-text.ts';
import type { AlertGroupBy, AlertRuleConfig, AlertSeverity, AlertSignal } from './config.ts';
import { groupOf, matches, type Observation, SIGNALS } from './signals.ts';
import { SlidingWindow } from './window.ts';

/** A notification: an alert fires (`trigger`) or ends (`resolve`). */
export interface AlertNotice {
  readonly action: 'trigger' | 'resolve';
  readonly rule: string;
  readonly signal: AlertSignal;
  readonly severity: AlertSeverity;
  readonly groupBy: AlertGroupBy;
  /** The group's value as shown (bounded; anything credential-like redacted). */
  readonly group: string;
  readonly value: number;
  readonly threshold: number;
  readonly windowMs: number;
  /** One line for humans. */
  readonly summary: string;
  /** The same for a trigger and its resolve (PagerDuty's dedup_key). */
  readonly dedupKey: string;
  /** When the alert fired. */
  readonly startedAt: number;
  readonly time: number;
  readonly channels: readonly string[];
}

/** Options of `createAlertEngine`. */
export interface AlertEngineOptions {
  readonly rules: readonly AlertRuleConfig[];
  readonly clock: Clock;
  /** Groups kept per rule (default 10 000). */
  readonly maxGroups?: number;
  readonly notify: (notice: AlertNotice) => void;
}

/** A running engine. */
export interface AlertEngine {
  observe(observation: Observation): void;
  /** Judges every group now: fires what crossed, resolves what fell back, forgets what went quiet. */
  evaluate(): void;
  /** The alerts firing now. */
  firing(): AlertNotice[];
}

interface GroupState {
  readonly window: SlidingWindow;
  firing: AlertNotice | undefined;
  quietUntil: number;
}

interface RuleState {
  readonly config: AlertRuleConfig;
  readonly spec: (typeof SIGNALS)[AlertSignal];
  readonly groupBy: AlertGroupBy;
  readonly windowMs: number;
  readonly cooldownMs: number;
  readonly groups: Map<string, GroupState>;
}

const PHRASES: Readonly<Record<AlertGroupBy, (group: string) => string>> = {
  clientIp: (group) => ` from ${group}`,
  credential: (group) => ` for credential ${group}`,
  route: (group) => ` on route ${group}`,
  consumer: (group) => ` for consumer ${group}`,
  none: () => '',
};

function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

function formatValue(rule: RuleState, value: number): string {
  switch (rule.spec.measure) {
    case 'share':
      return `${Math.round(value * 1000) / 10}%`;
    case 'p99':
      return `${Math.round(value)} ms`;
    default:
      return String(value);
  }
}

function summaryOf(rule: RuleState, group: string, value: number, action: AlertNotice['action']): string {
  const where = PHRASES[rule.groupBy](group);
  const span = formatDuration(rule.windowMs);
  const threshold = formatValue(rule, rule.config.threshold);
  const measured =
    rule.spec.measure === 'p99'
      ? `p99 latency ${formatValue(rule, value)}`
      : `${formatValue(rule, value)} ${rule.spec.noun}`;
  return action === 'trigger'
    ? `${measured} in ${span}${where} (threshold ${threshold})`
    : `resolved: ${measured} in ${span}${where}, under the threshold ${threshold}`;
}

/** Creates the engine over validated rules. */
export function createAlertEngine(options: AlertEngineOptions): AlertEngine {
  const { clock, notify } = options;
  const maxGroups = options.maxGroups ?? 10_000;
  const rules: RuleState[] = options.rules.map((config) => {
    const spec = SIGNALS[config.signal];
    return {
      config,
      spec,
      groupBy: config.groupBy ?? spec.groupBy,
      windowMs: Math.max(1000, parseDuration(config.window)),
      cooldownMs: parseDuration(config.cooldown),
      groups: new Map(),
    };
  });

  const measure = (rule: RuleState, state: GroupState, now: number): number => {
    switch (rule.spec.measure) {
      case 'count':
        return state.window.counts(now).hits;
      case 'distinct':
        return state.window.distinct(now);
      case 'share': {
        const { hits, total } = state.window.counts(now);
        return total < rule.config.minRequests ? 0 : hits / total;
      }
      case 'p99':
        return state.window.counts(now).total < rule.config.minRequests
          ? 0
          : state.window.quantile(now, 0.99);
    }
  };

  const judge = (rule: RuleState, key: string, state: GroupState, now: number): void => {
    const value = measure(rule, state, now);
    const { config } = rule;
    if (state.firing === undefined) {
      if (value < config.threshold || now < state.quietUntil) return;
      const group = redactSecretsInText(key, 128);
      state.firing = {
        action: 'trigger',
        rule: config.name,
        signal: config.signal,
        severity: config.severity,
        groupBy: rule.groupBy,
        group,
        value,
        threshold: config.threshold,
        windowMs: rule.windowMs,
        summary: summaryOf(rule, group, value, 'trigger'),
        dedupKey: `rampart-${config.name}-${createHash('sha256').update(key).digest('hex').slice(0, 16)}`,
        startedAt: now,
        time: now,
        channels: config.channels,
      };
      notify(state.firing);
      return;
    }
    if (value >= config.threshold) return;
    const fired = state.firing;
    state.firing = undefined;
    state.quietUntil = now + rule.cooldownMs;
    notify({
      ...fired,
      action: 'resolve',
      value,
      time: now,
      summary: summaryOf(rule, fired.group, value, 'resolve'),
    });
  };

  const stateOf = (rule: RuleState, key: string): GroupState | undefined => {
    let state = rule.groups.get(key);
    if (state !== undefined) {
      // Re-inserted, so the map's order is least recently seen first.
      rule.groups.delete(key);
      rule.groups.set(key, state);
      return state;
    }
    if (rule.groups.size >= maxGroups) {
      let evicted = false;
      for (const [other, candidate] of rule.groups) {
        if (candidate.firing !== undefined) continue;
        rule.groups.delete(other);
        evicted = true;
        break;
      }
      // Every tracked group is firing: a new one waits until one resolves.
      if (!evicted) return undefined;
    }
    const measure = rule.spec.measure;
    state = {
      window: new SlidingWindow(rule.windowMs, {
        ...(measure === 'distinct' ? { distinct: Math.ceil(rule.config.threshold) } : {}),
        ...(measure === 'p99' ? { latency: true } : {}),
      }),
      firing: undefined,
      quietUntil: 0,
    };
    rule.groups.set(key, state);
    return state;
  };

  return {
    observe(observation) {
      const now = clock.now();
      for (const rule of rules) {
        if (rule.spec.source !== observation.kind || !matches(observation, rule.config.match)) continue;
        const sample = rule.spec.sample(observation);
        if (sample === undefined) continue;
        const key = groupOf(observation, rule.groupBy);
        if (key === undefined) continue;
        const state = stateOf(rule, key.slice(0, 256));
        if (state === undefined) continue;
        state.window.add(now, sample.hit, sample.value, sample.latencyMs);
        // Counts fire as they cross; shares and quantiles wait for the next evaluation (cheap per request).
        if (rule.spec.source === 'event') judge(rule, key.slice(0, 256), state, now);
      }
    },
    evaluate() {
      const now = clock.now();
      for (const rule of rules) {
        for (const [key, state] of [...rule.groups]) {
          judge(rule, key, state, now);
          if (state.firing === undefined && now >= state.quietUntil && state.window.idle(now))
            rule.groups.delete(key);
        }
      }
    },
    firing() {
      return rules.flatMap((rule) =>
        [...rule.groups.values()].flatMap((state) => (state.firing === undefined ? [] : [state.firing])),
      );
    },
  };
}
