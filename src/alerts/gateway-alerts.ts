// Alerts of a running gateway: the engine fed by the security event channel (a subscriber) and by
// finished requests (a wrapper around the gateway observer, for 5xx shares, latency and rate-limit
// saturation), judged on a ticker, delivered by the dispatcher. start.ts holds one of these.
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { Counter, type Registry } from 'prom-client';
import { type Clock, sleepOn, systemClock } from '../lib/clock.ts';
import { parseDuration } from '../lib/durations.ts';
import type { SecurityEvents } from '../observe/events.ts';
import type { GatewayObserver } from '../observe/gateway-records.ts';
import type { Logger } from '../observe/logger.ts';
import type { AlertChannel } from './channels/channel.ts';
import { createEmailChannel } from './channels/email.ts';
import { createPagerDutyChannel } from './channels/pagerduty.ts';
import { createSlackChannel } from './channels/slack.ts';
import { createWebhookChannel } from './channels/webhook.ts';
import type { AlertChannelConfig, AlertConfig } from './config.ts';
import { createDispatcher, type Dispatcher, type DispatcherOptions } from './dispatcher.ts';
import { type AlertEngine, createAlertEngine } from './engine.ts';

/** What `startGatewayAlerts` takes. */
export interface GatewayAlertsOptions {
  readonly settings: AlertConfig;
  /** Resolved secrets of the config version, by reference. */
  readonly secrets: ReadonlyMap<string, string>;
  /** The config file's directory (email `ca` paths are relative to it). */
  readonly baseDir: string;
  readonly events: Pick<SecurityEvents, 'on'>;
  readonly logger: Logger;
  readonly registry?: Registry;
  /** The time rules run on; a clock with `sleep` also drives the ticker (a fake clock in tests). */
  readonly clock?: Clock;
  readonly retryDelay?: DispatcherOptions['retryDelay'];
}

/** The alerts as the gateway feeds them. */
export interface GatewayAlerts {
  readonly engine: AlertEngine;
  /** Wraps the gateway observer so finished requests reach the request rules. */
  observe(observer: GatewayObserver): GatewayObserver;
  /** Resolves once every notice so far was delivered or given up. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

/** A channel that cannot be built from its config (a bad URL behind a reference, an unreadable CA). */
export class AlertChannelError extends Error {
  override readonly name = 'AlertChannelError';
}

function secret(secrets: ReadonlyMap<string, string>, ref: string, what: string): string {
  const value = secrets.get(ref);
  if (value === undefined) throw new AlertChannelError(`${what}: the secret ${ref} is not resolved`);
  return value;
}

function httpUrl(value: string, what: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new AlertChannelError(`${what}: the reference does not hold a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new AlertChannelError(`${what}: the URL must be http(s)`);
  }
  return url.href;
}

function buildChannel(
  name: string,
  config: AlertChannelConfig,
  options: GatewayAlertsOptions,
  clock: Clock,
): AlertChannel {
  const what = `alerts.channels.${name}`;
  switch (config.type) {
    case 'slack':
      return createSlackChannel(name, httpUrl(secret(options.secrets, config.webhookUrl, what), what));
    case 'pagerduty':
      return createPagerDutyChannel(name, {
        url: config.url ?? PAGERDUTY_EVENTS_URL,
        routingKey: secret(options.secrets, config.routingKey, what),
        source: config.source ?? 'rampart',
      });
    case 'webhook':
      return createWebhookChannel(name, config.url, secret(options.secrets, config.secret, what), clock);
    case 'email': {
      let ca: string | undefined;
      if (config.ca !== undefined) {
        try {
          ca = readFileSync(isAbsolute(config.ca) ? config.ca : resolve(options.baseDir, config.ca), 'utf8');
        } catch {
          throw new AlertChannelError(`${what}.ca: the file cannot be read`);
        }
      }
      return createEmailChannel(name, {
        host: config.host,
        port: config.port ?? 587,
        tls: config.tls ?? 'starttls',
        ca,
        user: config.user,
        password: config.password === undefined ? undefined : secret(options.secrets, config.password, what),
        from: config.from,
        to: config.to,
      });
    }
  }
}

const CLOSE_WAIT_MS = 5000;

/** Builds the channels and rules and starts judging; throws AlertChannelError for a bad channel. */
export function startGatewayAlerts(options: GatewayAlertsOptions): GatewayAlerts {
  const { settings, logger } = options;
  const clock = options.clock ?? systemClock;
  const channels = new Map<string, AlertChannel>();
  for (const [name, config] of Object.entries(settings.channels)) {
    channels.set(name, buildChannel(name, config, options, clock));
  }
  const deliveries =
    options.registry === undefined
      ? undefined
      : new Counter({
          name: 'rampart_alert_notifications_total',
          help: 'Alert notifications by channel, action (trigger, resolve) and result (sent, failed, dropped)',
          labelNames: ['channel', 'action', 'result'] as const,
          registers: [options.registry],
        });
  const dispatcher: Dispatcher = createDispatcher({
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
  const unsubscribe = options.events.on((event) => engine.observe({ kind: 'event', event }));

  // The ticker: on the injected clock when it can sleep (tests move it), else an unreferenced interval.
  const everyMs = Math.max(100, parseDuration(settings.evaluateEvery));
  let closed = false;
  let interval: NodeJS.Timeout | undefined;
  if (options.clock?.sleep !== undefined) {
    const tick = async () => {
      while (!closed) {
        await sleepOn(clock, everyMs);
        if (!closed) engine.evaluate();
      }
    };
    void tick();
  } else {
    interval = setInterval(() => engine.evaluate(), everyMs).unref();
  }

  return {
    engine,
    observe(observer) {
      return {
        ...observer,
        requestFinished(record) {
          observer.requestFinished(record);
          try {
            engine.observe({ kind: 'request', request: record });
          } catch (error) {
            logger.error({ err: error }, 'alert engine failed on a request');
          }
        },
      };
    },
    idle: () => dispatcher.idle(),
    async close() {
      closed = true;
      if (interval !== undefined) clearInterval(interval);
      unsubscribe();
      // Deliveries in flight get a moment to finish; a receiver that is down does not hold the shutdown.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        dispatcher.idle(),
        new Promise<void>((done) => {
          timer = setTimeout(done, CLOSE_WAIT_MS).unref();
        }),
      ]);
      clearTimeout(timer);
      for (const channel of channels.values()) await channel.close?.();
    },
  };
}
