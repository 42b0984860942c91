// Slack incoming webhooks: a message with a plain-text fallback and Block Kit blocks (header, summary,
// fields, context). Text from traffic (addresses, credential ids) is escaped so it cannot become a
// link or a mention (Slack's mrkdwn reserves &, < and >).
import type { AlertNotice } from '../engine.ts';
import { type AlertChannel, postJson } from './channel.ts';

/** Escapes Slack's control characters (https://api.slack.com/reference/surfaces/formatting#escaping). */
export function slackEscape(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** The webhook payload of a notice. */
export function slackMessage(notice: AlertNotice): object {
  const firing = notice.action === 'trigger';
  const title = `${firing ? 'FIRING' : 'RESOLVED'}: ${notice.rule}`;
  const field = (name: string, value: string) => ({
    type: 'mrkdwn',
    text: `*${name}*\n${slackEscape(value)}`,
  });
  return {
    text: slackEscape(`[Rampart] ${title} - ${notice.summary}`),
    blocks: [
      {
        type: 'header',
        text: { type: 'plain_text', text: `${firing ? '🔴' : '✅'} ${title}`.slice(0, 150) },
      },
      { type: 'section', text: { type: 'mrkdwn', text: slackEscape(notice.summary) } },
      {
        type: 'section',
        fields: [
          field('Severity', notice.severity),
          field('Signal', notice.signal),
          field(notice.groupBy === 'none' ? 'Scope' : notice.groupBy, notice.group),
          field('Since', new Date(notice.startedAt).toISOString()),
        ],
      },
      {
        type: 'context',
        elements: [{ type: 'mrkdwn', text: slackEscape(`Rampart · ${notice.dedupKey}`) }],
      },
    ],
  };
}

/** A Slack channel posting to the (secret) incoming webhook URL. */
export function createSlackChannel(name: string, url: string): AlertChannel {
  return {
    name,
    type: 'slack',
    send: (notice) => postJson(url, JSON.stringify(slackMessage(notice))),
  };
}
