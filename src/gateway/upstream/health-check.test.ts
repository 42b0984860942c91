import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, test } from 'node:test';
import { createHealthChecker, createHttpProbe, statusMatcher } from './health-check.ts';

const OPTIONS = { intervalMs: 1000, healthyThreshold: 2, unhealthyThreshold: 3 };

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('health checker', () => {
  test('turns unhealthy after the unhealthy threshold of failures in a row and reports it', () => {
    const checker = createHealthChecker(OPTIONS, async () => true);
    const changes: boolean[] = [];
    checker.onChange = (healthy) => changes.push(healthy);
    assert.equal(checker.healthy, true);
    checker.record(false);
    checker.record(false);
    checker.record(true);
    checker.record(false);
    checker.record(false);
    assert.equal(checker.healthy, true);
    checker.record(false);
    assert.equal(checker.healthy, false);
    assert.equal(checker.retryAfterMs, 2000);
    assert.deepEqual(changes, [false]);
  });

  test('turns healthy again only after the healthy threshold of passes in a row', () => {
    const checker = createHealthChecker(OPTIONS, async () => true);
    for (let i = 0; i < 3; i++) checker.record(false);
    checker.record(true);
    checker.record(false);
    checker.record(true);
    assert.equal(checker.healthy, false);
    checker.record(true);
    assert.equal(checker.healthy, true);
    assert.equal(checker.retryAfterMs, 0);
  });

  test('probes on its own once started and stops probing when stopped', async () => {
    let probes = 0;
    let closed = false;
    const checker = createHealthChecker(
      { intervalMs: 5, healthyThreshold: 1, unhealthyThreshold: 2 },
      async () => {
        probes++;
        return false;
      },
      async () => {
        closed = true;
      },
    );
    checker.start();
    await until(() => !checker.healthy);
    assert.equal(checker.healthy, false);
    await checker.stop();
    const seen = probes;
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(probes, seen);
    assert.equal(closed, true);
  });

  test('matches expected statuses by code and by class', () => {
    const matches = statusMatcher([204, '3xx']);
    assert.equal(matches(204), true);
    assert.equal(matches(302), true);
    assert.equal(matches(200), false);
    assert.equal(matches(503), false);
  });
});

describe('http probe', () => {
  const server = createServer((req, res) => {
    res.writeHead(req.url === '/health' ? 200 : 503);
    res.end('x'.repeat(100_000));
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('passes on an expected status, fails on another status and on a refused connection', async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const origin = `http://127.0.0.1:${port}`;
    const expected = statusMatcher(['2xx']);
    const signal = new AbortController().signal;
    const ok = createHttpProbe({ origin, path: '/health', host: 'app', timeoutMs: 2000, expected });
    const bad = createHttpProbe({ origin, path: '/other', host: 'app', timeoutMs: 2000, expected });
    assert.equal(await ok.probe(signal), true);
    assert.equal(await bad.probe(signal), false);
    await Promise.all([ok.close(), bad.close()]);
    const refused = createHttpProbe({
      origin: 'http://127.0.0.1:1',
      path: '/',
      host: 'x',
      timeoutMs: 2000,
      expected,
    });
    assert.equal(await refused.probe(signal), false);
    await refused.close();
  });
});
