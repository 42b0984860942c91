// Starts a real PostgreSQL server for tests: Debian's binaries (/usr/lib/postgresql/<v>/bin), a fresh
// cluster in a temp dir, 127.0.0.1 and an ephemeral port, no fsync. The server refuses to run as root,
// so as root the cluster belongs to the `postgres` user (runuser). stop() shuts it down and removes it.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './redis.ts';

const run = promisify(execFile);

/** A PostgreSQL server started by a test. */
export interface TestPostgres {
  /** postgres://postgres@127.0.0.1:<port>/<database> (trust authentication on loopback). */
  readonly url: string;
  /** A URL for another, new database on the same server (so tests do not share tables). */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

/** Where Debian installs the server binaries; undefined when PostgreSQL is not installed. */
export function postgresBinaries(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], 'bin');
}

/** Why the PostgreSQL tests cannot run here, or undefined when they can. */
export function postgresSkipReason(): string | undefined {
  return postgresBinaries() === undefined
    ? 'PostgreSQL server binaries not found under /usr/lib/postgresql (apt-get install postgresql)'
    : undefined;
}

const asRoot = userInfo().uid === 0;
/** The command line that runs `binary` as the cluster's owner. */
const command = (bin: string, binary: string, args: string[]): [string, string[]] =>
  asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, binary), ...args]] : [join(bin, binary), args];

/** Initializes a cluster and starts the server; resolves once it accepts connections. */
export async function startPostgres(): Promise<TestPostgres> {
  const bin = postgresBinaries();
  if (bin === undefined) throw new Error(postgresSkipReason());
  const dir = await mkdtemp(join(tmpdir(), 'rampart-pg-'));
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    await chown(dir, Number(stdout), Number(gid));
  }
  const data = join(dir, 'data');
  const [initCmd, initArgs] = command(bin, 'initdb', [
    '-D',
    data,
    '-U',
    'postgres',
    '-A',
    'trust',
    '--no-sync',
    '--locale=C',
    '-E',
    'UTF8',
  ]);
  await run(initCmd, initArgs);
  const port = await freePort();
  const [cmd, args] = command(bin, 'postgres', [
    '-D',
    data,
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    `unix_socket_directories=${dir}`,
    '-c',
    'fsync=off',
    '-c',
    'synchronous_commit=off',
    '-c',
    'full_page_writes=off',
  ]);
  const child: ChildProcess = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`postgres did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('database system is ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`postgres exited with ${code}:\n${output}`));
    });
  });
  child.removeAllListeners('exit');
  const base = `postgres://postgres@127.0.0.1:${port}`;
  return {
    url: `${base}/postgres`,
    async createDatabase(name) {
      if (!/^[a-z_][a-z0-9_]{0,40}$/.test(name)) throw new Error(`bad database name ${name}`);
      const [psql, psqlArgs] = command(bin, 'psql', [
        '-h',
        '127.0.0.1',
        '-p',
        String(port),
        '-U',
        'postgres',
        '-d',
        'postgres',
        '-v',
        'ON_ERROR_STOP=1',
        '-c',
        `CREATE DATABASE ${name}`,
      ]);
      await run(psql, psqlArgs);
      return `${base}/${name}`;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit');
        // Fast shutdown (disconnects clients) through pg_ctl: runuser does not forward SIGINT.
        const [stop, stopArgs] = command(bin, 'pg_ctl', ['-D', data, 'stop', '-m', 'fast', '-w']);
        await run(stop, stopArgs);
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
