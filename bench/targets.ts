// What the benchmark loads: the upstream directly, the bare proxy, and gateway configurations.
// Add a gateway configuration (rate limit, detect, workers) with one more gatewayTarget(...) entry.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startRedis } from '../test/helpers/redis.ts';
import { BENCH_AUDIENCE, BENCH_ISSUER, BENCH_JWT, writeBenchJwtKey, writeBenchStore } from './identity.ts';
import { modsecurityTarget } from './modsecurity/nginx.ts';
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
  /** Headers every request to this target carries besides the scenario's (a Bearer token). */
  readonly headers?: Readonly<Record<string, string>>;
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

const fastifyProxy: Target = {
  name: 'fastify-proxy',
  description: 'fastify + @fastify/http-proxy, no policies: a peer Node proxy',
  role: 'reference',
  byDefault: true,
  async start(ctx) {
    const port = await freePort();
    const service = await startService({
      name: 'fastify-proxy',
      args: [
        ...ctx.nodeFlags,
        'bench/fastify-proxy.ts',
        '--port',
        String(port),
        '--upstream',
        ctx.upstreamUrl,
      ],
      cwd: ctx.repoRoot,
      logFile: join(ctx.workDir, 'fastify-proxy.log'),
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
  /** `rampart start --workers N` (the CPU column then counts the primary only). */
  readonly workers?: number;
  /** Run a redis-server for this target and use it as the state backend. */
  readonly redisState?: boolean;
  /**
   * Run the gateway from another checkout (an earlier commit with its node_modules), named by this
   * environment variable, so a change is compared with what came before in the same run.
   */
  readonly checkoutFromEnv?: string;
  /** Headers every request carries besides the scenario's (the full target's Bearer token). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Prepares files in the work dir and returns extra top-level config (e.g. `store`) and policies. */
  readonly setup?: (
    ctx: TargetContext,
  ) => Promise<{ config?: Record<string, unknown>; policies?: Record<string, unknown> }>;
}

/** A Rampart gateway started by its CLI on a config file this function writes. */
export function gatewayTarget(options: GatewayTargetOptions): Target {
  return {
    name: options.name,
    description: options.description,
    role: 'subject',
    byDefault: options.byDefault ?? true,
    async start(ctx) {
      const checkout =
        options.checkoutFromEnv === undefined ? ctx.repoRoot : process.env[options.checkoutFromEnv];
      if (checkout === undefined || checkout === '') {
        throw new Error(`${options.name}: set ${options.checkoutFromEnv} to the checkout to compare with`);
      }
      const port = await freePort();
      const adminPort = await freePort();
      const redis = options.redisState === true ? await startRedis() : undefined;
      const extra = (await options.setup?.(ctx)) ?? {};
      const config = {
        version: 1,
        ...extra.config,
        ...(redis === undefined ? {} : { state: { backend: 'redis', redis: { url: redis.url } } }),
        server: { http: { host: '127.0.0.1', port } },
        admin: { host: '127.0.0.1', port: adminPort },
        log: { level: 'info', accessLog: options.accessLog ?? true },
        upstreams: { bench: { url: ctx.upstreamUrl, connections: 128 } },
        routes: [
          {
            name: 'bench',
            match: { path: '/*' },
            upstream: 'bench',
            policies: { ...options.policies, ...extra.policies },
          },
        ],
      };
      const configFile = join(ctx.workDir, `${options.name}.yaml`);
      writeFileSync(configFile, stringify(config));
      const service = await startService({
        name: options.name,
        args: [
          ...ctx.nodeFlags,
          'src/cli/main.ts',
          'start',
          '-c',
          configFile,
          ...(options.workers === undefined ? [] : ['--workers', String(options.workers)]),
        ],
        cwd: checkout,
        logFile: join(ctx.workDir, `${options.name}.log`),
        readyUrl: `http://127.0.0.1:${adminPort}/readyz`,
        readyTimeoutMs: 30_000,
      });
      const stop = async (): Promise<void> => {
        await service.stop();
        await redis?.stop();
      };
      return {
        url: `http://127.0.0.1:${port}`,
        pid: service.pid,
        stop,
        ...(options.headers === undefined ? {} : { headers: options.headers }),
      };
    },
  };
}

const INGRESS_POLICIES = {
  'request-limits': { maxBodyBytes: '1mb' },
  methods: { allow: ['GET', 'POST'] },
  'security-headers': {},
};

// Absolute: gateway configs are written to a temporary directory.
const CONTRACT = new URL('./contract.yaml', import.meta.url).pathname;

function jwtBenchPolicy(ctx: TargetContext, cacheSize: number): Record<string, unknown> {
  return {
    issuer: BENCH_ISSUER,
    audience: [BENCH_AUDIENCE],
    keys: [writeBenchJwtKey(ctx.workDir)],
    algorithms: ['ES256'],
    cacheSize,
  };
}

/** Every kind of sink, with receivers that accept (the upstream) or need none (UDP, a file). */
function benchSinks(ctx: TargetContext, events: readonly string[]): Array<Record<string, unknown>> {
  return [
    { name: 'file', type: 'file', events, path: join(ctx.workDir, 'events.jsonl') },
    // UDP to the upstream's port: nothing listens there for UDP, datagrams are sent and lost.
    {
      name: 'syslog',
      type: 'syslog',
      events,
      protocol: 'udp',
      host: '127.0.0.1',
      port: Number(new URL(ctx.upstreamUrl).port),
    },
    { name: 'webhook', type: 'http', events, url: `${ctx.upstreamUrl}/sink` },
    { name: 'hec', type: 'http', events, shape: 'splunk-hec', url: `${ctx.upstreamUrl}/hec` },
    { name: 'otlp', type: 'otlp-logs', events, url: `${ctx.upstreamUrl}/v1/logs` },
  ];
}

/** What the full targets run besides jwt: a careful user's request pipeline. */
const FULL_POLICIES = {
  ...INGRESS_POLICIES,
  authorize: { anyOf: ['bench:read'] },
  'rate-limit': { rules: [{ name: 'bench', limit: '100000000/h', key: ['consumer'] }] },
  'openapi-validate': { spec: CONTRACT },
  detect: { paranoia: 1 },
};

/** Every known target, in the order they run. */
export const TARGETS: readonly Target[] = [
  direct,
  bareProxy,
  fastifyProxy,
  gatewayTarget({
    name: 'gateway',
    description: 'Rampart: request-limits, methods, security-headers, access log',
    policies: INGRESS_POLICIES,
  }),
  gatewayTarget({
    name: 'gateway-full',
    byDefault: true,
    description:
      'what a careful user runs: jwt (ES256, cache on), rate-limit (memory), openapi-validate (strict, closed ' +
      'order schema), detect (P1), request-limits, security-headers; every request carries the Bearer token',
    headers: { authorization: `Bearer ${BENCH_JWT}` },
    policies: FULL_POLICIES,
    setup: async (ctx) => ({ policies: { jwt: jwtBenchPolicy(ctx, 10_000) } }),
  }),
  gatewayTarget({
    name: 'gateway-full-new-token',
    byDefault: false,
    description:
      'as gateway-full with the verified-token cache off: every request pays a full ES256 verification, as a new token would',
    headers: { authorization: `Bearer ${BENCH_JWT}` },
    policies: FULL_POLICIES,
    setup: async (ctx) => ({ policies: { jwt: jwtBenchPolicy(ctx, 0) } }),
  }),
  gatewayTarget({
    name: 'gateway-baseline',
    description: 'as gateway, run from the checkout in RAMPART_BENCH_BASELINE (an earlier commit)',
    byDefault: false,
    checkoutFromEnv: 'RAMPART_BENCH_BASELINE',
    policies: INGRESS_POLICIES,
  }),
  gatewayTarget({
    name: 'gateway-inventory',
    description: 'as gateway, plus traffic learning (inventory: {}, its store in the work dir)',
    byDefault: false,
    policies: INGRESS_POLICIES,
    setup: async (ctx) => ({
      config: { store: { sqlite: join(ctx.workDir, 'inventory.db') }, inventory: {} },
    }),
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
    name: 'gateway-detect-p1',
    description: 'as gateway, plus detect (threat engine) at paranoia 1',
    policies: { ...INGRESS_POLICIES, detect: { paranoia: 1 } },
  }),
  gatewayTarget({
    name: 'gateway-detect-p2',
    description: 'as gateway, plus detect (threat engine) at paranoia 2',
    policies: { ...INGRESS_POLICIES, detect: { paranoia: 2 } },
  }),
  modsecurityTarget(1),
  modsecurityTarget(2),
  gatewayTarget({
    name: 'gateway-ratelimit-memory',
    description: 'as gateway-no-log, plus rate-limit (sliding window per client IP) on memory state',
    byDefault: false,
    accessLog: false,
    policies: { ...INGRESS_POLICIES, 'rate-limit': { rules: [{ name: 'bench', limit: '100000000/h' }] } },
  }),
  gatewayTarget({
    name: 'gateway-ratelimit-redis',
    description: 'as gateway-ratelimit-memory, on Redis state (one Lua script per request)',
    byDefault: false,
    accessLog: false,
    redisState: true,
    policies: { ...INGRESS_POLICIES, 'rate-limit': { rules: [{ name: 'bench', limit: '100000000/h' }] } },
  }),
  gatewayTarget({
    name: 'gateway-workers-1',
    description: 'as gateway-no-log, rampart start --workers 1',
    byDefault: false,
    accessLog: false,
    workers: 1,
    policies: INGRESS_POLICIES,
  }),
  gatewayTarget({
    name: 'gateway-workers-2',
    description: 'as gateway-no-log, rampart start --workers 2',
    byDefault: false,
    accessLog: false,
    workers: 2,
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
  gatewayTarget({
    name: 'gateway-api-key',
    description:
      'as gateway-no-log, plus api-key (store lookup cached) and authorize (run with --only get-auth)',
    byDefault: false,
    accessLog: false,
    policies: { ...INGRESS_POLICIES, authorize: { anyOf: ['bench'] } },
    setup: async (ctx) => ({
      config: { store: await writeBenchStore(ctx.workDir) },
      policies: { 'api-key': {} },
    }),
  }),
  gatewayTarget({
    name: 'gateway-jwt',
    description:
      'as gateway-no-log, plus jwt (ES256, verified tokens cached) and authorize (--only get-auth)',
    byDefault: false,
    accessLog: false,
    policies: { ...INGRESS_POLICIES, authorize: { anyOf: ['bench:read'] } },
    setup: async (ctx) => ({ policies: { jwt: jwtBenchPolicy(ctx, 10_000) } }),
  }),
  gatewayTarget({
    name: 'gateway-jwt-nocache',
    description:
      'as gateway-jwt with the token cache off: a full ES256 verification per request, as a new token would',
    byDefault: false,
    accessLog: false,
    policies: { ...INGRESS_POLICIES, authorize: { anyOf: ['bench:read'] } },
    setup: async (ctx) => ({ policies: { jwt: jwtBenchPolicy(ctx, 0) } }),
  }),
  gatewayTarget({
    name: 'gateway-openapi',
    description: 'as gateway-no-log, plus openapi-validate (strict) against bench/contract.yaml',
    byDefault: false,
    accessLog: false,
    policies: { ...INGRESS_POLICIES, 'openapi-validate': { spec: CONTRACT } },
  }),
  gatewayTarget({
    name: 'gateway-response-contract',
    description: 'as gateway-no-log, plus response-filter and sensitive-data (mask) on every response',
    byDefault: false,
    accessLog: false,
    policies: {
      ...INGRESS_POLICIES,
      'response-filter': { spec: CONTRACT },
      'sensitive-data': { types: { email: 'mask', phone: 'mask' } },
    },
  }),
  gatewayTarget({
    name: 'gateway-sinks',
    description:
      'as gateway, plus every sink: file, syslog UDP, webhook, Splunk HEC and OTLP logs (to the upstream), ' +
      'security events only (the default); benign traffic raises none',
    byDefault: false,
    policies: INGRESS_POLICIES,
    setup: async (ctx) => ({ config: { observability: { sinks: benchSinks(ctx, ['security']) } } }),
  }),
  gatewayTarget({
    name: 'gateway-sinks-requests',
    description:
      'as gateway-sinks, every request exported too (an OCSF HTTP Activity per request to each sink)',
    byDefault: false,
    policies: INGRESS_POLICIES,
    setup: async (ctx) => ({
      config: { observability: { sinks: benchSinks(ctx, ['security', 'requests']) } },
    }),
  }),
  gatewayTarget({
    name: 'gateway-tracing',
    description: 'as gateway, plus tracing (every request sampled, spans exported over OTLP to the upstream)',
    byDefault: false,
    policies: INGRESS_POLICIES,
    setup: async (ctx) => ({
      config: { observability: { tracing: { enabled: true, url: `${ctx.upstreamUrl}/v1/traces` } } },
    }),
  }),
];
