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

const USAGE = `usage: node bench/run.ts [--duration S] [--connections N] [--rounds N] [--only SCENARIO] [--target NAME,...] [--quick] [--profile]
scenarios: ${SCENARIOS.map((s) => s.name).join(', ')}
targets:   ${TARGETS.map((t) => `${t.name}${t.byDefault ? '' : ' (opt-in)'}`).join(', ')}`;

interface Plan {
  readonly settings: LoadSettings;
  readonly scenarios: typeof SCENARIOS;
  readonly targets: readonly Target[];
  readonly profile: boolean;
  /** Every target × scenario is measured this many times, targets interleaved; medians are reported. */
  readonly rounds: number;
}

function plan(argv: readonly string[]): Plan {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      duration: { type: 'string', default: '10' },
      connections: { type: 'string', default: '50' },
      rounds: { type: 'string', default: '1' },
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
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds must be an integer >= 1');
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
    rounds,
  };
}

type TargetStatus = { name: string; description: string; role: string; error?: string };
type Context = Parameters<Target['start']>[0];
type Running = Awaited<ReturnType<Target['start']>>;

async function startTarget(
  target: Target,
  ctx: Context,
  status: TargetStatus[],
): Promise<Running | undefined> {
  try {
    const running = await target.start(ctx);
    status.push({ name: target.name, description: target.description, role: target.role });
    return running;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stdout.write(`\n✗ ${target.name} did not start, skipped: ${message}\n`);
    status.push({ name: target.name, description: target.description, role: target.role, error: message });
    return undefined;
  }
}

async function measureOne(
  target: Target,
  running: Running,
  planned: (typeof SCENARIOS)[number],
  settings: LoadSettings,
): Promise<RunRecord> {
  process.stdout.write(`  ${target.name} × ${planned.name} …\n`);
  const scenario =
    running.headers === undefined
      ? planned
      : { ...planned, headers: { ...planned.headers, ...running.headers } };
  try {
    await checkScenario(running.url, scenario);
    return {
      target: target.name,
      scenario: scenario.name,
      measurement: await measure(running.url, running.pid, scenario, settings),
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { target: target.name, scenario: scenario.name, error: message };
  }
}

/** One target at a time (started, measured on every scenario, stopped): the least memory. */
async function measureTargetByTarget(
  targets: readonly Target[],
  scenarios: typeof SCENARIOS,
  settings: LoadSettings,
  ctx: Context,
  status: TargetStatus[],
): Promise<RunRecord[]> {
  const records: RunRecord[] = [];
  for (const target of targets) {
    const running = await startTarget(target, ctx, status);
    if (running === undefined) continue;
    try {
      for (const planned of scenarios) records.push(await measureOne(target, running, planned, settings));
    } finally {
      await running.stop();
    }
  }
  return records;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

/** The median of each figure over the rounds; failures and non-2xx answers are summed. */
function medianRecord(runs: readonly RunRecord[]): RunRecord {
  const failed = runs.find((r) => r.measurement === undefined);
  if (failed !== undefined) return failed;
  const m = runs.map((r) => r.measurement!);
  const cpu = m.map((x) => x.cpuMicrosPerRequest).filter((x): x is number => x !== undefined);
  return {
    target: runs[0]!.target,
    scenario: runs[0]!.scenario,
    measurement: {
      requestsPerSecond: median(m.map((x) => x.requestsPerSecond)),
      latencyP50Ms: median(m.map((x) => x.latencyP50Ms)),
      latencyP99Ms: median(m.map((x) => x.latencyP99Ms)),
      cpuMicrosPerRequest: cpu.length === m.length ? median(cpu) : undefined,
      requests: m.reduce((sum, x) => sum + x.requests, 0),
      non2xx: m.reduce((sum, x) => sum + x.non2xx, 0),
      errors: m.reduce((sum, x) => sum + x.errors, 0),
      timeouts: m.reduce((sum, x) => sum + x.timeouts, 0),
    },
  };
}

/**
 * Every target started at once, then each scenario measured round after round with the targets
 * interleaved, so a busy moment of the machine falls on all of them alike; medians are kept.
 */
async function measureInterleaved(
  targets: readonly Target[],
  scenarios: typeof SCENARIOS,
  settings: LoadSettings,
  ctx: Context,
  rounds: number,
  status: TargetStatus[],
): Promise<RunRecord[]> {
  const started: Array<{ target: Target; running: Running }> = [];
  try {
    for (const target of targets) {
      const running = await startTarget(target, ctx, status);
      if (running !== undefined) started.push({ target, running });
    }
    const records: RunRecord[] = [];
    for (const planned of scenarios) {
      const runs = new Map<string, RunRecord[]>();
      for (let round = 0; round < rounds; round++) {
        for (const { target, running } of started) {
          const record = await measureOne(target, running, planned, settings);
          runs.set(target.name, [...(runs.get(target.name) ?? []), record]);
        }
      }
      for (const { target } of started) records.push(medianRecord(runs.get(target.name)!));
    }
    return records;
  } finally {
    for (const { running } of started) await running.stop();
  }
}

async function main(): Promise<number> {
  const { settings, scenarios, targets, profile, rounds } = plan(process.argv.slice(2));
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
      `${settings.connections} connections, ${rounds} round(s), ${cpus().length} CPUs, node ${process.version}\n`,
  );

  const targetStatus: TargetStatus[] = [];
  const records: RunRecord[] =
    rounds === 1
      ? await measureTargetByTarget(targets, scenarios, settings, ctx, targetStatus)
      : await measureInterleaved(targets, scenarios, settings, ctx, rounds, targetStatus);
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
    bodyBytes: s.body?.length ?? s.bodies?.[0]?.length ?? 0,
  }));
  const report = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    environment,
    settings: { ...settings, rounds },
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
