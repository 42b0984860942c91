// Alerts of a running gateway: the engine fed by the security event channel (a subscriber) and by
// finished requests (a wrapper around the gateway observer, for 5xx shares, latency and rate-limit
// saturation), judged on a ticker, delivered by the dispatcher. start.ts holds one of these for the
// process; each config version's `alerts:` becomes a generation, kept as it is (windows, firing
// alerts) when a reload leaves it unchanged, replaced when it changed.
import { createHash } from 'node:crypto';
import { Counter, type Registry } from 'prom-client';
import { type Clock, sleepOn, systemClock } from '../lib/clock.ts';
import { parseDuration } from '../lib/durations.ts';
import type { SecurityEvents } from '../observe/events.ts';
import type { GatewayObserver } from '../observe/gateway-records.ts';
import type { Logger } from '../observe/logger.ts';

export { AlertChannelError } from './channels/from-config.ts';

import type { AlertChannel } from './channels/channel.ts';
import { buildChannel } from './channels/from-config.ts';
import type { AlertConfig } from './config.ts';
import { createDispatcher, type Dispatcher, type DispatcherOptions } from './dispatcher.ts';
import { type AlertEngine, createAlertEngine } from './engine.ts';

/** What `createGatewayAlerts` takes. */
export interface GatewayAlertsOptions {
  readonly events: Pick<SecurityEvents, 'on'>;
  readonly logger: Logger;
  readonly registry?: Registry;
  /** The time rules run on; a clock with `sleep` also drives the ticker (a fake clock in tests). */
  readonly clock?: Clock;
  readonly retryDelay?: DispatcherOptions['retryDelay'];
}

/** The alerts as the gateway feeds them. */
export interface GatewayAlerts {
  /** Wraps the gateway observer so finished requests reach the request rules. */
  observe(observer: GatewayObserver): GatewayObserver;
  /**
   * Builds what a config version's `alerts:` describes (throws AlertChannelError for a bad channel);
   * `commit` puts it in force. Unchanged settings keep the running engine, windows and firing alerts;
   * changed ones replace it, and what fired under the old rules is resolved on the old channels.
   */
  prepare(
    settings: AlertConfig | undefined,
    secrets: ReadonlyMap<string, string>,
    baseDir: string,
  ): { commit(): void };
  /** The engine in force, if any rule is configured. */
  engine(): AlertEngine | undefined;
  /** Resolves once every notice so far was delivered or given up. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** One config version's rules and channels. */
interface Generation {
  readonly fingerprint: string;
  readonly engine: AlertEngine;
  readonly dispatcher: Dispatcher;
  readonly channels: ReadonlyMap<string, AlertChannel>;
  stop(): void;
}

const CLOSE_WAIT_MS = 5000;

/** Which settings (and the secrets they name) a generation was built from. */
function fingerprintOf(settings: AlertConfig, secrets: ReadonlyMap<string, string>, baseDir: string): string {
  const hash = createHash('sha256').update(JSON.stringify(settings)).update(baseDir);
  for (const channel of Object.values(settings.channels)) {
    for (const value of Object.values(channel)) {
      const resolved = typeof value === 'string' ? secrets.get(value) : undefined;
      if (resolved !== undefined) hash.update(`\u0000${resolved}`);
    }
  }
  return hash.digest('hex');
}

/** Waits for `promise`, at most `ms`: a receiver that is down does not hold a shutdown. */
async function boundedWait(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    promise,
    new Promise<void>((done) => {
      timer = setTimeout(done, ms).unref();
    }),
  ]);
  clearTimeout(timer);
}

/** Creates the process's alerts; nothing is judged until a config with rules is prepared and committed. */
export function createGatewayAlerts(options: GatewayAlertsOptions): GatewayAlerts {
  const { logger } = options;
  const clock = options.clock ?? systemClock;
  const deliveries =
    options.registry === undefined
      ? undefined
      : new Counter({
          name: 'rampart_alert_notifications_total',
          help: 'Alert notifications by channel, action (trigger, resolve) and result (sent, failed, dropped)',
          labelNames: ['channel', 'action', 'result'] as const,
          registers: [options.registry],
        });
  let current: Generation | undefined;
  const retiring = new Set<Promise<void>>();

  const build = (
    settings: AlertConfig,
    channels: Map<string, AlertChannel>,
    fingerprint: string,
  ): Generation => {
    const dispatcher = createDispatcher({
      channels,
      ...(options.retryDelay === undefined ? {} : { retryDelay: options.retryDelay }),
      onResult(channel, notice, result, error) {
        deliveries?.inc({ channel: channel.name, action: notice.action, result });
        if (result !== 'sent') {
          logger.error(
            {
              channel: channel.name,
              rule: notice.rule,
              action: notice.action,
              result,
              err: (error as Error)?.message,
            },
            'alert notification not delivered',
          );
        }
      },
    });
    const engine = createAlertEngine({
      rules: settings.rules,
      clock,
      maxGroups: settings.maxGroups,
      notify(notice) {
        logger.warn(
          {
            type: 'alert',
            action: notice.action,
            rule: notice.rule,
            severity: notice.severity,
            group: notice.group,
            value: notice.value,
            dedupKey: notice.dedupKey,
          },
          notice.summary,
        );
        dispatcher.dispatch(notice);
      },
    });
    // The ticker: on the injected clock when it can sleep (tests move it), else an unreferenced interval.
    const everyMs = Math.max(100, parseDuration(settings.evaluateEvery));
    let stopped = false;
    let interval: NodeJS.Timeout | undefined;
    if (options.clock?.sleep !== undefined) {
      const tick = async () => {
        while (!stopped) {
          await sleepOn(clock, everyMs);
          if (!stopped) engine.evaluate();
        }
      };
      void tick();
    } else {
      interval = setInterval(() => engine.evaluate(), everyMs).unref();
    }
    return {
      fingerprint,
      engine,
      dispatcher,
      channels,
      stop() {
        stopped = true;
        if (interval !== undefined) clearInterval(interval);
      },
    };
  };

  /** Stops a generation: what it fired is resolved (its rules no longer hold), then its channels close. */
  const retire = (generation: Generation, reason: string): Promise<void> => {
    generation.stop();
    for (const notice of generation.engine.firing()) {
      generation.dispatcher.dispatch({
        ...notice,
        action: 'resolve',
        time: clock.now(),
        summary: `resolved: ${reason}`,
      });
    }
    const done = (async () => {
      await boundedWait(generation.dispatcher.idle(), CLOSE_WAIT_MS);
      for (const channel of generation.channels.values()) await channel.close?.();
    })();
    retiring.add(done);
    void done.finally(() => retiring.delete(done));
    return done;
  };

  const unsubscribe = options.events.on((event) => current?.engine.observe({ kind: 'event', event }));

  return {
    observe(observer) {
      return {
        ...observer,
        requestFinished(record) {
          observer.requestFinished(record);
          if (current === undefined) return;
          try {
            current.engine.observe({ kind: 'request', request: record });
          } catch (error) {
            logger.error({ err: error }, 'alert engine failed on a request');
          }
        },
      };
    },
    prepare(settings, secrets, baseDir) {
      if (settings === undefined || settings.rules.length === 0) {
        return {
          commit() {
            if (current !== undefined) void retire(current, 'the alert rules were removed from the config');
            current = undefined;
          },
        };
      }
      const fingerprint = fingerprintOf(settings, secrets, baseDir);
      if (current?.fingerprint === fingerprint) return { commit() {} };
      const channels = new Map<string, AlertChannel>();
      for (const [name, config] of Object.entries(settings.channels)) {
        channels.set(name, buildChannel(name, config, { secrets, baseDir }, clock));
      }
      return {
        commit() {
          if (current !== undefined) void retire(current, 'the alert rules changed with a config reload');
          current = build(settings, channels, fingerprint);
        },
      };
    },
    engine: () => current?.engine,
    async idle() {
      await current?.dispatcher.idle();
      await Promise.all([...retiring]);
    },
    async close() {
      unsubscribe();
      const last = current;
      current = undefined;
      if (last !== undefined) {
        last.stop();
        await boundedWait(last.dispatcher.idle(), CLOSE_WAIT_MS);
        for (const channel of last.channels.values()) await channel.close?.();
      }
      await Promise.all([...retiring]);
    },
  };
}
