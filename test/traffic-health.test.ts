// Active health checks against a real upstream: after N failed probes the gateway answers 503
// problem+json without sending the request, and after M passed probes it serves again.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { getAnswer } from './helpers/problem.ts';
import { startUpstream, type TestUpstream } from './helpers/upstream.ts';

let healthStatus = 200;
let upstream: TestUpstream;
let gateway: TestGateway;

describe('traffic-health', () => {
  before(async () => {
    upstream = await startUpstream((req, res) => {
      const status = req.url === '/health' ? healthStatus : 200;
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end('ok');
    });
    gateway = await startTestGateway(`version: 1
server: { http: { port: 0 } }
upstreams:
  app:
    url: ${upstream.url}
    healthCheck: { path: /health, interval: 20ms, timeout: 1s, unhealthyThreshold: 2, healthyThreshold: 2 }
routes:
  - name: all
    match: { path: /* }
    upstream: app
`);
  });

  after(async () => {
    await gateway.close();
    await upstream.close();
  });

  const get = () => getAnswer(`${gateway.url}/x`);

  /**
   * Resolves once the gateway logged that the upstream's health changed to `status` (503: failed its
   * checks, 200: passes again) after log line `from`, and answers `status` to a request.
   */
  async function until(status: 200 | 503, from: number): Promise<number> {
    const message =
      status === 503 ? 'upstream failed its health checks' : 'upstream passes its health checks again';
    await gateway.waitForLog((record) => record.msg === message, from);
    return (await get()).status;
  }

  function appRequests(): number {
    return upstream.received.filter((request) => request.url !== '/health').length;
  }

  async function metric(name: string): Promise<string | undefined> {
    const text = await gateway.metrics.render();
    return text.split('\n').find((line) => line.startsWith(name));
  }

  test('answers 503 without asking the upstream while its health checks fail, and recovers', async () => {
    assert.equal((await get()).status, 200);
    assert.equal(
      await metric('rampart_upstream_healthy{upstream="app"}'),
      'rampart_upstream_healthy{upstream="app"} 1',
    );

    let from = gateway.logLines.length;
    healthStatus = 503;
    assert.equal(await until(503, from), 503);
    const asked = appRequests();
    const refused = await get();
    assert.equal(refused.status, 503);
    assert.equal(refused.code, 'RAMPART_UPSTREAM_UNHEALTHY');
    assert.equal(refused.retryAfter, '1');
    assert.equal(appRequests(), asked);
    assert.equal(
      await metric('rampart_upstream_healthy{upstream="app"}'),
      'rampart_upstream_healthy{upstream="app"} 0',
    );
    assert.ok(gateway.logLines.some((line) => line.includes('upstream failed its health checks')));

    from = gateway.logLines.length;
    healthStatus = 200;
    assert.equal(await until(200, from), 200);
    assert.ok(appRequests() > asked);
    assert.equal(
      await metric('rampart_upstream_healthy{upstream="app"}'),
      'rampart_upstream_healthy{upstream="app"} 1',
    );
  });

  test('marks an upstream that stops accepting connections unhealthy and serves it again when it is back', async () => {
    const port = upstream.port;
    let from = gateway.logLines.length;
    await upstream.close();
    assert.equal(await until(503, from), 503);
    assert.equal((await get()).code, 'RAMPART_UPSTREAM_UNHEALTHY');

    from = gateway.logLines.length;
    await new Promise<void>((resolve) => upstream.server.listen(port, '127.0.0.1', resolve));
    assert.equal(await until(200, from), 200);
  });

  test('keeps the health state of an upstream whose settings survive a reload', async () => {
    let from = gateway.logLines.length;
    healthStatus = 503;
    assert.equal(await until(503, from), 503);
    await gateway.reload(`version: 1
server: { http: { port: 0 } }
upstreams:
  app:
    url: ${upstream.url}
    healthCheck: { path: /health, interval: 20ms, timeout: 1s, unhealthyThreshold: 2, healthyThreshold: 2 }
routes:
  - name: renamed
    match: { path: /* }
    upstream: app
`);
    assert.equal((await get()).code, 'RAMPART_UPSTREAM_UNHEALTHY');
    from = gateway.logLines.length;
    healthStatus = 200;
    assert.equal(await until(200, from), 200);
  });
});
