// Email over SMTP (nodemailer): STARTTLS required on the submission port (or TLS from the start),
// authenticated when a user is configured; the certificate is always checked (a `ca` file for a
// private CA). One short plain-text message per notice.
import { createTransport } from 'nodemailer';
import type { AlertNotice } from '../engine.ts';
import { type AlertChannel, ChannelError } from './channel.ts';

/** What the email channel needs (secrets resolved, the CA read). */
export interface EmailSettings {
  readonly host: string;
  readonly port: number;
  readonly tls: 'starttls' | 'implicit';
  readonly ca?: string | undefined;
  readonly user?: string | undefined;
  readonly password?: string | undefined;
  readonly from: string;
  readonly to: readonly string[];
}

// Header values never carry a line break (header injection); nodemailer encodes the rest.
const oneLine = (text: string) => text.replace(/[\r\n]+/g, ' ');

/** The subject and text of a notice. */
export function emailMessage(notice: AlertNotice): { subject: string; text: string } {
  const state = notice.action === 'trigger' ? 'FIRING' : 'RESOLVED';
  return {
    subject: oneLine(`[Rampart] ${state}: ${notice.rule} (${notice.severity})`).slice(0, 200),
    text: [
      notice.summary,
      '',
      `rule:      ${notice.rule}`,
      `signal:    ${notice.signal}`,
      `severity:  ${notice.severity}`,
      `${notice.groupBy}: ${notice.group}`,
      `value:     ${notice.value} (threshold ${notice.threshold})`,
      `since:     ${new Date(notice.startedAt).toISOString()}`,
      `key:       ${notice.dedupKey}`,
    ].join('\n'),
  };
}

/** An email channel; the transport keeps one pooled connection. */
export function createEmailChannel(name: string, settings: EmailSettings): AlertChannel {
  const transport = createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.tls === 'implicit',
    // STARTTLS or nothing: never credentials or alerts in clear text.
    requireTLS: settings.tls === 'starttls',
    ...(settings.user === undefined ? {} : { auth: { user: settings.user, pass: settings.password ?? '' } }),
    tls: {
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
      ...(settings.ca === undefined ? {} : { ca: settings.ca }),
    },
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  return {
    name,
    type: 'email',
    async send(notice) {
      const { subject, text } = emailMessage(notice);
      try {
        await transport.sendMail({ from: settings.from, to: [...settings.to], subject, text });
      } catch (error) {
        // SMTP replies can echo the AUTH exchange: keep only the kind of failure.
        const code = (error as { code?: unknown }).code;
        throw new ChannelError(`mail not accepted${typeof code === 'string' ? ` (${code})` : ''}`);
      }
    },
    async close() {
      transport.close();
    },
  };
}
