// Secrets never reach a sink: a corpus of keys, tokens, passwords, cookies and card numbers, placed
// where a client controls the text (evidence, reasons, paths, queries, user agents), goes through the
// event channel and every sink in every format to real receivers; none of it may arrive.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { Registry } from 'prom-client';
import type { SinkConfig } from '../src/config/schema.ts';
import { createSecurityEvents } from '../src/observe/events.ts';
import type { FinishedRequest } from '../src/observe/gateway-records.ts';
import { createLogger } from '../src/observe/logger.ts';
import { createMetrics } from '../src/observe/metrics.ts';
import { createSinks, type SinkSet } from '../src/observe/sinks/from-config.ts';
import {
  type HttpReceiver,
  type SyslogReceiver,
  startHttpReceiver,
  startSyslogStreamReceiver,
  startSyslogUdpReceiver,
} from './helpers/receivers.ts';

const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSIsImFkbWluIjp0cnVlfQ.3bVd4yH1pGmI9HcTqDd7y5nWvXfk2Zl0dJcQ8s7uWk4';

/** The corpus: each secret and a text a client could send it in. */
const CORPUS: ReadonlyArray<{ name: string; secret: string; text: string; inPath?: boolean }> = [
  {
    name: 'Rampart API key',
    secret: 'rmp_live_k3yk3yk3yAbCdEfGhIjKlMnOpQrStUvWx0123',
    text: 'x-api-key: rmp_live_k3yk3yk3yAbCdEfGhIjKlMnOpQrStUvWx0123',
  },
  {
    name: 'AWS access key id',
    inPath: true,
    secret: 'AKIAIOSFODNN7EXAMPLE',
    text: 'aws AKIAIOSFODNN7EXAMPLE used',
  },
  {
    name: 'AWS secret key',
    secret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    text: 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  },
  {
    name: 'GitHub token',
    secret: 'ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8',
    text: 'push with ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8',
  },
  { name: 'JWT', inPath: true, secret: JWT, text: `token ${JWT}` },
  {
    name: 'bearer token',
    secret: 'opaque-bearer-value-42',
    text: 'Authorization: Bearer opaque-bearer-value-42',
  },
  { name: 'basic credentials', secret: 'YWxpY2U6czNjcjN0', text: 'Authorization: Basic YWxpY2U6czNjcjN0' },
  {
    name: 'password in a form',
    secret: 'hunter2-Correct-Horse',
    text: 'user=alice&password=hunter2-Correct-Horse',
  },
  { name: 'password in JSON', secret: 'Tr0ub4dor&3', text: '{"user":"bob","password":"Tr0ub4dor&3"}' },
  { name: 'session cookie', secret: 'sess-7f3a9c2e', text: 'Cookie: theme=dark; session=sess-7f3a9c2e' },
  { name: 'card number grouped', secret: '4111 1111 1111 1111', text: '{"card":"4111 1111 1111 1111"}' },
  {
    name: 'card number plain',
    inPath: true,
    secret: '5500000000000004',
    text: 'pan=5500000000000004 exp=12/29',
  },
];

// How each secret may appear: as sent, without its grouping spaces, percent-encoded (paths, queries).
const NEEDLES = CORPUS.flatMap(({ name, secret }) => [
  { name, needle: secret },
  { name: `${name} (digits)`, needle: secret.replaceAll(' ', '') },
  { name: `${name} (encoded)`, needle: encodeURIComponent(secret) },
]);

// A path holds a secret only in the forms a reader can recognise without context (tokens, cards); a
// password as a bare path segment cannot be told from an id, by Rampart or by anyone.
function pathWith(secret: string, inPath: boolean | undefined): string {
  return inPath === true ? `/login/${encodeURIComponent(secret)}` : '/login';
}

function request(n: number, text: string, secret: string, inPath: boolean | undefined): FinishedRequest {
  return {
    time: 1_700_000_000_000 + n,
    requestId: `req-${n}`,
    method: 'POST',
    route: 'login',
    path: pathWith(secret, inPath),
    rawQuery: `q=${encodeURIComponent(text)}&password=${encodeURIComponent(secret)}&access_token=${encodeURIComponent(secret)}`,
    status: 403,
    durationMs: 1,
    bytesIn: 0,
    bytesOut: 0,
    clientIp: '198.51.100.1',
    consumerId: undefined,
    userAgent: `agent ${text}`,
    upstream: 'app',
    code: 'RAMPART_THREAT_DETECTED',
    policy: 'detect',
    annotations: undefined,
  };
}

describe('secrets never reach a sink', () => {
  let dir: string;
  let tcp: SyslogReceiver;
  let udp: SyslogReceiver;
  let http: HttpReceiver;
  let sinks: SinkSet;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rampart-secrets-'));
    tcp = await startSyslogStreamReceiver();
    udp = await startSyslogUdpReceiver();
    http = await startHttpReceiver();
    const queue = {
      maxRecords: 10_000,
      maxBatch: 500,
      flushInterval: '1h',
      retries: 0,
      backoff: 1,
      maxBackoff: 1,
    };
    const common = { events: ['security', 'requests'] as Array<'security' | 'requests'>, queue };
    const configs: SinkConfig[] = [];
    for (const format of ['ocsf', 'ecs', 'rampart'] as const) {
      configs.push(
        { ...common, name: `file-${format}`, type: 'file', format, path: join(dir, `${format}.jsonl`) },
        {
          ...common,
          name: `tcp-${format}`,
          type: 'syslog',
          format,
          protocol: 'tcp',
          host: '127.0.0.1',
          port: tcp.port,
        },
        {
          ...common,
          name: `udp-${format}`,
          type: 'syslog',
          format,
          protocol: 'udp',
          host: '127.0.0.1',
          port: udp.port,
          maxDatagramBytes: 65_000,
        },
        {
          ...common,
          name: `hook-${format}`,
          type: 'http',
          format,
          url: `${http.url}/hook`,
          shape: 'webhook',
        },
        {
          ...common,
          name: `hec-${format}`,
          type: 'http',
          format,
          url: `${http.url}/hec`,
          shape: 'splunk-hec',
        },
        {
          ...common,
          name: `bulk-${format}`,
          type: 'http',
          format,
          url: `${http.url}/bulk`,
          shape: 'elastic-bulk',
        },
        { ...common, name: `otlp-${format}`, type: 'otlp-logs', format, url: `${http.url}/v1/logs` },
      );
    }
    const registry = new Registry();
    const silent = createLogger({
      level: 'silent',
      destination: new Writable({ write: (_c, _e, done) => done() }),
    });
    sinks = createSinks(configs, {
      registry,
      logger: silent,
      secret: () => '',
      baseDir: dir,
      productVersion: 'test',
    });
    const events = createSecurityEvents({
      logger: silent,
      metrics: createMetrics({ defaultMetrics: false }),
    });
    events.on((event) => sinks.offer({ kind: 'security', event }));
    CORPUS.forEach(({ text, secret, inPath }, n) => {
      events.emit({
        policy: n % 3 === 0 ? 'api-key' : n % 3 === 1 ? 'detect' : 'rate-limit',
        code: n % 3 === 0 ? 'RAMPART_AUTHN_UNAUTHORIZED' : 'RAMPART_THREAT_DETECTED',
        rule: 'sqli-tautology',
        location: `body.${text}`,
        evidence: text,
        reason: `refused: ${text}`,
        requestId: `req-${n}`,
        route: 'login',
        clientIp: '198.51.100.1',
        outcome: 'denied',
        method: 'POST',
        path: pathWith(secret, inPath),
      });
      sinks.offer({ kind: 'request', request: request(n, text, secret, inPath) });
    });
    await sinks.flush();
  });

  after(async () => {
    await sinks.close();
    await tcp.close();
    await udp.close();
    await http.close();
    if (process.env.KEEP_SECRETS_DIR === undefined) rmSync(dir, { recursive: true, force: true });
    else console.log(dir);
  });

  it('delivered every record to every sink, redacted', async () => {
    const perSink = CORPUS.length * 2;
    await tcp.waitFor(perSink * 3);
    await udp.waitFor(perSink * 3);
    // webhook, HEC, bulk and OTLP: one batch per sink and format.
    await http.waitFor(4 * 3);
    for (const format of ['ocsf', 'ecs', 'rampart']) {
      const lines = readFileSync(join(dir, `${format}.jsonl`), 'utf8')
        .trimEnd()
        .split('\n');
      assert.equal(lines.length, perSink);
    }
    assert.ok(readFileSync(join(dir, 'ocsf.jsonl'), 'utf8').includes('[REDACTED]'));
  });

  it('lets no secret of the corpus through any of them', () => {
    const outputs: Array<{ where: string; text: string }> = [
      ...['ocsf', 'ecs', 'rampart'].map((format) => ({
        where: `file ${format}`,
        text: readFileSync(join(dir, `${format}.jsonl`), 'utf8'),
      })),
      { where: 'syslog tcp', text: tcp.items.join('\n') },
      { where: 'syslog udp', text: udp.items.join('\n') },
      ...http.items.map((item) => ({ where: `http ${item.url}`, text: item.body })),
    ];
    const leaks: string[] = [];
    for (const { where, text } of outputs) {
      for (const { name, needle } of NEEDLES) if (text.includes(needle)) leaks.push(`${name} in ${where}`);
    }
    assert.deepEqual(leaks, []);
  });
});
