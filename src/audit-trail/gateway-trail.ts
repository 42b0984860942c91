// The audit trail of a running gateway: opened on the store's database file, fed by the admin
// listener (changes), the reload path (config digests, policy mode changes) and the security event
// channel (chosen enforced denials). start.ts holds one of these; nothing here is on the request path.
import { Counter, type Registry } from 'prom-client';
import type { Clock } from '../lib/clock.ts';
import { parseDuration } from '../lib/durations.ts';
import type { SecurityEvents } from '../observe/events.ts';
import type { Logger } from '../observe/logger.ts';
import type { AuditTrailConfig } from './config.ts';
import {
  type AdminChange,
  adminEntry,
  configDigest,
  configEntry,
  denialEntry,
  denialFilter,
  type ModedConfig,
  modeChanges,
  modeEntry,
} from './entries.ts';
import { createCheckpointSigner } from './signer.ts';
import { createSqliteAuditStorage } from './sqlite-storage.ts';
import type { AuditStorage } from './storage.ts';
import { type AuditTrail, createAuditTrail } from './trail.ts';

/** What `startGatewayTrail` takes. */
export interface GatewayTrailOptions {
  readonly settings: AuditTrailConfig;
  /** The sqlite file of the store (the trail's tables sit beside the identity store's). */
  readonly path: string;
  /** The resolved checkpoint key, when `checkpoints` is configured. */
  readonly key: string | undefined;
  readonly events: Pick<SecurityEvents, 'on'>;
  readonly logger: Logger;
  readonly registry?: Registry;
  readonly clock?: Clock;
  /** Another storage than the sqlite file (tests; a PostgreSQL one later). */
  readonly storage?: AuditStorage;
}

/** The trail as the gateway feeds it. */
export interface GatewayTrail {
  readonly trail: AuditTrail;
  /** Reads stored records (the admin API's GET /audit-trail). */
  readonly storage: Pick<AuditStorage, 'read' | 'positionAt'>;
  adminChanged(change: AdminChange): void;
  /** The config a start runs with. */
  started(config: object, version: string): void;
  /** A reload ended: on success with the configs before and after, on failure with a detail. */
  reloaded(
    reason: string,
    outcome:
      | { ok: true; before: ModedConfig; after: ModedConfig & object; version: string }
      | { ok: false; detail: string },
  ): void;
  /** Stops listening, writes what is queued and a last checkpoint, closes the storage. */
  close(): Promise<void>;
}

/** Opens the trail; throws (CheckpointKeyError) when the checkpoint key cannot sign. */
export function startGatewayTrail(options: GatewayTrailOptions): GatewayTrail {
  const { settings, logger } = options;
  const signer =
    settings.checkpoints === undefined || options.key === undefined
      ? undefined
      : createCheckpointSigner(settings.checkpoints.algorithm, options.key);
  // A short lock wait: the gateway's event loop must not stall behind another writer (a worker, a CLI).
  const storage = options.storage ?? createSqliteAuditStorage(options.path, { busyTimeoutMs: 100 });
  const dropped =
    options.registry === undefined
      ? undefined
      : new Counter({
          name: 'rampart_audit_trail_dropped_total',
          help: 'Audit trail entries dropped because the write queue was full',
          registers: [options.registry],
        });
  const trail = createAuditTrail({
    storage,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    signer,
    checkpointEvery: settings.checkpoints?.every ?? 1000,
    checkpointIntervalMs: parseDuration(settings.checkpoints?.interval ?? '1h'),
    flushMs: parseDuration(settings.flush),
    maxQueue: settings.maxQueue,
    onError: (error) =>
      logger.error({ err: error }, 'audit trail write failed; retrying with the next batch'),
    onDrop: (count) => dropped?.inc(count),
  });
  const keep = denialFilter(settings.denials);
  const unsubscribe = options.events.on((event) => {
    if (keep(event)) trail.record(denialEntry(event));
  });
  return {
    trail,
    storage,
    adminChanged: (change) => trail.record(adminEntry(change)),
    started(config, version) {
      trail.record(configEntry('load', 'start', 'success', { version, digest: configDigest(config) }));
    },
    reloaded(reason, outcome) {
      if (!outcome.ok) {
        trail.record(configEntry('reload', reason, 'failure', { detail: outcome.detail.slice(0, 256) }));
        return;
      }
      trail.record(
        configEntry('reload', reason, 'success', {
          version: outcome.version,
          digest: configDigest(outcome.after),
        }),
      );
      for (const change of modeChanges(outcome.before, outcome.after))
        trail.record(modeEntry(change, reason));
    },
    async close() {
      unsubscribe();
      await trail.close();
      if (options.storage === undefined) await storage.close();
    },
  };
}
