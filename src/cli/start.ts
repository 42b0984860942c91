// `rampart start`: a thin command over startRampart (src/instance/start.ts): picks the config (a file,
// or the embedded defaults in front of the demo API), prints the banner, reloads on SIGHUP and file
// change, drains on SIGTERM/SIGINT, and fails fast with a clear message when a port is taken.
import cluster from 'node:cluster';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startDemoApi } from '../../examples/demo-api/server.ts';
import { demoConfigText } from '../config/defaults.ts';
import { formatConfigError } from '../config/errors.ts';
import { DEMO_IDENTITIES, seedDemoIdentities } from '../identity/demo.ts';
import { type ConfigInput, ConfigRefusedError, type Rampart, startRampart } from '../instance/start.ts';
import { parseWorkers, runPrimary, withoutWorkers } from './workers.ts';

const HELP = `Usage: rampart start [-c rampart.yaml] [--demo] [--port N] [--admin-port N] [--workers N|auto]

  -c, --config FILE   the config file (default: ./rampart.yaml when it exists)
      --demo          run the bundled demo API behind the gateway on the embedded defaults
                      (also what happens when no config file is given or found)
      --port N        the demo's gateway port (default 8080; 0 picks a free one)
      --admin-port N  the demo's admin port (default 9901; 0 picks a free one)
      --workers N|auto    run N gateway processes sharing the listeners (auto: one per core);
                      with state backend memory every worker counts its own limits

A config file names its own ports; --port and --admin-port apply to the embedded defaults only.
Signals: SIGHUP reloads the config (so does saving the file); SIGTERM/SIGINT drain and exit 0.`;

function portOption(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new RangeError(`${name} must be a port number`);
  return port;
}

/** Why a listener could not start, in words a user can act on; undefined for other errors. */
function listenProblem(error: unknown): string | undefined {
  const { code, address, port } = error as { code?: string; address?: string; port?: number };
  if (code === 'EADDRINUSE')
    return `${address}:${port} is already in use (another Rampart, or another server)`;
  if (code === 'EACCES') return `not allowed to listen on ${address}:${port}`;
  if (code === 'EADDRNOTAVAIL') return `${address} is not an address of this machine`;
  return undefined;
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
      port: { type: 'string' },
      'admin-port': { type: 'string' },
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
  let config: ConfigInput;
  if (file === undefined) {
    const ports = {
      http: portOption(values.port, 8080, '--port'),
      admin: portOption(values['admin-port'], 9901, '--admin-port'),
    };
    demo = await startDemoApi({ host: '127.0.0.1', port: 0 });
    config = { text: demoConfigText(demo.url, ports), name: '<embedded defaults>' };
  } else {
    config = { file };
  }

  let rampart: Rampart;
  try {
    rampart = await startRampart({
      config,
      ...(demo === undefined ? {} : { prepareStore: (store) => seedDemoIdentities(store, Date.now()) }),
    });
  } catch (error) {
    await demo?.close();
    if (error instanceof ConfigRefusedError) {
      for (const problem of error.errors) process.stderr.write(`${formatConfigError(problem)}\n`);
      return 1;
    }
    const problem = listenProblem(error);
    if (problem === undefined) throw error;
    const hint = file === undefined ? ' (choose others with --port and --admin-port)' : '';
    process.stderr.write(`rampart: cannot start: ${problem}${hint}\n`);
    return 1;
  }

  printBanner(rampart.url, rampart.adminUrl, file, demo !== undefined);
  rampart.logger.info(
    { urls: rampart.urls, admin: rampart.adminUrl, config: file ?? '<embedded defaults>' },
    'rampart started',
  );

  return new Promise<number>((resolveExit) => {
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      rampart.logger.info({ signal }, 'draining in-flight requests');
      await rampart.close();
      await demo?.close();
      rampart.logger.info({}, 'rampart stopped');
      rampart.logger.flush();
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
    adminUrl === undefined
      ? ''
      : `  Admin: ${adminUrl}/healthz  ${adminUrl}/readyz  ${adminUrl}/metrics\n  Dashboard: ${adminUrl}/dashboard/`,
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
      `    curl -i "${url}/users?q=%27%20or%201%3D1--" -H 'x-api-key: ${DEMO_IDENTITIES[0].key}'   # 403: SQL injection`,
    );
  }
  lines.push('', '  Stop with Ctrl-C (drains in-flight requests).', '');
  process.stderr.write(`${lines.join('\n')}\n`);
}
