// GraphQL through the gateway: the same query sent to graphql-http directly, through a gateway route
// without the graphql policy, and through one with it (schema, cost model, roles, detection, hint
// stripping). Short by default: `npx node bench/graphql.ts [--duration 5] [--connections 10]`.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { GATEWAY_SDL } from '../test/helpers/graphql-upstream.ts';
import { checkScenario, type Measurement, measure } from './load.ts';
import { freePort } from './ports.ts';
import type { Scenario } from './scenarios.ts';
import { killAllServicesNow, startService, stopAllServices } from './services.ts';
import { gatewayTarget, type RunningTarget, type TargetContext } from './targets.ts';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '5' },
    connections: { type: 'string', default: '10' },
  },
});
const durationSeconds = Number(values.duration);
const settings = {
  durationSeconds,
  warmupSeconds: Math.min(2, Math.max(1, durationSeconds / 5)),
  connections: Number(values.connections),
};

const QUERY = {
  query: 'query Team($n: Int) { users(first: $n) { id name friends(first: 2) { name } } }',
  variables: { n: 3 },
  operationName: 'Team',
};
const scenario: Scenario = {
  name: 'graphql-query',
  description: 'POST /graphql: a named query with a variable, nested list, three users',
  method: 'POST',
  path: '/graphql',
  headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
  body: JSON.stringify(QUERY),
};

const repoRoot = new URL('..', import.meta.url).pathname;
const workDir = mkdtempSync(join(tmpdir(), 'rampart-bench-graphql-'));
writeFileSync(join(workDir, 'schema.graphql'), GATEWAY_SDL);
process.once('exit', killAllServicesNow);

const results: Array<{ target: string; measurement: Measurement }> = [];
try {
  const upstreamPort = await freePort();
  const upstreamUrl = `http://127.0.0.1:${upstreamPort}`;
  const upstream = await startService({
    name: 'graphql-upstream',
    args: ['bench/graphql-upstream.ts', '--port', String(upstreamPort)],
    cwd: repoRoot,
    logFile: join(workDir, 'upstream.log'),
    readyUrl: `${upstreamUrl}/graphql?query=%7B__typename%7D`,
  });
  const ctx: TargetContext = { upstreamUrl, upstreamPid: upstream.pid, workDir, repoRoot, nodeFlags: [] };
  const targets: Array<{ name: string; start: () => Promise<RunningTarget> }> = [
    { name: 'direct', start: async () => ({ url: upstreamUrl, pid: upstream.pid, stop: async () => {} }) },
    {
      name: 'gateway',
      start: () =>
        gatewayTarget({
          name: 'gateway',
          description: 'no graphql policy',
          policies: {},
          accessLog: false,
        }).start(ctx),
    },
    {
      name: 'gateway-graphql',
      start: () =>
        gatewayTarget({
          name: 'gateway-graphql',
          description: 'graphql policy with schema, cost model, role rules and detection',
          policies: { graphql: { schema: join(workDir, 'schema.graphql'), maxDepth: 8, detect: {} } },
          accessLog: false,
        }).start(ctx),
    },
  ];
  for (const target of targets) {
    const running = await target.start();
    try {
      await checkScenario(running.url, scenario);
      results.push({
        target: target.name,
        measurement: await measure(running.url, running.pid, scenario, settings),
      });
    } finally {
      if (target.name !== 'direct') await running.stop();
    }
  }
} finally {
  await stopAllServices();
  rmSync(workDir, { recursive: true, force: true });
}

const direct = results.find((r) => r.target === 'direct')?.measurement.requestsPerSecond ?? 0;
process.stdout.write(
  `${scenario.description}; ${settings.connections} connections, ${durationSeconds} s each\n`,
);
process.stdout.write('target            req/s   vs direct   p50 ms   p99 ms   CPU µs/req   non-2xx\n');
for (const { target, measurement: m } of results) {
  const ratio = direct === 0 ? '' : `${Math.round((m.requestsPerSecond / direct) * 100)}%`;
  process.stdout.write(
    `${target.padEnd(16)} ${String(m.requestsPerSecond).padStart(6)} ${ratio.padStart(11)} ${String(m.latencyP50Ms).padStart(8)} ${String(m.latencyP99Ms).padStart(8)} ${String(m.cpuMicrosPerRequest ?? '').padStart(12)} ${String(m.non2xx + m.errors).padStart(9)}\n`,
  );
}
