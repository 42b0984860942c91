// Two gateway instances, each with its own Redis connection, sharing one real redis-server: together
// they admit exactly the configured number, windows reset (on the injected clock), and a Redis outage
// gives the configured fail-open/closed answer without a hung request, then recovers when Redis returns.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fakeClock } from './helpers/context.ts';
import { startTestRampart, type TestRampart } from './helpers/rampart.ts';
import { startRedis, type TestRedis } from './helpers/redis.ts';
import { startUpstream, type TestUpstream } from './helpers/upstream.ts';

const LIMIT = 40;
const clock = fakeClock();
let redis: TestRedis;
let upstream: TestUpstream;
let gateways: Array<TestRampart & { url: string }> = [];

function configText(redisUrl: string, upstreamUrl: string): string {
  return `version: 1
server: { http: { port: 0 } }
admin: { enabled: false }
state:
  backend: redis
  redis: { url: "${redisUrl}", keyPrefix: "t1:", timeout: 200ms }
upstreams:
  app: { url: ${upstreamUrl} }
routes:
  - name: exact
    match: { path: /exact }
    upstream: app
    policies:
      rate-limit: { rules: [{ name: exact, limit: "${LIMIT}/h", key: [route] }] }
  - name: bucket
    match: { path: /bucket }
    upstream: app
    policies:
      rate-limit: { rules: [{ name: bucket, limit: "${LIMIT}/h", algorithm: token-bucket, key: [route] }] }
  - name: short
    match: { path: /short }
    upstream: app
    policies:
      rate-limit: { rules: [{ name: short, limit: "3/1s", key: [route] }] }
  - name: open
    match: { path: /open }
    upstream: app
    policies:
      rate-limit: { rules: [{ name: open, limit: "100000/h", key: [route] }], onStateError: open }
  - name: closed
    match: { path: /closed }
    upstream: app
    policies:
      rate-limit: { rules: [{ name: closed, limit: "100000/h", key: [route] }], onStateError: closed }
`;
}

async function get(url: string): Promise<{ status: number; code?: string; headers: Headers }> {
  // Bounded: a request that hangs on Redis fails the test instead of blocking it.
  const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
  const text = await response.text();
  const code = response.headers.get('content-type')?.includes('problem+json')
    ? (JSON.parse(text) as { code?: string }).code
    : undefined;
  return { status: response.status, ...(code === undefined ? {} : { code }), headers: response.headers };
}

/** Sends `total` requests spread over every gateway, `parallel` at a time; counts statuses. */
async function hammer(path: string, total: number, parallel: number): Promise<Map<number, number>> {
  const counts = new Map<number, number>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < total) {
      const i = next++;
      const { status } = await get(`${gateways[i % gateways.length]!.url}${path}`);
      counts.set(status, (counts.get(status) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return counts;
}

describe('traffic-redis', () => {
  before(async () => {
    redis = await startRedis();
    upstream = await startUpstream();
    const text = configText(redis.url, upstream.url);
    const instances = await Promise.all([
      startTestRampart({ config: { text }, clock }),
      startTestRampart({ config: { text }, clock }),
    ]);
    gateways = instances.map((instance) => ({ ...instance, url: instance.rampart.url }));
    // A gateway listens before its Redis connection is up, and a limit that cannot reach Redis fails
    // open: until the fail-closed route answers 200 on both, counts would not be exact. Each attempt
    // is one request answered at once (503 while disconnected), bounded.
    for (const gateway of gateways) {
      let status = 503;
      for (let i = 0; i < 500 && status === 503; i++) status = (await get(`${gateway.url}/closed`)).status;
      assert.equal(status, 200, 'the gateway never reached Redis');
    }
  });

  after(async () => {
    await Promise.all(gateways.map((gateway) => gateway.rampart.close()));
    await upstream.close();
    await redis.stop();
  });

  describe('traffic control across two gateway instances on one Redis', () => {
    test('admits exactly the limit of a sliding window across both instances under concurrency', async () => {
      const counts = await hammer('/exact', LIMIT * 3, 24);
      assert.equal(counts.get(200), LIMIT);
      assert.equal(counts.get(429), LIMIT * 2);
    });

    test('admits exactly the burst of a token bucket across both instances', async () => {
      const counts = await hammer('/bucket', LIMIT * 3, 24);
      assert.equal(counts.get(200), LIMIT);
      assert.equal(counts.get(429), LIMIT * 2);
    });

    test('refuses with Retry-After and RateLimit headers, and admits again after the window', async () => {
      const counts = await hammer('/short', 4, 1);
      assert.equal(counts.get(200), 3);
      const refused = await get(`${gateways[1]!.url}/short`);
      assert.equal(refused.status, 429);
      assert.equal(refused.code, 'RAMPART_TRAFFIC_RATE_LIMITED');
      assert.ok(Number(refused.headers.get('retry-after')) >= 1);
      assert.match(refused.headers.get('ratelimit-policy') ?? '', /^"short";q=3;w=1$/);
      // A sliding window is fully clear two windows after the last admitted request.
      clock.advance(2_000);
      assert.equal((await get(`${gateways[0]!.url}/short`)).status, 200);
    });

    test('with Redis killed answers fail-open and fail-closed routes at once, and recovers when it returns', async () => {
      /** Resolves once every gateway logged `event` after the positions `from`. */
      const stateEvent = (event: string, from: readonly number[]) =>
        Promise.all(gateways.map((g, i) => g.log.waitFor((record) => record.event === event, from[i])));
      let from = gateways.map((g) => g.log.lines.length);
      await redis.kill();
      for (const gateway of gateways) {
        assert.equal((await get(`${gateway.url}/open`)).status, 200);
        const closed = await get(`${gateway.url}/closed`);
        assert.equal(closed.status, 503);
        assert.equal(closed.code, 'RAMPART_TRAFFIC_STATE_UNAVAILABLE');
      }
      // The connection's close event may land just after the first failed command: await its report.
      await stateEvent('state.unavailable', from);
      const metrics = await gateways[0]!.rampart.metricsText();
      assert.match(metrics, /rampart_state_errors_total\{op="consume",kind="[a-z]+"\} [1-9]/);
      assert.match(metrics, /rampart_state_up 0/);

      from = gateways.map((g) => g.log.lines.length);
      await redis.restart();
      await stateEvent('state.recovered', from);
      for (const gateway of gateways) assert.equal((await get(`${gateway.url}/closed`)).status, 200);
    });
  });
});
