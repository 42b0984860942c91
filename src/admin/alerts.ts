// The admin route over alerts: GET /alerts lists the alerts firing now (for dashboards and scripts).
import type { AlertNotice } from '../alerts/engine.ts';
import type { AdminRoute } from './routes.ts';

/** GET /alerts: `[{ rule, signal, severity, groupBy, group, value, threshold, summary, dedupKey, since }]`. */
export function alertAdminRoutes(firing: () => readonly AlertNotice[]): AdminRoute[] {
  return [
    {
      method: 'GET',
      path: '/alerts',
      handle: () => ({
        status: 200,
        json: firing().map((notice) => ({
          rule: notice.rule,
          signal: notice.signal,
          severity: notice.severity,
          groupBy: notice.groupBy,
          group: notice.group,
          value: notice.value,
          threshold: notice.threshold,
          summary: notice.summary,
          dedupKey: notice.dedupKey,
          since: new Date(notice.startedAt).toISOString(),
        })),
      }),
    },
  ];
}
