// A generic webhook: the notice as JSON, signed so the receiver knows it came from this gateway and
// is fresh: X-Rampart-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>.
// Receivers recompute the HMAC over the raw body, compare in constant time and refuse an old t.
import { createHmac } from 'node:crypto';
import type { Clock } from '../../lib/clock.ts';
import type { AlertNotice } from '../engine.ts';
import { type AlertChannel, postJson } from './channel.ts';

/** The signature header's name. */
export const SIGNATURE_HEADER = 'x-rampart-signature';

/** The header value signing `body` at `seconds`. */
export function webhookSignature(secret: string, seconds: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${seconds}.${body}`).digest('hex');
  return `t=${seconds},v1=${mac}`;
}

/** A signed webhook channel. */
export function createWebhookChannel(name: string, url: string, secret: string, clock: Clock): AlertChannel {
  return {
    name,
    type: 'webhook',
    send(notice: AlertNotice) {
      const body = JSON.stringify({ type: `alert.${notice.action}`, ...notice });
      const seconds = Math.floor(clock.now() / 1000);
      return postJson(url, body, { [SIGNATURE_HEADER]: webhookSignature(secret, seconds, body) });
    },
  };
}
