// `rampart start`: loads the config (or the embedded demo defaults), wires logs, metrics and events,
// starts the gateway and the admin listener, reloads on SIGHUP and file change, drains on SIGTERM.
import cluster from 'node:cluster';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startDemoApi } from '../../examples/demo-api/server.ts';
import { consumerRoutes } from '../admin/consumers.ts';
import { startAdminServer } from '../admin/server.ts';
import { demoConfigText } from '../config/defaults.ts';
import { formatConfigError } from '../config/errors.ts';
import { type LoadResult, loadConfigFile, loadConfigText } from '../config/load.ts';
import type { RampartConfig } from '../config/schema.ts';
import { watchConfig } from '../config/watch.ts';
import { startGateway } from '../gateway/server.ts';
import { DEMO_IDENTITIES, seedDemoIdentities } from '../identity/demo.ts';
import { createAccessLogger } from '../observe/access-log.ts';
import { createSecurityEvents } from '../observe/events.ts';
import { createGatewayObserver } from '../observe/gateway-observer.ts';
import { createLogger, stdoutDestination } from '../observe/logger.ts';
import { createMetrics } from '../observe/metrics.ts';
import { quotaAdminRoute } from '../policies/quota/admin-route.ts';
import { POLICY_DEFINITIONS } from '../policies/registry.ts';
import { createStateFromConfig } from '../state/from-config.ts';
import { openStore, storePath } from '../store/open-store.ts';
import { buildPolicies, versionErrorToConfigError } from './build-check.ts';
import { createSpecWatchers } from './spec-watch.ts';
import { parseWorkers, runPrimary, withoutWorkers } from './workers.ts';

const HELP = `Usage: rampart start [-c rampart.yaml] [--demo] [--workers N|auto]

  -c, --config FILE   the config file (default: ./rampart.yaml when it exists)
      --demo          run the bundled demo API behind the gateway on the embedded defaults
                      (also what happens when no config file is given or found)
      --workers N|auto    run N gateway processes sharing the listeners (auto: one per core);
                      with state backend memory every worker counts its own limits

Signals: SIGHUP reloads the config (so does saving the file); SIGTERM/SIGINT drain and exit 0.`;

type Loaded = Extract<LoadResult, { ok: true }>;

function printErrors(
  result: Exclude<LoadResult, { ok: true }> | { errors: ReturnType<typeof buildPolicies> },
): void {
  for (const error of result.errors) process.stderr.write(`${formatConfigError(error)}\n`);
}

/** Runs `rampart start` until a shutdown signal; resolves to the exit code. */
export async function runStart(args: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      config: { type: 'string', short: 'c' },
      demo: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      workers: { type: 'string' },
    },
    strict: true,
  });
  if (values.help === true) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (values.workers !== undefined && cluster.isPrimary) {
    return runPrimary(withoutWorkers(args), parseWorkers(values.workers));
  }
  const file =
    values.config ?? (existsSync('rampart.yaml') && values.demo !== true ? 'rampart.yaml' : undefined);

  let demo: Awaited<ReturnType<typeof startDemoApi>> | undefined;
  let loaded: LoadResult;
  if (file === undefined) {
    demo = await startDemoApi({ host: '127.0.0.1', port: 0 });
    loaded = await loadConfigText(
      demoConfigText(demo.url, { http: 8080, admin: 9901 }),
      '<embedded defaults>',
      POLICY_DEFINITIONS,
    );
  } else {
    loaded = await loadConfigFile(file, POLICY_DEFINITIONS);
  }
  if (!loaded.ok) {
    printErrors(loaded);
    await demo?.close();
    return 1;
  }
  const buildErrors = buildPolicies(loaded);
  if (buildErrors.length > 0) {
    printErrors({ errors: buildErrors });
    await demo?.close();
    return 1;
  }

  const { config } = loaded;
  const logConfig = config.log ?? { level: 'info' as const, accessLog: true, redact: [] };
  const destination = stdoutDestination();
  const logger = createLogger({ level: logConfig.level, redact: logConfig.redact, destination });
  // Access lines are built redacted (accessLogLine), so their logger skips pino's path redaction.
  const accessLogger = createLogger({ level: logConfig.level, destination, redactMembers: false });
  const metrics = createMetrics();
  const events = createSecurityEvents({ logger, metrics });
  const accessLog = logConfig.accessLog
    ? createAccessLogger(accessLogger, { extraRedact: logConfig.redact })
    : undefined;
  const observer = createGatewayObserver({ logger, metrics, events, accessLog });
  const baseDir = file === undefined ? process.cwd() : dirname(resolve(file));
  const state = await createStateFromConfig(config.state, {
    baseDir,
    log: logger,
    registry: metrics.registry,
  });
  if (cluster.isWorker && state.backend === 'memory' && cluster.worker?.id === 1) {
    logger.warn({ event: 'state.per-worker' }, 'state backend memory: limits are counted per worker');
  }

  const store = config.store === undefined ? undefined : openStore(storePath(config.store, baseDir));
  if (store !== undefined && demo !== undefined) await seedDemoIdentities(store, Date.now());

  const gateway = await startGateway({
    config,
    definitions: POLICY_DEFINITIONS,
    observer,
    log: logger,
    baseDir,
    state,
    ...(store === undefined ? {} : { store }),
  });
  metrics.configReload('success', String(gateway.versionId));
  const adminConfig = config.admin ?? { host: '127.0.0.1', port: 9901, enabled: true };
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
        routes: [quotaAdminRoute(), ...(store === undefined ? [] : consumerRoutes({ store, state }))],
      })
    : undefined;

  let running: RampartConfig = config;
  const reload = async (reason: string): Promise<void> => {
    if (file === undefined) return;
    const next = await loadConfigFile(file, POLICY_DEFINITIONS);
    if (!next.ok) {
      observer.configReloaded('failure', next.errors.map(formatConfigError).join('\n'));
      return;
    }
    try {
      gateway.reload(next.config);
      if (JSON.stringify(next.config.server) !== JSON.stringify(running.server)) {
        logger.warn({}, 'listener settings changed: they apply after a restart');
      }
      running = next.config;
      specWatchers.follow(next.config, baseDir);
      observer.configReloaded('success', `${gateway.versionId} (${reason})`);
    } catch (error) {
      observer.configReloaded('failure', formatConfigError(versionErrorToConfigError(next as Loaded, error)));
    }
  };
  const watcher =
    file === undefined ? undefined : watchConfig(file, (reason) => void reload(reason), { debounceMs: 200 });
  const specWatchers = createSpecWatchers(() => void reload('spec'));
  if (file !== undefined) specWatchers.follow(config, baseDir);

  printBanner(gateway.urls.http ?? gateway.urls.https ?? '', admin?.url, file, demo !== undefined);
  logger.info(
    { urls: gateway.urls, admin: admin?.url, config: file ?? '<embedded defaults>' },
    'rampart started',
  );

  return new Promise<number>((resolveExit) => {
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'draining in-flight requests');
      watcher?.close();
      specWatchers.close();
      await gateway.close();
      await admin?.close();
      await state.close();
      await store?.close();
      await demo?.close();
      logger.info({}, 'rampart stopped');
      logger.flush();
      // A cluster worker's IPC channel would keep it alive after the drain.
      if (cluster.isWorker) cluster.worker?.disconnect();
      resolveExit(0);
    };
    process.once('SIGTERM', () => void stop('SIGTERM'));
    process.once('SIGINT', () => void stop('SIGINT'));
  });
}

function printBanner(
  url: string,
  adminUrl: string | undefined,
  file: string | undefined,
  demo: boolean,
): void {
  const lines = [
    '',
    `  Rampart is listening on ${url}  (config: ${file ?? 'embedded defaults'})`,
    adminUrl === undefined ? '' : `  Admin: ${adminUrl}/healthz  ${adminUrl}/readyz  ${adminUrl}/metrics`,
  ];
  if (demo) {
    lines.push(
      '',
      '  Try the demo API through the gateway:',
      `    curl -i ${url}/users/2                        # 401: an API key is required`,
      `    curl -i ${url}/users/2 -H 'x-api-key: ${DEMO_IDENTITIES[1].key}'   # bob (user 2)`,
      `    curl -i ${url}/users/3 -H 'x-api-key: ${DEMO_IDENTITIES[1].key}'   # 403: not bob's`,
      `    curl -i ${url}/users -H 'x-api-key: ${DEMO_IDENTITIES[0].key}'     # alice (admin)`,
      `    curl -i -X PUT ${url}/users/1                 # 405: method not allowed on this route`,
      `    curl -i ${url}/debug/crash                    # 500 with the stack trace hidden`,
      `    curl -i --path-as-is '${url}/a/../admin/stats' -H 'x-api-key: ${DEMO_IDENTITIES[0].key}'   # normalized`,
      `    curl -i ${url}/nowhere                        # 404 problem+json, upstream never asked`,
    );
  }
  lines.push('', '  Stop with Ctrl-C (drains in-flight requests).', '');
  process.stderr.write(`${lines.join('\n')}\n`);
}
