// `rampart start --workers N` as a child process, resolved once every worker logged "rampart started".
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

/** A started cluster: its stdout lines so far, the "rampart started" records, and a clean stop. */
export interface StartedWorkers {
  readonly child: ChildProcessByStdio<null, Readable, Readable>;
  /** Every stdout line so far (more arrive while it runs). */
  readonly lines: string[];
  /** The "rampart started" record of each worker. */
  readonly started: ReadonlyArray<{ pid: number; urls: { http: string }; admin?: string }>;
  /** SIGTERM to the primary; resolves with its exit code. */
  stop(): Promise<number | null>;
}

/** Starts `rampart start -c file --workers count`; rejects (after stopping it) if they do not all start. */
export async function startWorkers(file: string, count: number, timeoutMs = 30_000): Promise<StartedWorkers> {
  const child = spawn(process.execPath, [MAIN, 'start', '-c', file, '--workers', String(count)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const started: Array<{ pid: number; urls: { http: string }; admin?: string }> = [];
  const stop = async (): Promise<number | null> => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    const exited = once(child, 'exit') as Promise<[number | null]>;
    child.kill('SIGTERM');
    const [code] = await exited;
    return code;
  };
  let buffered = '';
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`workers did not start:\n${lines.join('\n')}`)),
      timeoutMs,
    );
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        if (!line.includes('"rampart started"')) continue;
        started.push(JSON.parse(line) as { pid: number; urls: { http: string }; admin?: string });
        if (started.length === count) {
          clearTimeout(timer);
          resolve();
        }
      }
    });
  });
  try {
    await ready;
  } catch (error) {
    await stop();
    throw error;
  }
  return { child, lines, started, stop };
}
