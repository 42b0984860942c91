// Runs the real `rampart` CLI as a child process (the Node that runs the tests, so Node 24), reads its
// JSON log lines, and stops it in the end.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

/** A gateway process started by `startCliGateway`. */
export interface CliGateway {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly url: string;
  readonly adminUrl: string | undefined;
  /** Every stdout line so far (JSON log lines). */
  readonly stdout: string[];
  readonly stderr: string[];
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Runs a CLI command to completion; resolves with its exit code and output. */
export async function runCli(
  args: readonly string[],
  options: { cwd?: string; timeoutMs?: number } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [MAIN, ...args], {
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 15_000);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  return { code, stdout, stderr };
}

/** Starts `rampart start -c FILE` and waits for its "rampart started" log line (bounded). */
export async function startCliGateway(configFile: string, timeoutMs = 15_000): Promise<CliGateway> {
  const child = spawn(process.execPath, [MAIN, 'start', '-c', configFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  let buffered = '';
  const started = new Promise<{ url: string; adminUrl: string | undefined }>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`gateway did not start:\n${stderr.join('')}`)),
      timeoutMs,
    );
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        stdout.push(line);
        if (!line.includes('"rampart started"')) continue;
        const entry = JSON.parse(line) as { urls: { http?: string; https?: string }; admin?: string };
        clearTimeout(timer);
        resolve({ url: entry.urls.http ?? entry.urls.https ?? '', adminUrl: entry.admin });
      }
    });
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited with ${code}:\n${stderr.join('')}`));
    });
  });
  let address: { url: string; adminUrl: string | undefined };
  try {
    address = await started;
  } catch (error) {
    // A gateway that did not start in time must not outlive the test (it would hold the runner open).
    child.kill('SIGKILL');
    throw error;
  }
  const { url, adminUrl } = address;
  return {
    child,
    pid: child.pid ?? 0,
    url,
    adminUrl,
    stdout,
    stderr,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      const exited = once(child, 'exit') as Promise<[number | null]>;
      child.kill('SIGTERM');
      const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const [code] = await exited;
      clearTimeout(kill);
      return code;
    },
  };
}
