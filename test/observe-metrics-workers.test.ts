// `rampart start --workers 2`: whichever worker a scrape reaches, /metrics shows the whole cluster's
// counts (prom-client's AggregatorRegistry in the primary), under the standard process metric names.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startUpstream, type TestUpstream } from './helpers/upstream.ts';
import { startWorkers } from './helpers/workers.ts';

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
    const cluster = await startWorkers(file, 2);
    try {
      const http = cluster.started[0]!.urls.http;
      const admin = cluster.started[0]!.admin!;
      for (let i = 0; i < 10; i++) assert.equal((await getFresh(`${http}/x`)).status, 200);
      const served = new Set(
        cluster.lines
          .filter((line) => line.includes('"msg":"access"'))
          .map((line) => (JSON.parse(line) as { pid: number }).pid),
      );
      const series = 'rampart_http_requests_total{route="all",method="GET",status="200"}';
      for (let scrape = 0; scrape < 2; scrape++) {
        const { status, body } = await getFresh(`${admin}/metrics`);
        assert.equal(status, 200);
        assert.equal(counterValue(body, series), 10, `scrape ${scrape}: ${served.size} workers served`);
        assert.match(body, /^process_cpu_user_seconds_total /m);
        assert.match(body, /^nodejs_eventloop_lag_seconds /m);
      }
    } finally {
      assert.equal(await cluster.stop(), 0);
    }
  });
});
