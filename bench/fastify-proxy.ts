// A peer the gateway is measured against: fastify with @fastify/http-proxy (undici underneath), the
// way many Node teams put a proxy in front of an API. No policies, no logging. Run as a child process.

import { parseArgs } from 'node:util';
import proxy from '@fastify/http-proxy';
import Fastify from 'fastify';

const { values } = parseArgs({
  options: { port: { type: 'string' }, upstream: { type: 'string' } },
});
const port = Number(values.port);
const upstream = values.upstream;
if (!Number.isInteger(port) || upstream === undefined) {
  process.stderr.write('usage: node bench/fastify-proxy.ts --port N --upstream URL\n');
  process.exit(2);
}

const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
await app.register(proxy, { upstream, undici: { connections: 128, pipelining: 1 } });
await app.listen({ port, host: '127.0.0.1' });
process.once('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
