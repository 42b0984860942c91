// `rampart start --workers 2`: two worker processes share one listener, both serve, a memory state
// warns that limits are per worker, and SIGTERM to the primary drains every worker and exits 0.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startUpstream, type TestUpstream } from './helpers/upstream.ts';

const MAIN = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'rampart-workers-'));
let upstream: TestUpstream;

describe('traffic-workers', () => {
  before(async () => {
    upstream = await startUpstream();
  });
  after(async () => {
    await upstream.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('two workers share the listener, warn about per-worker memory limits and stop together', async () => {
    const file = join(dir, 'rampart.yaml');
    writeFileSync(
      file,
      `version: 1
server: { http: { port: 0 } }
admin: { enabled: false }
upstreams:
  app: { url: ${upstream.url} }
routes:
  - name: all
    match: { path: /* }
    upstream: app
    policies:
      rate-limit: { rules: [{ name: r, limit: "1000/s" }] }
`,
    );
    const child = spawn(process.execPath, [MAIN, 'start', '-c', file, '--workers', '2'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    let buffered = '';
    const started = new Promise<string[]>((resolve, reject) => {
      const urls: string[] = [];
      const timer = setTimeout(
        () => reject(new Error(`workers did not start:\n${lines.join('\n')}`)),
        20_000,
      );
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const parts = buffered.split('\n');
        buffered = parts.pop() ?? '';
        for (const line of parts) {
          lines.push(line);
          if (!line.includes('"rampart started"')) continue;
          urls.push((JSON.parse(line) as { urls: { http: string } }).urls.http);
          if (urls.length === 2) {
            clearTimeout(timer);
            resolve(urls);
          }
        }
      });
    });
    try {
      const urls = await started;
      // node:cluster hands both workers the same listener, so port 0 resolves to one shared port.
      assert.equal(urls[0], urls[1]);
      const pids = new Set(
        lines.filter((l) => l.includes('"rampart started"')).map((l) => JSON.parse(l).pid),
      );
      assert.equal(pids.size, 2);
      assert.ok(lines.some((line) => line.includes('"state.per-worker"')));
      for (let i = 0; i < 10; i++) {
        const response = await fetch(`${urls[0]}/x`, { signal: AbortSignal.timeout(5000) });
        assert.equal(response.status, 200);
        await response.arrayBuffer();
      }
    } finally {
      const exited = once(child, 'exit') as Promise<[number | null]>;
      child.kill('SIGTERM');
      const [code] = await exited;
      assert.equal(code, 0);
    }
  });
});
