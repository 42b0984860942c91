// The admin API's view of quotas: GET /quotas/:consumer → used and remaining per period, read from the
// live quota instances of the running config version (the quota definition contributes the route).
import type { PolicyAdminRoute } from '../policy.ts';
import type { QuotaInstance } from './quota.ts';

/** `GET /quotas/:consumer`: `{ consumer, quotas: [{ daily?, monthly? }] }`, one entry per live instance. */
export function quotaAdminRoutes(instances: () => readonly QuotaInstance[]): PolicyAdminRoute[] {
  return [
    {
      method: 'GET',
      path: '/quotas/:consumer',
      async handle(request) {
        const consumer = request.params.consumer ?? '';
        try {
          const quotas = [];
          for (const instance of instances()) quotas.push(await instance.usage(consumer));
          return { status: 200, json: { consumer, quotas } };
        } catch {
          return { status: 503, json: { code: 'RAMPART_TRAFFIC_STATE_UNAVAILABLE' } };
        }
      },
    },
  ];
}
