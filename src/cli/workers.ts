// `rampart start --workers N|auto`: the primary forks N worker processes (node:cluster) that share the
// listeners; each worker runs a whole gateway. The primary restarts crashed workers and forwards
// SIGTERM/SIGINT/SIGHUP, so one signal drains them all.
import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { serveClusterMetrics } from '../observe/cluster-metrics.ts';

// The sources in a checkout, the compiled files in the installed package (bin/build-dist.ts).
const MAIN = fileURLToPath(
  new URL(import.meta.url.endsWith('.ts') ? './main.ts' : './main.js', import.meta.url),
);
const MAX_WORKERS = 256;
// A worker that dies this soon after starting is crashing at start-up: do not restart it in a loop.
const MIN_UPTIME_MS = 5000;

/** Parses `--workers` (`auto` = the cores Node may use); throws a RangeError on anything else. */
export function parseWorkers(value: string): number {
  if (value === 'auto') return availableParallelism();
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_WORKERS) {
    throw new RangeError(
      `--workers: expected a number from 1 to ${MAX_WORKERS} or "auto", got ${JSON.stringify(value)}`,
    );
  }
  return n;
}

/** Removes `--workers N` / `--workers=N` from start's arguments (what each worker is started with). */
export function withoutWorkers(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--workers') i++;
    else if (!arg.startsWith('--workers=')) out.push(arg);
  }
  return out;
}

function note(fields: Record<string, unknown>, msg: string): void {
  process.stdout.write(
    `${JSON.stringify({ level: 30, time: Date.now(), pid: process.pid, ...fields, msg })}\n`,
  );
}

/** Runs the primary until every worker has exited after a shutdown signal; resolves to the exit code. */
export function runPrimary(startArgs: readonly string[], count: number): Promise<number> {
  cluster.setupPrimary({ exec: MAIN, args: ['start', ...startArgs] });
  let stopping = false;
  const startedAt = new Map<Worker, number>();
  const fork = (): void => {
    startedAt.set(cluster.fork(), Date.now());
  };
  note({ workers: count }, 'rampart primary starting workers');
  // A worker scraped on /metrics asks the primary for the metrics of every worker.
  const stopMetrics = serveClusterMetrics();
  for (let i = 0; i < count; i++) fork();

  return new Promise<number>((resolveExit) => {
    let failed = false;
    cluster.on('exit', (worker, code, signal) => {
      const uptime = Date.now() - (startedAt.get(worker) ?? 0);
      startedAt.delete(worker);
      if (!stopping) {
        note({ worker: worker.id, code, signal }, 'worker exited');
        if (code !== 0 && uptime >= MIN_UPTIME_MS) fork();
        else failed = failed || code !== 0;
      }
      if (Object.keys(cluster.workers ?? {}).length === 0) {
        stopMetrics();
        resolveExit(failed && !stopping ? 1 : 0);
      }
    });
    const forward = (signal: NodeJS.Signals): void => {
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
    };
    const stop = (signal: NodeJS.Signals): void => {
      stopping = true;
      forward(signal);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
    process.on('SIGHUP', () => forward('SIGHUP'));
  });
}
