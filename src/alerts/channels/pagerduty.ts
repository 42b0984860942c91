// PagerDuty Events API v2: a trigger carries a payload (summary, source, severity, timestamp, group,
// class, details); the resolve names the same dedup_key, so one incident opens and closes.
// https://developer.pagerduty.com/docs/events-api-v2/trigger-events/
import type { AlertSeverity } from '../config.ts';
import type { AlertNotice } from '../engine.ts';
import { type AlertChannel, postJson } from './channel.ts';

/** PagerDuty's four severities. */
const SEVERITY: Readonly<Record<AlertSeverity, 'critical' | 'error' | 'warning' | 'info'>> = {
  critical: 'critical',
  high: 'error',
  medium: 'warning',
  low: 'warning',
  info: 'info',
};

/** The event of a notice. */
export function pagerDutyEvent(notice: AlertNotice, routingKey: string, source: string): object {
  if (notice.action === 'resolve') {
    return { routing_key: routingKey, event_action: 'resolve', dedup_key: notice.dedupKey };
  }
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: notice.dedupKey,
    payload: {
      summary: `${notice.rule}: ${notice.summary}`.slice(0, 1024),
      source,
      severity: SEVERITY[notice.severity],
      timestamp: new Date(notice.time).toISOString(),
      component: notice.groupBy === 'route' ? notice.group : undefined,
      group: notice.rule,
      class: notice.signal,
      custom_details: {
        [notice.groupBy]: notice.group,
        value: notice.value,
        threshold: notice.threshold,
        windowSeconds: notice.windowMs / 1000,
      },
    },
  };
}

/** A PagerDuty channel. */
export function createPagerDutyChannel(
  name: string,
  settings: { readonly url: string; readonly routingKey: string; readonly source: string },
): AlertChannel {
  return {
    name,
    type: 'pagerduty',
    send: (notice) =>
      postJson(settings.url, JSON.stringify(pagerDutyEvent(notice, settings.routingKey, settings.source))),
  };
}
