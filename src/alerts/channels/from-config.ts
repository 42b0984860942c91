// Builds a channel from its config block: secrets looked up by reference, URLs checked, the CA read,
// channel defaults applied (the validator applies none under the channel union).
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { Clock } from '../../lib/clock.ts';
import type { AlertChannelConfig } from '../config.ts';
import type { AlertChannel } from './channel.ts';
import { createEmailChannel } from './email.ts';
import { createPagerDutyChannel } from './pagerduty.ts';
import { createSlackChannel } from './slack.ts';
import { createWebhookChannel } from './webhook.ts';

const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

/** A channel that cannot be built from its config (a bad URL behind a reference, an unreadable CA). */
export class AlertChannelError extends Error {
  override readonly name = 'AlertChannelError';
  /** The config path of the channel (`alerts`, `channels`, name). */
  readonly path: readonly string[];
  constructor(channel: string, message: string) {
    super(`alerts.channels.${channel}: ${message}`);
    this.path = ['alerts', 'channels', channel];
  }
}

function secret(secrets: ReadonlyMap<string, string>, ref: string, what: string): string {
  const value = secrets.get(ref);
  if (value === undefined) throw new AlertChannelError(what, `the secret ${ref} is not resolved`);
  return value;
}

function httpUrl(value: string, what: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new AlertChannelError(what, 'the reference does not hold a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new AlertChannelError(what, 'the URL must be http(s)');
  }
  return url.href;
}

/** The channel `config` describes; throws AlertChannelError when it cannot be built. */
export function buildChannel(
  name: string,
  config: AlertChannelConfig,
  options: { readonly secrets: ReadonlyMap<string, string>; readonly baseDir: string },
  clock: Clock,
): AlertChannel {
  const what = name;
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
          throw new AlertChannelError(what, 'ca: the file cannot be read');
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
