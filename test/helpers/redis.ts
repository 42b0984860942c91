// Starts a real redis-server for tests: ephemeral port, temp dir, no persistence; stop() kills it and
// removes the dir. `restart()` brings it back on the same port (for outage tests).
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { StateStore } from '../../src/state/state.ts';

/** A redis-server started by a test. */
export interface TestRedis {
  readonly url: string;
  readonly port: number;
  /** Kills the server (SIGKILL: a crash, not a clean shutdown). */
  kill(): Promise<void>;
  /** Starts it again on the same port after `kill()`. */
  restart(): Promise<void>;
  /** Kills it and removes its directory. */
  stop(): Promise<void>;
}

/** A port free on 127.0.0.1 right now (the OS picks it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  server.close();
  await once(server, 'close');
  return port;
}

async function launch(port: number, dir: string): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${output}`)), 10_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}:\n${output}`));
    });
  });
  child.stdout?.resume();
  child.removeAllListeners('exit');
  return child;
}

/** Starts redis-server on 127.0.0.1 and an ephemeral port. */
export async function startRedis(): Promise<TestRedis> {
  const dir = await mkdtemp(join(tmpdir(), 'rampart-redis-'));
  const port = await freePort();
  let child: ChildProcess | undefined = await launch(port, dir);
  const kill = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (running === undefined || running.exitCode !== null) return;
    const exited = once(running, 'exit');
    running.kill('SIGKILL');
    await exited;
  };
  return {
    url: `redis://127.0.0.1:${port}/0`,
    port,
    kill,
    async restart() {
      await kill();
      child = await launch(port, dir);
    },
    async stop() {
      await kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Resolves once a Redis-backed state answers (it connects in the background and fails fast until
 * then); polls every 25 ms, at most 5 s.
 */
export async function waitForState(state: StateStore): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      await state.count('ping');
      return;
    } catch {
      await delay(25);
    }
  }
  throw new Error('redis state never became ready');
}
