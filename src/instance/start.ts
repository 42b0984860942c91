// A whole Rampart in one process, built from a config: logs, metrics, security events, shared state,
// the identity store, the gateway's listeners and the admin listener, reloads on file change. The CLI's
// `start` is a thin command over this; embedders and tests call it through src/index.ts.
import cluster from 'node:cluster';
import { dirname, resolve } from 'node:path';
import { stringify } from 'yaml';
import { alertAdminRoutes } from '../admin/alerts.ts';
import { auditTrailRoutes } from '../admin/audit-trail-routes.ts';
import { consumerRoutes } from '../admin/consumers.ts';
import { dashboardRoutes } from '../admin/dashboard-routes.ts';
import { createDashboardState } from '../admin/dashboard-state.ts';
import { policyAdminRoutes } from '../admin/policy-routes.ts';
import type { AdminRoute } from '../admin/routes.ts';
import { startAdminServer } from '../admin/server.ts';
import { AlertChannelError, createGatewayAlerts, type GatewayAlerts } from '../alerts/gateway-alerts.ts';
import { type GatewayTrail, startGatewayTrail } from '../audit-trail/gateway-trail.ts';
import { VERSION } from '../cli/version.ts';
import { type ConfigError, formatConfigError } from '../config/errors.ts';
import { type LoadResult, loadConfigFile, loadConfigText } from '../config/load.ts';
import type { RampartConfig } from '../config/schema.ts';
import { errorAt } from '../config/source.ts';
import { createSpecWatchers } from '../config/spec-watch.ts';
import { watchConfig } from '../config/watch.ts';
import { type Gateway, startGateway } from '../gateway/server.ts';
import { inventoryAdminRoutes, inventorySpecs, startInventory } from '../inventory/instance.ts';
import type { InventoryService } from '../inventory/service.ts';
import { parseDuration } from '../lib/durations.ts';
import { createAccessLogger } from '../observe/access-log.ts';
import { createSecurityEvents, type SecurityEventRecord, type SecurityEvents } from '../observe/events.ts';
import { createGatewayObserver } from '../observe/gateway-observer.ts';
import type { FinishedRequest } from '../observe/gateway-records.ts';
import { createLogger, type Logger, stdoutDestination } from '../observe/logger.ts';
import { createMetrics, type Metrics } from '../observe/metrics.ts';
import { createRedactor } from '../observe/redact.ts';
import { sinkMetrics } from '../observe/sinks/sink-metrics.ts';
import type { Clock, PolicyDefinition } from '../policies/policy.ts';
import { POLICY_DEFINITIONS } from '../policies/registry.ts';
import { createStateFromConfig } from '../state/from-config.ts';
import type { StateStore } from '../state/state.ts';
import { openConfiguredStore, storePath } from '../store/open-store.ts';
import type { IdentityStore } from '../store/store.ts';
import { buildPolicies, versionErrorToConfigError } from './build-check.ts';
import { createRequestWaiters } from './request-waiters.ts';
import { withStoreChanges } from './store-changes.ts';

/** Where the config comes from: a file (watched), YAML text, or a config object. */
export type ConfigInput =
  | { readonly file: string; readonly watch?: boolean }
  | { readonly text: string; readonly name?: string; readonly baseDir?: string }
  | { readonly object: object; readonly baseDir?: string };

/** What `startRampart` takes. */
export interface RampartOptions {
  readonly config: ConfigInput;
  /** Policies besides the built-in ones (custom policies; names must not clash). */
  readonly policies?: readonly PolicyDefinition[];
  /** Where JSON log lines go (pino destination); stdout when absent. */
  readonly logDestination?: NodeJS.WritableStream | { write(line: string): unknown };
  /** Injected time for policies (windows, expiry, lockouts). */
  readonly clock?: Clock;
  /** Shared state to use instead of the one the config describes (its owner closes it). */
  readonly state?: StateStore;
  /** An identity store to use instead of the one the config describes (its owner closes it). */
  readonly store?: IdentityStore;
  /** Runs on the store before the gateway starts (e.g. seeding demo consumers). */
  readonly prepareStore?: (store: IdentityStore) => Promise<void>;
  /** The environment `env:` references read; process.env when absent. */
  readonly env?: NodeJS.ProcessEnv;
  /** Process-level default metrics (CPU, memory, event loop); on unless false. */
  readonly defaultMetrics?: boolean;
}

/** A running Rampart. */
export interface Rampart {
  /** Listening addresses, e.g. `{ http: 'http://127.0.0.1:8080' }`. */
  readonly urls: Gateway['urls'];
  /** The first listening address (HTTP, else HTTPS, else h2c). */
  readonly url: string;
  readonly adminUrl: string | undefined;
  readonly gateway: Gateway;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** The running config (changes on every successful reload). */
  readonly config: RampartConfig;
  readonly state: StateStore;
  readonly store: IdentityStore | undefined;
  /** Traffic learning, when the config has an enabled `inventory:` section. */
  readonly inventory: InventoryService | undefined;
  /**
   * Reloads: from the config file when no input is given, else from the given input. A bad config is
   * refused (ConfigRefusedError) and the running one keeps serving.
   */
  reload(input?: ConfigInput): Promise<void>;
  /** The Prometheus exposition of the metrics. */
  metricsText(): Promise<string>;
  /** Resolves with the access record of a request once it has ended (its log phase ran). */
  requestFinished(requestId: string): Promise<FinishedRequest>;
  /** Calls `listener` with every security event from now on; returns a function that stops it. */
  onSecurityEvent(listener: (event: SecurityEventRecord) => void): () => void;
  /** Drains in-flight requests (bounded by server.shutdownTimeout) and closes everything it opened. */
  close(): Promise<void>;
}

/** A config that cannot be loaded or built; `errors` locate each problem (file, line, path). */
export class ConfigRefusedError extends Error {
  readonly errors: readonly ConfigError[];
  constructor(errors: readonly ConfigError[]) {
    super(errors.map(formatConfigError).join('\n'));
    this.name = 'ConfigRefusedError';
    this.errors = errors;
  }
}

type Loaded = Extract<LoadResult, { ok: true }>;

/** How long a start waits for its shared state (Redis) before it listens anyway. */
const STATE_READY_WAIT_MS = 3000;

async function load(
  input: ConfigInput,
  definitions: readonly PolicyDefinition[],
  env: NodeJS.ProcessEnv | undefined,
): Promise<Loaded> {
  const options = env === undefined ? {} : { env };
  let result: LoadResult;
  if ('file' in input) result = await loadConfigFile(input.file, definitions, options);
  else {
    const text = 'text' in input ? input.text : stringify(input.object);
    const name = 'text' in input ? (input.name ?? '<config text>') : '<config object>';
    const baseDir = input.baseDir ?? process.cwd();
    result = await loadConfigText(text, name, definitions, { ...options, baseDir });
  }
  if (!result.ok) throw new ConfigRefusedError(result.errors);
  const buildErrors = buildPolicies(result, definitions);
  if (buildErrors.length > 0) throw new ConfigRefusedError(buildErrors);
  return result;
}

function baseDirOf(input: ConfigInput): string {
  if ('file' in input) return dirname(resolve(input.file));
  return input.baseDir ?? process.cwd();
}

/** The audit trail a config asks for (`auditTrail:` with a `store:`), opened on the store's file. */
function openTrail(
  config: RampartConfig,
  loaded: Loaded,
  baseDir: string,
  deps: { events: SecurityEvents; logger: Logger; metrics: Metrics; clock: Clock | undefined },
): GatewayTrail | undefined {
  const settings = config.auditTrail;
  if (settings === undefined || !settings.enabled || config.store === undefined) return undefined;
  const ref = settings.checkpoints?.key;
  return startGatewayTrail({
    settings,
    path: storePath(config.store, baseDir),
    key: ref === undefined ? undefined : loaded.secrets.get(ref),
    events: deps.events,
    logger: deps.logger,
    registry: deps.metrics.registry,
    ...(deps.clock === undefined ? {} : { clock: deps.clock }),
  });
}

/** Prepares the alerts of a loaded config; a channel that cannot be built refuses the config. */
function prepareAlerts(alerts: GatewayAlerts, loaded: Loaded, baseDir: string): { commit(): void } {
  try {
    return alerts.prepare(loaded.config.alerts, loaded.secrets, baseDir);
  } catch (error) {
    if (!(error instanceof AlertChannelError)) throw error;
    throw new ConfigRefusedError([errorAt(loaded.source, error.path, error.message)]);
  }
}

/** Builds and starts a Rampart from a config; throws ConfigRefusedError when the config is bad. */
export async function startRampart(options: RampartOptions): Promise<Rampart> {
  // The config schema is compiled once per definitions array: reuse the built-in one when it is all.
  const definitions =
    options.policies === undefined || options.policies.length === 0
      ? POLICY_DEFINITIONS
      : [...POLICY_DEFINITIONS, ...options.policies];
  const loaded = await load(options.config, definitions, options.env);
  const { config } = loaded;
  const baseDir = baseDirOf(options.config);
  const logConfig = config.log ?? {
    level: 'info' as const,
    accessLog: true,
    redact: [],
    levels: 'number' as const,
    time: 'epoch' as const,
  };
  const destination = (options.logDestination ?? stdoutDestination()) as NodeJS.WritableStream;
  const style = { levels: logConfig.levels, time: logConfig.time };
  const redactor = createRedactor(logConfig.redact);
  const logger = createLogger({ level: logConfig.level, redactor, destination, ...style });
  // Access lines are built redacted (accessLogLine), so their logger skips pino's path redaction.
  const accessLogger = createLogger({ level: logConfig.level, destination, redactMembers: false, ...style });
  const metrics = createMetrics({
    defaultMetrics: options.defaultMetrics ?? true,
    cluster: cluster.isWorker,
    consumerLabels: config.observability?.metrics?.consumerLabels ?? 100,
  });
  const events = createSecurityEvents({ logger, metrics });
  const accessLog = logConfig.accessLog
    ? createAccessLogger(accessLogger, {
        redactor,
        direct: { destination, enabled: accessLogger.isLevelEnabled('info'), ...style },
      })
    : undefined;
  // Sinks (observability.sinks) take security events from the channel and, when one asks, every request.
  const sinkConfigs = config.observability?.sinks ?? [];
  const sinks =
    sinkConfigs.length === 0
      ? undefined
      : // Loaded only when configured: the exporters and the OpenTelemetry SDK take ~0.3 s to import.
        (await import('../observe/sinks/from-config.ts')).createSinks(sinkConfigs, {
          registry: metrics.registry,
          logger,
          secret: (ref) => loaded.secrets.get(ref) ?? '',
          baseDir,
          productVersion: VERSION,
          redactor,
        });
  if (sinks !== undefined) events.on((event) => sinks.offer({ kind: 'security', event }));
  const tracing = config.observability?.tracing;
  const tracer =
    tracing?.enabled === true
      ? (await import('../observe/tracing/tracer.ts')).createRequestTracer({
          url: tracing.url,
          headers: Object.fromEntries(
            Object.entries(tracing.headers ?? {}).map(([name, ref]) => [name, loaded.secrets.get(ref) ?? '']),
          ),
          serviceName: tracing.serviceName,
          serviceVersion: VERSION,
          sampleRatio: tracing.sampleRatio,
          flushIntervalMs: parseDuration(tracing.flushInterval),
          maxQueue: tracing.maxQueue,
          metrics: sinkMetrics(metrics.registry),
        })
      : undefined;
  const waiters = createRequestWaiters();
  const inventory = await startInventory(config, baseDir, { events, logger, clock: options.clock });
  const alerts = createGatewayAlerts({
    events,
    logger,
    registry: metrics.registry,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
  prepareAlerts(alerts, loaded, baseDir).commit();
  const dashboard = createDashboardState();
  events.on(dashboard.recordEvent);
  const observed = waiters.observe(
    dashboard.observe(
      alerts.observe(
        createGatewayObserver({
          logger,
          metrics,
          events,
          accessLog,
          requestExport: sinks?.wantsRequests === true ? sinks : undefined,
        }),
      ),
    ),
  );
  const observer = inventory === undefined ? observed : inventory.observe(observed);
  const state =
    options.state ??
    (await createStateFromConfig(config.state, {
      baseDir,
      log: logger,
      registry: metrics.registry,
      // The state's windows and expiry run on the same time as the policies that use it.
      ...(options.clock === undefined ? {} : { clock: options.clock }),
    }));
  // Limits fail open while the state cannot be reached: give it a moment before taking traffic.
  if (options.state === undefined && (await state.whenReady?.(STATE_READY_WAIT_MS)) === false) {
    logger.warn(
      { event: 'state.not-ready' },
      'state backend not reachable at start; limits follow onStateError',
    );
  }
  if (cluster.isWorker && state.backend === 'memory' && cluster.worker?.id === 1) {
    logger.warn({ event: 'state.per-worker' }, 'state backend memory: limits are counted per worker');
  }
  const ownStore =
    options.store === undefined && config.store !== undefined
      ? await openConfiguredStore(config.store, baseDir, {
          ...(options.env === undefined ? {} : { env: options.env }),
          listen: true,
          onError: (error) =>
            logger.warn({ event: 'store.connection', err: error.message }, 'store connection lost'),
        }).catch(async (error: unknown) => {
          if (options.state === undefined) await state.close();
          throw error;
        })
      : undefined;
  const store = options.store ?? ownStore;
  if (store !== undefined) await options.prepareStore?.(store);

  const gateway = await startGateway({
    config,
    definitions,
    observer,
    log: logger,
    baseDir,
    state: withStoreChanges(state, store),
    tracer,
    ...(store === undefined ? {} : { store }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  }).catch(async (error: unknown) => {
    await inventory?.close();
    throw error;
  });
  metrics.configReload('success', String(gateway.versionId));
  dashboard.recordReload('success', `${gateway.versionId} (start)`);
  const trail = openTrail(config, loaded, baseDir, { events, logger, metrics, clock: options.clock });
  trail?.started(config, String(gateway.versionId));
  const adminConfig = config.admin ?? { host: '127.0.0.1', port: 9901, enabled: true };
  const adminRoutes: AdminRoute[] = [
    ...policyAdminRoutes(definitions, (name) => gateway.policyInstances(name)),
    ...(store === undefined ? [] : consumerRoutes({ store, state })),
    ...(inventory === undefined
      ? []
      : inventoryAdminRoutes(inventory, () => running, baseDir, definitions, options.clock)),
    ...dashboardRoutes({
      state: dashboard,
      definitions,
      running: () => ({ config: running, versionId: gateway.versionId, baseDir: runningBaseDir }),
    }),
    ...alertAdminRoutes(() => alerts.engine()?.firing() ?? []),
    ...(trail === undefined
      ? []
      : auditTrailRoutes({ storage: trail.storage, flush: () => trail.trail.flush() })),
  ];
  const admin = adminConfig.enabled
    ? await startAdminServer({
        host: adminConfig.host,
        port: adminConfig.port,
        metrics,
        isReady: () => gateway.ready,
        token: adminConfig.token === undefined ? undefined : loaded.secrets.get(adminConfig.token),
        readToken:
          adminConfig.readToken === undefined ? undefined : loaded.secrets.get(adminConfig.readToken),
        logger,
        routes: adminRoutes,
        ...(trail === undefined ? {} : { onChange: trail.adminChanged }),
      }).catch(async (error: unknown) => {
        await gateway.close();
        await inventory?.close();
        await trail?.close();
        await alerts.close();
        throw error;
      })
    : undefined;

  let running = config;
  let runningBaseDir = baseDir;
  const file = 'file' in options.config ? options.config.file : undefined;
  const reload = async (input: ConfigInput | undefined, reason: string): Promise<void> => {
    const source = input ?? options.config;
    let next: Loaded;
    try {
      next = await load(source, definitions, options.env);
      const alertRules = prepareAlerts(alerts, next, baseDirOf(source));
      gateway.reload(next.config);
      alertRules.commit();
    } catch (error) {
      const detail =
        error instanceof ConfigRefusedError
          ? error.message
          : formatConfigError(versionErrorToConfigError(loaded, error));
      observer.configReloaded('failure', detail);
      trail?.reloaded(reason, { ok: false, detail });
      throw error instanceof ConfigRefusedError ? error : new Error(detail, { cause: error });
    }
    if (JSON.stringify(next.config.observability) !== JSON.stringify(running.observability)) {
      logger.warn({}, 'observability settings (sinks, tracing, metrics) changed: they apply after a restart');
    }
    if (JSON.stringify(next.config.server) !== JSON.stringify(running.server)) {
      logger.warn({}, 'listener settings changed: they apply after a restart');
    }
    trail?.reloaded(reason, {
      ok: true,
      before: running,
      after: next.config,
      version: String(gateway.versionId),
    });
    running = next.config;
    runningBaseDir = baseDirOf(source);
    if (inventory !== undefined) inventory.specs = inventorySpecs(next.config, baseDirOf(source), logger);
    specWatchers.follow(next.config, baseDirOf(source));
    observer.configReloaded('success', `${gateway.versionId} (${reason})`);
  };
  const reloadQuietly = (reason: string) => {
    reload(undefined, reason).catch(() => {
      // Refused and reported (log line and metric); the running config keeps serving.
    });
  };
  const watching = file !== undefined && ('watch' in options.config ? options.config.watch !== false : true);
  const watcher = watching ? watchConfig(file, reloadQuietly, { debounceMs: 200 }) : undefined;
  const specWatchers = createSpecWatchers(() => reloadQuietly('spec'));
  if (watching) specWatchers.follow(config, baseDir);

  let closing: Promise<void> | undefined;
  return {
    urls: gateway.urls,
    url: gateway.urls.http ?? gateway.urls.https ?? gateway.urls.h2c ?? '',
    adminUrl: admin?.url,
    gateway,
    logger,
    metrics,
    get config() {
      return running;
    },
    state,
    store,
    inventory,
    reload: (input) => reload(input, 'api'),
    metricsText: () => metrics.render(),
    requestFinished: (requestId) => waiters.wait(requestId),
    onSecurityEvent: (listener) => events.on(listener),
    close() {
      closing ??= (async () => {
        watcher?.close();
        specWatchers.close();
        await gateway.close();
        accessLog?.flush();
        await admin?.close();
        await inventory?.close();
        await trail?.close();
        await alerts.close();
        waiters.close();
        await sinks?.close();
        await tracer?.close();
        if (options.state === undefined) await state.close();
        await ownStore?.close();
      })();
      return closing;
    },
  };
}
