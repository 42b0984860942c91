// `rampart start` as a process: it fails fast, with a message a user can act on, when a port is taken.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));

async function run(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  // Bounded: a start that does not fail is a failure of this test, not a hang of the suite.
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  return { code, stderr };
}

describe('rampart start on a busy port', () => {
  let busy: Server;
  let port: number;
  before(async () => {
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    port = (busy.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => busy.close(() => resolve())));

  test('exits 1 at once, naming the address and the flags that choose another', async () => {
    const { code, stderr } = await run(['start', '--demo', '--port', String(port), '--admin-port', '0']);
    assert.equal(code, 1);
    assert.match(stderr, new RegExp(`127\\.0\\.0\\.1:${port} is already in use`));
    assert.match(stderr, /--port/);
  });

  test('exits 1 when the admin port is the one taken', async () => {
    const { code, stderr } = await run(['start', '--demo', '--port', '0', '--admin-port', String(port)]);
    assert.equal(code, 1);
    assert.match(stderr, /already in use/);
  });

  test('refuses a port that is not a number', async () => {
    const { code, stderr } = await run(['start', '--demo', '--port', 'eighty']);
    assert.notEqual(code, 0);
    assert.match(stderr, /--port must be a port number/);
  });
});
