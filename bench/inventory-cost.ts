// What traffic learning costs per request, in CPU microseconds, measured in-process (steadier than
// req/s on a busy machine): the request path's share (`offer`: a few fields onto the ring) and the
// whole (offer + learning, which runs between requests), for bench's get-small request shape.
//   npx node bench/inventory-cost.ts [--requests N]
import { parseArgs } from 'node:util';
import { Learner } from '../src/inventory/learner.ts';
import { createTrafficTap } from '../src/inventory/tap.ts';
import type { FinishedExchange } from '../src/observe/gateway-records.ts';

const { values } = parseArgs({ options: { requests: { type: 'string', default: '200000' } } });
const requests = Number(values.requests);

// What the gateway's request object holds for get-small (autocannon's headers, security-headers' answer).
function exchange(i: number): FinishedExchange {
  return {
    requestId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    method: 'GET',
    path: '/small',
    rawQuery: '',
    status: 200,
    durationMs: 0.4,
    clientIp: '127.0.0.1',
    headers: { host: '127.0.0.1:8080', connection: 'keep-alive' },
    body: undefined,
    identity: undefined,
    route: { name: 'all' },
    code: undefined,
    response: {
      status: 200,
      headers: {
        'content-type': 'application/json',
        'content-length': '80',
        'x-content-type-options': 'nosniff',
      },
      body: undefined,
    },
  };
}

async function run(learn: boolean): Promise<number> {
  const learner = new Learner();
  const tap = createTrafficTap({ learn: learn ? (x) => learner.learn(x) : () => undefined });
  const inputs = Array.from({ length: 1000 }, (_, i) => exchange(i));
  const pass = async (n: number) => {
    for (let i = 0; i < n; i++) {
      tap.offer(inputs[i % 1000]!);
      // As under load: the ring drains between batches of requests, never filling past sampling.
      if (i % 1000 === 999) await tap.drained();
    }
    await tap.drained();
    learner.take();
  };
  await pass(50_000);
  const start = process.cpuUsage();
  await pass(requests);
  const used = process.cpuUsage(start);
  tap.close();
  return (used.user + used.system) / requests;
}

const offerOnly = await run(false);
const whole = await run(true);
process.stdout.write(
  `${requests} get-small exchanges: request path (offer) ${offerOnly.toFixed(3)} µs CPU each; ` +
    `offer + learning ${whole.toFixed(3)} µs CPU each\n`,
);
