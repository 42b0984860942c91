// Child processes of the benchmark: start one, wait until it answers, stop it (or all of them).
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';

/** How to start a service and how to tell it is ready. */
export interface ServiceSpec {
  readonly name: string;
  /** Arguments to the current Node binary (the script first). */
  readonly args: readonly string[];
  readonly cwd: string;
  /** File that receives the child's stdout and stderr (keeps logs off the terminal). */
  readonly logFile: string;
  /** Polled until it answers 2xx. */
  readonly readyUrl: string;
  readonly readyTimeoutMs?: number;
}

/** A running child process. */
export interface Service {
  readonly name: string;
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
const STOP_GRACE_MS = 3000;
const LOG_TAIL_BYTES = 2000;

/** Spawns a service and resolves once `readyUrl` answers 2xx; rejects (and stops it) otherwise. */
export async function startService(spec: ServiceSpec): Promise<Service> {
  const fd = openSync(spec.logFile, 'a');
  const child = spawn(process.execPath, [...spec.args], { cwd: spec.cwd, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  running.add(child);
  let exited: string | undefined;
  child.once('exit', (code, signal) => {
    running.delete(child);
    exited = signal === null ? `exit code ${code}` : `signal ${signal}`;
  });
  child.once('error', (error) => {
    exited = error.message;
  });
  const deadline = Date.now() + (spec.readyTimeoutMs ?? 15_000);
  while (true) {
    if (exited !== undefined) {
      throw new Error(`${spec.name} exited before it was ready (${exited}); log:\n${logTail(spec.logFile)}`);
    }
    if (Date.now() > deadline) {
      await stopChild(child);
      throw new Error(`${spec.name} not ready within the timeout; log:\n${logTail(spec.logFile)}`);
    }
    if (await answers(spec.readyUrl)) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { name: spec.name, pid: child.pid, stop: () => stopChild(child) };
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

/** SIGTERM, then SIGKILL after a grace period; resolves when the child is gone. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Stops every child this process started and has not stopped yet. */
export async function stopAllServices(): Promise<void> {
  await Promise.all([...running].map((child) => stopChild(child)));
}

/** Synchronous last resort (process `exit`): SIGKILL whatever is still running. */
export function killAllServicesNow(): void {
  for (const child of running) child.kill('SIGKILL');
}

function logTail(file: string): string {
  try {
    const text = readFileSync(file, 'utf8');
    return text.length > LOG_TAIL_BYTES ? `…${text.slice(-LOG_TAIL_BYTES)}` : text || '(empty)';
  } catch {
    return '(no log)';
  }
}
