// Runs the `rampart` CLI: a command in-process with its output captured (`runCliInProcess`), or the
// real CLI as a child process (the Node that runs the tests, so Node 24) where the process boundary
// is what a test is about: `start` (JSON log lines, signals) and the executable itself.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { CliIo } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';
import { createLogLines, type LogRecord } from './log-lines.ts';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

/** What a finished command printed and its exit code. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a CLI command in this process, as `rampart ARGS` would in a shell at `cwd` with `env` and
 * `stdin` piped in (defaults: this process's directory and environment, empty input).
 */
export async function runCliInProcess(
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string | undefined>; stdin?: string } = {},
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    stdin: Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]),
    env: options.env ?? process.env,
    cwd: options.cwd ?? process.cwd(),
  };
  let code: number;
  try {
    code = await main(args, io);
  } catch (error) {
    // What the executable does with an unexpected error (src/cli/main.ts).
    stderr += `rampart: ${(error as Error).message}\n`;
    code = 1;
  }
  return { code, stdout, stderr };
}

/** A gateway process started by `startCliGateway`. */
export interface CliGateway {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly url: string;
  readonly adminUrl: string | undefined;
  /** Every stdout line so far (JSON log lines). */
  readonly stdout: string[];
  /** Resolves with the first stdout log record `match` accepts from line `from` on, or to come. */
  waitForLog(match: (record: LogRecord) => boolean, from?: number): Promise<LogRecord>;
  readonly stderr: string[];
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Runs a CLI command as a child process of `executable` (default src/cli/main.ts) to completion. */
export async function runCli(
  args: readonly string[],
  options: { cwd?: string; timeoutMs?: number; executable?: string } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [options.executable ?? MAIN, ...args], {
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
  const log = createLogLines();
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
        log.push(line);
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
    stdout: log.lines,
    waitForLog: log.waitFor,
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
