// The circuit breaker against a real failing upstream: it opens after failures (503 problem+json, the
// upstream no longer asked), lets a probe through after the cool-down and closes when it succeeds.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fakeClock } from './helpers/context.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { getAnswer } from './helpers/problem.ts';
import { startUpstream, type TestUpstream } from './helpers/upstream.ts';

let healthy = false;
let upstream: TestUpstream;
let gateway: TestGateway;
const clock = fakeClock();

describe('traffic-breaker', () => {
  before(async () => {
    upstream = await startUpstream((_req, res) => {
      res.writeHead(healthy ? 200 : 503, { 'content-type': 'text/plain' });
      res.end(healthy ? 'ok' : 'down');
    });
    gateway = await startTestGateway(
      `version: 1
server: { http: { port: 0 } }
upstreams:
  app:
    url: ${upstream.url}
    circuitBreaker: { consecutiveFailures: 3, minRequests: 100, openFor: 300ms }
routes:
  - name: all
    match: { path: /* }
    upstream: app
`,
      { clock },
    );
  });

  after(async () => {
    await gateway.close();
    await upstream.close();
  });

  const get = () => getAnswer(`${gateway.url}/x`);

  test('opens on upstream failures, answers 503 without asking the upstream, and recovers after a probe', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await get()).status, 503);
    const asked = upstream.received.length;
    const open = await get();
    assert.equal(open.status, 503);
    assert.equal(open.code, 'RAMPART_UPSTREAM_CIRCUIT_OPEN');
    assert.equal(open.retryAfter, '1');
    assert.equal(upstream.received.length, asked);

    healthy = true;
    clock.advance(299);
    assert.equal((await get()).code, 'RAMPART_UPSTREAM_CIRCUIT_OPEN');
    assert.equal(upstream.received.length, asked);
    clock.advance(1);
    assert.equal((await get()).status, 200);
    assert.equal((await get()).status, 200);
  });
});
