// nginx + ModSecurity v3 + OWASP CRS as a benchmark and eval target, run by setup.sh in a temp dir
// (ephemeral port on 127.0.0.1, blocking mode, CRS paranoia 1–4) in front of the shared upstream.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../ports.ts';
import type { Target } from '../targets.ts';

const SETUP = join(import.meta.dirname, 'setup.sh');
const READY_TIMEOUT_MS = 30_000;
const running = new Set<ChildProcess>();

/** Installs the Debian packages when missing; throws with the reason when that is impossible. */
export function ensureModsecurityInstalled(): void {
  const result = spawnSync('bash', [SETUP, 'install'], {
    stdio: ['ignore', 'inherit', 'pipe'],
    encoding: 'utf8',
  });
  if (result.status !== 0)
    throw new Error(`ModSecurity setup failed: ${result.stderr.trim() || result.status}`);
}

/** The nginx worker's pid (the process that spends the CPU), else the master's. */
function workerPid(master: number | undefined): number | undefined {
  if (master === undefined) return undefined;
  try {
    const children = readFileSync(`/proc/${master}/task/${master}/children`, 'utf8').trim().split(/\s+/);
    const first = Number(children[0]);
    return Number.isInteger(first) && first > 0 ? first : master;
  } catch {
    return master;
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
    await res.arrayBuffer();
    return res.status >= 200 && res.status < 300;
  } catch {
    return false;
  }
}

/** A target that runs nginx + ModSecurity + CRS at the given paranoia level. */
export function modsecurityTarget(paranoia: number, byDefault = false): Target {
  return {
    name: `nginx-modsecurity-pl${paranoia}`,
    description: `nginx + ModSecurity v3 + OWASP CRS, blocking, paranoia ${paranoia}`,
    role: 'subject',
    byDefault,
    async start(ctx) {
      ensureModsecurityInstalled();
      const dir = mkdtempSync(join(ctx.workDir, `nginx-pl${paranoia}-`));
      const port = await freePort();
      const upstreamPort = new URL(ctx.upstreamUrl).port;
      const log = openSync(join(dir, 'setup.log'), 'a');
      const child = spawn('bash', [SETUP, 'run', dir, String(port), upstreamPort, String(paranoia)], {
        stdio: ['ignore', log, log],
      });
      closeSync(log);
      running.add(child);
      let exited: string | undefined;
      child.once('exit', (code, signal) => {
        running.delete(child);
        exited = signal ?? `exit code ${code}`;
      });
      const url = `http://127.0.0.1:${port}`;
      const deadline = Date.now() + READY_TIMEOUT_MS;
      while (!(await answers(`${url}/small`))) {
        if (exited !== undefined || Date.now() > deadline) {
          child.kill('SIGKILL');
          throw new Error(
            `nginx did not start (${exited ?? 'timeout'}): ${readFileSync(join(dir, 'setup.log'), 'utf8').slice(-1500)}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      return {
        url,
        pid: workerPid(child.pid),
        async stop() {
          if (child.exitCode === null && child.signalCode === null) {
            const gone = new Promise((resolve) => child.once('exit', resolve));
            // SIGTERM is nginx's fast shutdown; the master stops its worker before it exits.
            child.kill('SIGTERM');
            const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
            await gone;
            clearTimeout(timer);
          }
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  };
}

// A benchmark interrupted mid-run must not leave nginx listening.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});
