// What the benchmark loads: the upstream directly, the bare proxy, and gateway configurations.
// Add a gateway configuration (rate limit, detect, workers) with one more gatewayTarget(...) entry.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort } from './ports.ts';
import { startService } from './services.ts';

/** What every target gets to start with. */
export interface TargetContext {
  /** The shared upstream's origin and process id. */
  readonly upstreamUrl: string;
  readonly upstreamPid: number | undefined;
  /** A temporary directory for configs and logs of this run. */
  readonly workDir: string;
  /** The repository root (children run from there). */
  readonly repoRoot: string;
  /** Extra Node flags for the target processes (`--cpu-prof …` with `--profile`). */
  readonly nodeFlags: readonly string[];
}

/** A started target: where to send load, and how to stop it. */
export interface RunningTarget {
  readonly url: string;
  /** The process whose CPU time is charged to the target (the upstream's for `direct`). */
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

/** Something the benchmark can load. `role` decides how the report compares it. */
export interface Target {
  readonly name: string;
  readonly description: string;
  /** `reference` targets are the baselines every other target is divided by. */
  readonly role: 'reference' | 'subject';
  /** Whether it runs when no `--target` is given. */
  readonly byDefault: boolean;
  start(ctx: TargetContext): Promise<RunningTarget>;
}

const direct: Target = {
  name: 'direct',
  description: 'the upstream itself, no proxy',
  role: 'reference',
  byDefault: true,
  start: async (ctx) => ({ url: ctx.upstreamUrl, pid: ctx.upstreamPid, stop: async () => {} }),
};

const bareProxy: Target = {
  name: 'bare-proxy',
  description: 'node:http + undici.Pool, streaming, no policies',
  role: 'reference',
  byDefault: true,
  async start(ctx) {
    const port = await freePort();
    const service = await startService({
      name: 'bare-proxy',
      args: [...ctx.nodeFlags, 'bench/bare-proxy.ts', '--port', String(port), '--upstream', ctx.upstreamUrl],
      cwd: ctx.repoRoot,
      logFile: join(ctx.workDir, 'bare-proxy.log'),
      readyUrl: `http://127.0.0.1:${port}/small`,
    });
    return { url: `http://127.0.0.1:${port}`, pid: service.pid, stop: () => service.stop() };
  },
};

/** A gateway configuration to benchmark: the policies of its single catch-all route. */
export interface GatewayTargetOptions {
  readonly name: string;
  readonly description: string;
  readonly policies: Readonly<Record<string, unknown>>;
  readonly byDefault?: boolean;
  /** Access log on (the default) or off; lines go to a file either way, never the terminal. */
  readonly accessLog?: boolean;
}

/** A Rampart gateway started by its CLI on a config file this function writes. */
export function gatewayTarget(options: GatewayTargetOptions): Target {
  return {
    name: options.name,
    description: options.description,
    role: 'subject',
    byDefault: options.byDefault ?? true,
    async start(ctx) {
      const port = await freePort();
      const adminPort = await freePort();
      const config = {
        version: 1,
        server: { http: { host: '127.0.0.1', port } },
        admin: { host: '127.0.0.1', port: adminPort },
        log: { level: 'info', accessLog: options.accessLog ?? true },
        upstreams: { bench: { url: ctx.upstreamUrl, connections: 128 } },
        routes: [{ name: 'bench', match: { path: '/*' }, upstream: 'bench', policies: options.policies }],
      };
      const configFile = join(ctx.workDir, `${options.name}.yaml`);
      writeFileSync(configFile, stringify(config));
      const service = await startService({
        name: options.name,
        args: [...ctx.nodeFlags, 'src/cli/main.ts', 'start', '-c', configFile],
        cwd: ctx.repoRoot,
        logFile: join(ctx.workDir, `${options.name}.log`),
        readyUrl: `http://127.0.0.1:${adminPort}/readyz`,
        readyTimeoutMs: 30_000,
      });
      return { url: `http://127.0.0.1:${port}`, pid: service.pid, stop: () => service.stop() };
    },
  };
}

const INGRESS_POLICIES = {
  'request-limits': { maxBodyBytes: '1mb' },
  methods: { allow: ['GET', 'POST'] },
  'security-headers': {},
};

/** Every known target, in the order they run. */
export const TARGETS: readonly Target[] = [
  direct,
  bareProxy,
  gatewayTarget({
    name: 'gateway',
    description: 'Rampart: request-limits, methods, security-headers, access log',
    policies: INGRESS_POLICIES,
  }),
  gatewayTarget({
    name: 'gateway-no-policies',
    description: 'Rampart with no policies, access log on: the pipeline and proxy alone',
    byDefault: false,
    policies: {},
  }),
  gatewayTarget({
    name: 'gateway-no-log',
    description: 'as gateway, access log off',
    byDefault: false,
    accessLog: false,
    policies: INGRESS_POLICIES,
  }),
  gatewayTarget({
    name: 'gateway-json',
    description: 'as gateway, plus JSON shape limits (bodies buffered and scanned)',
    byDefault: false,
    policies: {
      ...INGRESS_POLICIES,
      'request-limits': { maxBodyBytes: '1mb', json: { maxDepth: 32, maxKeys: 10_000 } },
    },
  }),
];
