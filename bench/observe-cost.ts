// What the visibility features add to one request, measured in-process (CPU µs per request), because
// req/s on a shared 2-core machine moves by more than the effect: exporting a finished request to the
// sinks (queue push on the request path, mapping and encoding off it) and tracing a request (spans).
// `node bench/observe-cost.ts [--n 50000]` (`SINK=file` etc. measures one sink; the HTTP receiver runs in
// this process, so the http and otlp figures include its parsing too).
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { Registry } from 'prom-client';
import type { SinkConfig } from '../src/config/schema.ts';
import type { FinishedRequest } from '../src/observe/gateway-records.ts';
import { createLogger } from '../src/observe/logger.ts';
import { createSinks } from '../src/observe/sinks/from-config.ts';
import { createRequestTracer } from '../src/observe/tracing/tracer.ts';

const { values } = parseArgs({ options: { n: { type: 'string', default: '50000' } } });
const n = Number(values.n);

function cpuMicros(run: () => void | Promise<void>): Promise<number> {
  const start = process.cpuUsage();
  return Promise.resolve(run()).then(() => {
    const used = process.cpuUsage(start);
    return (used.user + used.system) / n;
  });
}

const request = (i: number): FinishedRequest => ({
  time: Date.now(),
  requestId: `bench-${i}`,
  method: 'GET',
  route: 'bench',
  path: '/small',
  rawQuery: 'page=3&limit=50',
  status: 200,
  durationMs: 0.4,
  bytesIn: 0,
  bytesOut: 80,
  clientIp: '127.0.0.1',
  consumerId: 'alice',
  userAgent: 'autocannon',
  upstream: 'bench',
  code: undefined,
  policy: undefined,
  annotations: undefined,
});

const receiver = createServer((req, res) => {
  req.resume();
  req.on('end', () => res.end('{}'));
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
const dir = mkdtempSync(join(tmpdir(), 'rampart-observe-cost-'));
const queue = {
  maxRecords: n + 10,
  maxBatch: 500,
  flushInterval: '1h',
  retries: 0,
  backoff: 1,
  maxBackoff: 1,
};
const events = ['security', 'requests'] as Array<'security' | 'requests'>;
const common = { events, queue, format: 'ocsf' as const };
const all: SinkConfig[] = [
  { ...common, name: 'file', type: 'file', path: join(dir, 'events.jsonl') },
  { ...common, name: 'syslog', type: 'syslog', protocol: 'udp', host: '127.0.0.1', port: 9 },
  { ...common, name: 'webhook', type: 'http', url: `${url}/sink` },
  { ...common, name: 'hec', type: 'http', shape: 'splunk-hec', url: `${url}/hec` },
  { ...common, name: 'otlp', type: 'otlp-logs', url: `${url}/v1/logs` },
];
const only = process.env.SINK;
const configs = only === undefined ? all : all.filter((config) => config.name === only);
const logger = createLogger({
  level: 'silent',
  destination: new Writable({ write: (_c, _e, done) => done() }),
});
const sinks = createSinks(configs, {
  registry: new Registry(),
  logger,
  secret: () => '',
  baseDir: dir,
  productVersion: 'bench',
});
const items = Array.from({ length: n }, (_, i) => ({ kind: 'request' as const, request: request(i) }));

const offer = await cpuMicros(() => {
  for (const item of items) sinks.offer(item);
});
const deliver = await cpuMicros(() => sinks.flush());
await sinks.close();

const tracer = createRequestTracer({
  url: `${url}/v1/traces`,
  serviceName: 'bench',
  serviceVersion: 'bench',
  sampleRatio: 1,
  flushIntervalMs: 200,
  maxQueue: 4096,
});
const trace = await cpuMicros(() => {
  for (let i = 0; i < n; i++) {
    const t = tracer.start({
      traceparent: undefined,
      tracestate: undefined,
      trusted: false,
      method: 'GET',
      requestId: `r${i}`,
      clientIp: '127.0.0.1',
    });
    t.routed('bench', '/*');
    t.stage('policies');
    t.upstream();
    t.stage('response');
    t.end(200, undefined);
  }
});
await tracer.close();
receiver.close();
rmSync(dir, { recursive: true, force: true });

process.stdout.write(
  `${JSON.stringify(
    {
      requests: n,
      'sinks: offer to 5 sinks, on the request path (µs/req)': Number(offer.toFixed(2)),
      'sinks: map, encode, send to 5 sinks, off the request path (µs/req)': Number(deliver.toFixed(2)),
      'tracing: 4 spans per request, sampled (µs/req)': Number(trace.toFixed(2)),
    },
    null,
    2,
  )}\n`,
);
