// The benchmark harness (`npm run bench`): loads the upstream directly, through a bare proxy and
// through Rampart, prints req/s and latency with ratios, and writes bench/results/<timestamp>.json.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { checkScenario, type LoadSettings, measure, stopLoad } from './load.ts';
import { freePort } from './ports.ts';
import { computeRatios, formatRatios, formatRuns, isClean, type RunRecord } from './report.ts';
import { SCENARIOS } from './scenarios.ts';
import { killAllServicesNow, startService, stopAllServices } from './services.ts';
import { TARGETS, type Target } from './targets.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const USAGE = `usage: node bench/run.ts [--duration S] [--connections N] [--only SCENARIO] [--target NAME,...] [--quick] [--profile]
scenarios: ${SCENARIOS.map((s) => s.name).join(', ')}
targets:   ${TARGETS.map((t) => `${t.name}${t.byDefault ? '' : ' (opt-in)'}`).join(', ')}`;

interface Plan {
  readonly settings: LoadSettings;
  readonly scenarios: typeof SCENARIOS;
  readonly targets: readonly Target[];
  readonly profile: boolean;
}

function plan(argv: readonly string[]): Plan {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      duration: { type: 'string', default: '10' },
      connections: { type: 'string', default: '50' },
      only: { type: 'string' },
      target: { type: 'string' },
      quick: { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const durationSeconds = values.quick ? 2 : Number(values.duration);
  const connections = Number(values.connections);
  if (!Number.isInteger(durationSeconds) || durationSeconds < 1)
    throw new Error('--duration must be an integer >= 1');
  if (!Number.isInteger(connections) || connections < 1)
    throw new Error('--connections must be an integer >= 1');
  const scenarios = SCENARIOS.filter((s) => values.only === undefined || s.name === values.only);
  if (scenarios.length === 0) throw new Error(`unknown scenario ${values.only}\n${USAGE}`);
  const names = values.target?.split(',').map((name) => name.trim());
  const targets = TARGETS.filter((t) => (names === undefined ? t.byDefault : names.includes(t.name)));
  const unknown = names?.filter((name) => !TARGETS.some((t) => t.name === name)) ?? [];
  if (unknown.length > 0 || targets.length === 0)
    throw new Error(`unknown target ${unknown.join(', ')}\n${USAGE}`);
  const warmupSeconds = values.quick ? 1 : Math.min(3, Math.max(1, Math.round(durationSeconds / 5)));
  return {
    settings: { durationSeconds, warmupSeconds, connections },
    scenarios,
    targets,
    profile: values.profile,
  };
}

async function main(): Promise<number> {
  const { settings, scenarios, targets, profile } = plan(process.argv.slice(2));
  const startedAt = new Date();
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const resultsDir = join(repoRoot, 'bench', 'results');
  const profileDir = join(tmpdir(), `rampart-bench-profiles-${stamp}`);
  const nodeFlags = profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const workDir = mkdtempSync(join(tmpdir(), 'rampart-bench-'));
  const upstreamPort = await freePort();
  const upstream = await startService({
    name: 'upstream',
    args: ['bench/upstream.ts', '--port', String(upstreamPort)],
    cwd: repoRoot,
    logFile: join(workDir, 'upstream.log'),
    readyUrl: `http://127.0.0.1:${upstreamPort}/small`,
  });
  const ctx = {
    upstreamUrl: `http://127.0.0.1:${upstreamPort}`,
    upstreamPid: upstream.pid,
    workDir,
    repoRoot,
    nodeFlags,
  };
  process.stdout.write(
    `bench: ${settings.durationSeconds}s per run (+${settings.warmupSeconds}s warm-up), ` +
      `${settings.connections} connections, ${cpus().length} CPUs, node ${process.version}\n`,
  );

  const records: RunRecord[] = [];
  const targetStatus: Array<{ name: string; description: string; role: string; error?: string }> = [];
  for (const target of targets) {
    let running: Awaited<ReturnType<Target['start']>>;
    try {
      running = await target.start(ctx);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      process.stdout.write(`\n✗ ${target.name} did not start, skipped: ${message}\n`);
      targetStatus.push({
        name: target.name,
        description: target.description,
        role: target.role,
        error: message,
      });
      continue;
    }
    targetStatus.push({ name: target.name, description: target.description, role: target.role });
    try {
      for (const planned of scenarios) {
        process.stdout.write(`  ${target.name} × ${planned.name} …\n`);
        const scenario =
          running.headers === undefined
            ? planned
            : { ...planned, headers: { ...planned.headers, ...running.headers } };
        try {
          await checkScenario(running.url, scenario);
          records.push({
            target: target.name,
            scenario: scenario.name,
            measurement: await measure(running.url, running.pid, scenario, settings),
          });
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          records.push({ target: target.name, scenario: scenario.name, error: message });
        }
      }
    } finally {
      await running.stop();
    }
  }
  await upstream.stop();

  const ratios = computeRatios(
    records,
    targets.filter((t) => t.role === 'reference').map((t) => t.name),
    targets.filter((t) => t.role === 'subject').map((t) => t.name),
  );
  process.stdout.write(`\n${formatRuns(records)}\n`);
  if (ratios.length > 0) process.stdout.write(`\n${formatRatios(ratios)}\n`);

  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `${stamp}.json`);
  const environment = {
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
  };
  const scenarioInfo = scenarios.map((s) => ({
    name: s.name,
    description: s.description,
    method: s.method,
    bodyBytes: s.body?.length ?? 0,
  }));
  const report = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    environment,
    settings,
    scenarios: scenarioInfo,
    targets: targetStatus,
    runs: records,
    ratios,
  };
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`\nresults: ${file}\n`);
  if (profile) process.stdout.write(`CPU profiles (open in Chrome DevTools): ${profileDir}\n`);

  const failures = [
    ...targetStatus.filter((t) => t.error !== undefined).map((t) => `target ${t.name} did not start`),
    ...records
      .filter((r) => r.measurement === undefined)
      .map((r) => `${r.target} × ${r.scenario}: ${r.error}`),
    ...records
      .filter((r) => r.measurement !== undefined && !isClean(r.measurement))
      .map((r) => `${r.target} × ${r.scenario}: not every request answered 2xx`),
  ];
  if (failures.length === 0) {
    rmSync(workDir, { recursive: true, force: true });
    return 0;
  }
  process.stdout.write(
    `\nFAILED:\n${failures.map((f) => `  - ${f}`).join('\n')}\nlogs and configs kept in ${workDir}\n`,
  );
  return 1;
}

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    process.stderr.write(`\n${signal}: stopping\n`);
    stopLoad();
    void stopAllServices().finally(() => process.exit(130));
  });
}
process.once('exit', killAllServicesNow);

main().then(
  async (code) => {
    await stopAllServices();
    if (!interrupted) process.exitCode = code;
  },
  async (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
    await stopAllServices();
    process.exitCode = 1;
  },
);
