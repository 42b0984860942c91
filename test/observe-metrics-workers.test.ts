// `rampart start --workers 2`: whichever worker a scrape reaches, /metrics shows the whole cluster's
// counts (prom-client's AggregatorRegistry in the primary), under the standard process metric names.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startUpstream, type TestUpstream } from './helpers/upstream.ts';

const MAIN = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));

/** A GET on a connection of its own (so the cluster hands each to the next worker), body as text. */
function getFresh(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = get(url, { agent: false, timeout: 5000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
  });
}

function counterValue(text: string, series: string): number {
  const line = text.split('\n').find((each) => each.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

describe('metrics across workers', () => {
  let upstream: TestUpstream;
  let dir: string;
  before(async () => {
    upstream = await startUpstream();
    dir = mkdtempSync(join(tmpdir(), 'rampart-metrics-workers-'));
  });
  after(async () => {
    await upstream.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('one /metrics sums every worker, whichever worker answers the scrape', async () => {
    const file = join(dir, 'rampart.yaml');
    writeFileSync(
      file,
      `version: 1
server: { http: { port: 0 } }
admin: { port: 0 }
upstreams:
  app: { url: ${upstream.url} }
routes:
  - name: all
    match: { path: /* }
    upstream: app
`,
    );
    const child = spawn(process.execPath, [MAIN, 'start', '-c', file, '--workers', '2'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    let buffered = '';
    const started = new Promise<{ http: string; admin: string }>((resolve, reject) => {
      let count = 0;
      const timer = setTimeout(
        () => reject(new Error(`workers did not start:\n${lines.join('\n')}`)),
        30_000,
      );
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const parts = buffered.split('\n');
        buffered = parts.pop() ?? '';
        for (const line of parts) {
          lines.push(line);
          if (!line.includes('"rampart started"')) continue;
          const record = JSON.parse(line) as { urls: { http: string }; admin: string };
          if (++count === 2) {
            clearTimeout(timer);
            resolve({ http: record.urls.http, admin: record.admin });
          }
        }
      });
    });
    try {
      const urls = await started;
      for (let i = 0; i < 10; i++) assert.equal((await getFresh(`${urls.http}/x`)).status, 200);
      const served = new Set(
        lines
          .filter((line) => line.includes('"msg":"access"'))
          .map((line) => (JSON.parse(line) as { pid: number }).pid),
      );
      const series = 'rampart_http_requests_total{route="all",method="GET",status="200"}';
      for (let scrape = 0; scrape < 2; scrape++) {
        const { status, body } = await getFresh(`${urls.admin}/metrics`);
        assert.equal(status, 200);
        assert.equal(counterValue(body, series), 10, `scrape ${scrape}: ${served.size} workers served`);
        assert.match(body, /^process_cpu_user_seconds_total /m);
        assert.match(body, /^nodejs_eventloop_lag_seconds /m);
      }
    } finally {
      const exited = once(child, 'exit') as Promise<[number | null]>;
      child.kill('SIGTERM');
      const [code] = await exited;
      assert.equal(code, 0);
    }
  });
});
