// Mounts the admin routes policy definitions contribute (quota's usage view) over the live instances
// of the running config version, which the caller looks up by policy name on each call.
import type { PolicyDefinition, PolicyHandlers } from '../policies/policy.ts';
import type { AdminRoute } from './routes.ts';

/** The live instances of a policy in the running config version (one per route that uses it). */
export type PolicyInstances = (name: string) => readonly PolicyHandlers[];

/** Every route the definitions contribute, in definition order. */
export function policyAdminRoutes(
  definitions: readonly PolicyDefinition[],
  instancesOf: PolicyInstances,
): AdminRoute[] {
  const routes: AdminRoute[] = [];
  for (const definition of definitions) {
    if (definition.adminRoutes === undefined) continue;
    routes.push(...definition.adminRoutes(() => instancesOf(definition.name)));
  }
  return routes;
}
