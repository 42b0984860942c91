// The inventory of a running Rampart, as `startRampart` wires it: built from the config's
// `inventory:` section (nothing when it is absent or disabled), its tables in the store's file, its
// contracts from the config, its admin routes (the risk register of the running config included).
import type { AdminRoute } from '../admin/routes.ts';
import type { RampartConfig } from '../config/schema.ts';
import { type Clock, systemClock } from '../lib/clock.ts';
import type { SecurityEvents } from '../observe/events.ts';
import type { Logger } from '../observe/logger.ts';
import type { PolicyDefinition } from '../policies/policy.ts';
import { storePath } from '../store/open-store.ts';
import { inventoryRoutes } from './admin-routes.ts';
import { flushIntervalOf, specSourcesOf } from './config.ts';
import { buildRiskRegister } from './risk.ts';
import { createInventoryService, type InventoryService } from './service.ts';
import { loadSpecSet, NO_SPECS, type SpecSet } from './spec-set.ts';
import { createSqliteInventoryStore } from './sqlite-store.ts';

/** The contracts a config names for the inventory; one that cannot be read is logged and left out. */
export function inventorySpecs(config: RampartConfig, baseDir: string, logger: Logger): SpecSet {
  try {
    return loadSpecSet(specSourcesOf(config, config.inventory), baseDir);
  } catch (error) {
    logger.warn({ err: error }, 'inventory: a spec could not be read; comparing with none');
    return NO_SPECS;
  }
}

/** What the instance's inventory is wired to. */
export interface InventoryWiring {
  readonly events: SecurityEvents;
  readonly logger: Logger;
  readonly clock?: Clock | undefined;
}

/** Starts the inventory the config describes, or resolves undefined when it has none. */
export async function startInventory(
  config: RampartConfig,
  baseDir: string,
  wiring: InventoryWiring,
): Promise<InventoryService | undefined> {
  const settings = config.inventory;
  if (settings === undefined || !settings.enabled) return undefined;
  const clock = wiring.clock ?? systemClock;
  return createInventoryService({
    // Its own tables in the store's file (shared by every instance on it), else in memory.
    store: createSqliteInventoryStore(
      config.store === undefined ? ':memory:' : storePath(config.store, baseDir),
    ),
    specs: inventorySpecs(config, baseDir, wiring.logger),
    maxEndpoints: settings.maxEndpoints,
    maxParameters: settings.maxParameters,
    maxBodyBytes: settings.maxBodyBytes,
    queue: settings.queue,
    flushIntervalMs: flushIntervalOf(settings),
    events: wiring.events,
    onError: (error, what) => wiring.logger.error({ err: error }, what),
    now: () => clock.now(),
  });
}

/** The admin routes of a running inventory; `config` is read when a route is called (reloads). */
export function inventoryAdminRoutes(
  inventory: InventoryService,
  running: () => RampartConfig,
  baseDir: string,
  definitions: readonly PolicyDefinition[],
  clock: Clock = systemClock,
): AdminRoute[] {
  return inventoryRoutes(inventory, (endpoints) =>
    buildRiskRegister({
      config: running(),
      baseDir,
      definitions,
      endpoints,
      store: inventory.store,
      now: clock.now(),
    }),
  );
}
