// `rampart start --workers 2`: two worker processes share one listener, both serve, a memory state
// warns that limits are per worker, and SIGTERM to the primary drains every worker and exits 0.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startUpstream, type TestUpstream } from './helpers/upstream.ts';
import { startWorkers } from './helpers/workers.ts';

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
    const cluster = await startWorkers(file, 2);
    try {
      const urls = cluster.started.map((record) => record.urls.http);
      // node:cluster hands both workers the same listener, so port 0 resolves to one shared port.
      assert.equal(urls[0], urls[1]);
      assert.equal(new Set(cluster.started.map((record) => record.pid)).size, 2);
      assert.ok(cluster.lines.some((line) => line.includes('"state.per-worker"')));
      for (let i = 0; i < 10; i++) {
        const response = await fetch(`${urls[0]}/x`, { signal: AbortSignal.timeout(5000) });
        assert.equal(response.status, 200);
        await response.arrayBuffer();
      }
    } finally {
      assert.equal(await cluster.stop(), 0);
    }
  });
});
