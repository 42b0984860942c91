// The inventory on the admin API: the endpoint list with the inventory's figures, one endpoint's
// facts, the comparison with the contracts, the OpenAPI export, and learning from a posted HAR.
import type { AdminReply, AdminRoute } from '../admin/routes.ts';
import { exportOpenApi } from './export.ts';
import { type EndpointFacts, endpointKey } from './facts.ts';
import { exchangesOfHar } from './har.ts';
import type { RiskEntry } from './risk.ts';
import type { InventoryService } from './service.ts';
import { summarize } from './views.ts';

/**
 * The routes: GET /inventory, /inventory/endpoint, /inventory/diff, /inventory/export, /inventory/risk
 * (when `risk` is given; read-only, nothing recorded); POST /inventory/learn.
 */
export function inventoryRoutes(
  service: InventoryService,
  risk?: (endpoints: readonly EndpointFacts[]) => Promise<RiskEntry[]>,
): AdminRoute[] {
  const riskRoutes: AdminRoute[] =
    risk === undefined
      ? []
      : [
          {
            method: 'GET',
            path: '/inventory/risk',
            handle: async (): Promise<AdminReply> => ({
              status: 200,
              json: await risk(await service.endpoints()),
            }),
          },
        ];
  return [
    ...riskRoutes,
    {
      method: 'GET',
      path: '/inventory',
      handle: async (): Promise<AdminReply> => {
        const endpoints = await service.endpoints();
        return { status: 200, json: { endpoints: endpoints.map(summarize), stats: await service.stats() } };
      },
    },
    {
      method: 'GET',
      path: '/inventory/endpoint',
      handle: async (request): Promise<AdminReply> => {
        const method = request.query.get('method')?.toUpperCase() ?? '';
        const template = request.query.get('path') ?? '';
        const key = endpointKey(method, template);
        const facts = (await service.endpoints()).find((e) => endpointKey(e.method, e.template) === key);
        if (facts === undefined)
          return {
            problem: 'RAMPART_ADMIN_NOT_FOUND',
            detail: 'no such endpoint (give ?method=&path=TEMPLATE)',
          };
        return { status: 200, json: facts };
      },
    },
    {
      method: 'GET',
      path: '/inventory/diff',
      handle: async (): Promise<AdminReply> => ({ status: 200, json: await service.diff() }),
    },
    {
      method: 'GET',
      path: '/inventory/export',
      handle: async (): Promise<AdminReply> => ({
        status: 200,
        json: exportOpenApi(await service.endpoints()),
      }),
    },
    {
      method: 'POST',
      path: '/inventory/learn',
      handle: async (request): Promise<AdminReply> => {
        const type = String(request.headers['content-type'] ?? '').toLowerCase();
        if (!type.startsWith('application/json'))
          return {
            problem: 'RAMPART_ADMIN_UNSUPPORTED_MEDIA_TYPE',
            detail: 'send a HAR document as application/json',
          };
        let har: unknown;
        try {
          har = JSON.parse(request.body?.toString('utf8') ?? '');
        } catch {
          return { problem: 'RAMPART_ADMIN_BAD_REQUEST', detail: 'the body is not JSON' };
        }
        try {
          const learned = await service.learn(exchangesOfHar(har));
          return { status: 200, json: { learned } };
        } catch (error) {
          return { problem: 'RAMPART_ADMIN_BAD_REQUEST', detail: (error as Error).message };
        }
      },
    },
  ];
}
