// The admin API's view of quotas: GET /quotas/:consumer → used and remaining per period.
import type { AdminRoute } from '../../admin/routes.ts';
import { activeQuotas } from './quota.ts';

/** `GET /quotas/:consumer`: `{ consumer, quotas: [{ daily?, monthly? }] }` over the live quota policies. */
export function quotaAdminRoute(): AdminRoute {
  return {
    method: 'GET',
    path: '/quotas/:consumer',
    async handle(request) {
      const consumer = request.params.consumer ?? '';
      try {
        const quotas = [];
        for (const instance of activeQuotas) quotas.push(await instance.usage(consumer));
        return { status: 200, json: { consumer, quotas } };
      } catch {
        return { problem: 'RAMPART_TRAFFIC_STATE_UNAVAILABLE' };
      }
    },
  };
}
