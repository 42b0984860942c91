// Every sink against a real receiver on 127.0.0.1: what arrives is valid OCSF (or the chosen shape),
// failures are retried, and what cannot be delivered is dropped and counted, never waited for.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Registry } from 'prom-client';
import type { SecurityEventRecord } from '../src/observe/events.ts';
import type { ExportItem } from '../src/observe/export-item.ts';
import type { ExportFormat } from '../src/observe/schemas/format.ts';
import { DEFAULT_QUEUE_SETTINGS, type QueueSettings } from '../src/observe/sinks/batch-queue.ts';
import { createFileSink } from '../src/observe/sinks/file-sink.ts';
import { createHttpSink, type HttpShape } from '../src/observe/sinks/http-sink.ts';
import { createOtlpLogsSink } from '../src/observe/sinks/otlp-logs-sink.ts';
import type { SinkContext } from '../src/observe/sinks/sink.ts';
import { type DropReason, sinkMetrics } from '../src/observe/sinks/sink-metrics.ts';
import { createSyslogSink } from '../src/observe/sinks/syslog-sink.ts';
import { ocsfErrors } from './helpers/ocsf.ts';
import { selfSignedCertificate, skipWithoutOpenssl } from './helpers/openssl.ts';
import {
  type HttpReceiver,
  startHttpReceiver,
  startSyslogStreamReceiver,
  startSyslogUdpReceiver,
} from './helpers/receivers.ts';

const FAST: QueueSettings = { ...DEFAULT_QUEUE_SETTINGS, flushIntervalMs: 5, backoffMs: 1, maxBackoffMs: 5 };

function attack(n: number): ExportItem {
  const event: SecurityEventRecord = {
    policy: 'detect',
    code: 'RAMPART_THREAT_DETECTED',
    rule: 'sqli-tautology',
    location: 'query.q',
    evidence: "' OR 1=1 --",
    requestId: `req-${n}`,
    route: 'users',
    clientIp: '198.51.100.7',
    outcome: 'denied',
    method: 'GET',
    path: '/users',
    time: 1_700_000_000_000 + n,
  };
  return { kind: 'security', event };
}

interface Drops {
  readonly drops: Array<{ reason: DropReason; count: number }>;
  /** Resolves at the next drop. */
  next(): Promise<{ reason: DropReason; count: number }>;
}

function setup(name: string, options: { queue?: QueueSettings; format?: ExportFormat } = {}) {
  const registry = new Registry();
  const drops: Drops['drops'] = [];
  let wake: ((drop: { reason: DropReason; count: number }) => void) | undefined;
  const context: SinkContext = {
    name,
    kinds: new Set(['security', 'request']),
    format: options.format ?? 'ocsf',
    queue: options.queue ?? FAST,
    metrics: sinkMetrics(registry),
    mapping: { productVersion: 'test' },
    onDrop: (_sink, reason, count) => {
      drops.push({ reason, count });
      wake?.({ reason, count });
    },
    random: () => 0.5,
  };
  const next = () => new Promise<{ reason: DropReason; count: number }>((resolve) => (wake = resolve));
  const counter = async (metric: string, labels: Record<string, string>): Promise<number> => {
    const values = (await registry.getSingleMetric(metric)?.get())?.values ?? [];
    const match = values.find((value) => Object.entries(labels).every(([k, v]) => value.labels[k] === v));
    return match?.value ?? 0;
  };
  return { context, drops, next, counter };
}

/** The JSON after the RFC 5424 header (`<PRI>1 TIME HOST APP PROCID MSGID - `). */
function syslogParts(message: string) {
  const fields = message.split(' ');
  assert.match(fields[0] ?? '', /^<\d{1,3}>1$/);
  return {
    pri: Number((fields[0] ?? '').slice(1, -2)),
    time: fields[1],
    app: fields[3],
    msgId: fields[5],
    sd: fields[6],
    json: JSON.parse(fields.slice(7).join(' ')) as Record<string, unknown>,
  };
}

describe('syslog sink', () => {
  it('sends RFC 5424 messages with OCSF bodies over TCP, octet-counted', async () => {
    const receiver = await startSyslogStreamReceiver();
    const { context } = setup('syslog-tcp');
    const sink = createSyslogSink(context, {
      protocol: 'tcp',
      host: '127.0.0.1',
      port: receiver.port,
      facility: 'local0',
      timeoutMs: 2000,
    });
    try {
      for (let n = 0; n < 3; n++) sink.offer(attack(n));
      const messages = await receiver.waitFor(3);
      const first = syslogParts(messages[0]!);
      assert.equal(first.pri, 16 * 8 + 4);
      assert.equal(first.time, '2023-11-14T22:13:20.000Z');
      assert.equal(first.app, 'rampart');
      assert.equal(first.msgId, 'security');
      assert.equal(first.sd, '-');
      for (const message of messages) assert.deepEqual(ocsfErrors(syslogParts(message).json), []);
    } finally {
      await sink.close();
      await receiver.close();
    }
  });

  it('sends one datagram per message over UDP and drops (counts) one over the datagram limit', async () => {
    const receiver = await startSyslogUdpReceiver();
    const { context, counter } = setup('syslog-udp');
    const sink = createSyslogSink(context, {
      protocol: 'udp',
      host: '127.0.0.1',
      port: receiver.port,
      facility: 'auth',
      timeoutMs: 2000,
      maxDatagramBytes: 1500,
    });
    try {
      const big = attack(9);
      const huge: ExportItem = {
        kind: 'security',
        event: { ...(big as { event: SecurityEventRecord }).event, path: '/x'.repeat(1000) },
      };
      sink.offer(attack(1));
      sink.offer(huge);
      sink.offer(attack(2));
      const messages = await receiver.waitFor(2);
      await sink.flush();
      assert.equal(syslogParts(messages[0]!).pri, 4 * 8 + 4);
      assert.equal(await counter('rampart_sink_records_dropped_total', { reason: 'too_large' }), 1);
      assert.equal(await counter('rampart_sink_records_sent_total', { sink: 'syslog-udp' }), 2);
    } finally {
      await sink.close();
      await receiver.close();
    }
  });

  describe('over TLS', { skip: skipWithoutOpenssl }, () => {
    let dir: string;
    let key: string;
    let cert: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'rampart-syslog-tls-'));
      const files = selfSignedCertificate(dir, { altName: 'DNS:localhost' });
      key = readFileSync(files.key, 'utf8');
      cert = readFileSync(files.cert, 'utf8');
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('delivers to a receiver whose certificate it trusts, and to none it does not', async () => {
      const receiver = await startSyslogStreamReceiver({ key, cert });
      const trusted = setup('syslog-tls');
      const sink = createSyslogSink(trusted.context, {
        protocol: 'tls',
        host: '127.0.0.1',
        port: receiver.port,
        facility: 'local0',
        timeoutMs: 2000,
        ca: cert,
        serverName: 'localhost',
      });
      const untrusted = setup('syslog-tls-untrusted', { queue: { ...FAST, retries: 0 } });
      const refused = createSyslogSink(untrusted.context, {
        protocol: 'tls',
        host: '127.0.0.1',
        port: receiver.port,
        facility: 'local0',
        timeoutMs: 2000,
        serverName: 'localhost',
      });
      try {
        sink.offer(attack(1));
        const [message] = await receiver.waitFor(1);
        assert.deepEqual(ocsfErrors(syslogParts(message!).json), []);
        const dropped = untrusted.next();
        refused.offer(attack(2));
        assert.deepEqual(await dropped, { reason: 'send_failed', count: 1 });
        assert.equal(receiver.items.length, 1);
      } finally {
        await sink.close();
        await refused.close();
        await receiver.close();
      }
    });
  });

  it('retries while its receiver is down, then drops and counts what it could not send', async () => {
    const receiver = await startSyslogStreamReceiver();
    const port = receiver.port;
    await receiver.close();
    const { context, next, counter } = setup('syslog-down', { queue: { ...FAST, retries: 2 } });
    const sink = createSyslogSink(context, {
      protocol: 'tcp',
      host: '127.0.0.1',
      port,
      facility: 'local0',
      timeoutMs: 1000,
    });
    try {
      const dropped = next();
      sink.offer(attack(1));
      sink.offer(attack(2));
      assert.deepEqual(await dropped, { reason: 'send_failed', count: 2 });
      assert.equal(await counter('rampart_sink_retries_total', { sink: 'syslog-down' }), 2);
      assert.equal(await counter('rampart_sink_records_dropped_total', { reason: 'send_failed' }), 2);
    } finally {
      await sink.close();
    }
  });
});

describe('sink queue', () => {
  it('drops and counts what comes when its queue is full, without waiting', async () => {
    const { context, counter } = setup('bounded', {
      queue: { ...FAST, maxQueue: 2, flushIntervalMs: 60_000, maxBatch: 100 },
    });
    const receiver = await startHttpReceiver();
    const sink = createHttpSink(context, { url: receiver.url, shape: 'webhook', timeoutMs: 2000 });
    try {
      for (let n = 0; n < 5; n++) sink.offer(attack(n));
      assert.equal(await counter('rampart_sink_records_dropped_total', { reason: 'queue_full' }), 3);
      await sink.flush();
      const [request] = await receiver.waitFor(1);
      assert.equal((JSON.parse(request!.body) as unknown[]).length, 2);
    } finally {
      await sink.close();
      await receiver.close();
    }
  });
});

describe('sink shutdown', () => {
  it('delivers what is queued when it closes, and drops (counts) what comes after', async () => {
    const { context, counter } = setup('closing', { queue: { ...FAST, flushIntervalMs: 60_000 } });
    const receiver = await startHttpReceiver();
    const sink = createHttpSink(context, { url: receiver.url, shape: 'webhook', timeoutMs: 2000 });
    try {
      sink.offer(attack(1));
      sink.offer(attack(2));
      await sink.close();
      const [request] = await receiver.waitFor(1);
      assert.equal((JSON.parse(request!.body) as unknown[]).length, 2);
      sink.offer(attack(3));
      assert.equal(await counter('rampart_sink_records_dropped_total', { reason: 'closed' }), 1);
    } finally {
      await receiver.close();
    }
  });
});

describe('HTTP sink', () => {
  let receiver: HttpReceiver;
  before(async () => {
    receiver = await startHttpReceiver();
  });
  after(() => receiver.close());

  async function sendTwo(
    shape: HttpShape,
    extra: { token?: string; index?: string } = {},
    format?: ExportFormat,
  ) {
    const { context, counter } = setup(`http-${shape}`, format === undefined ? {} : { format });
    const sink = createHttpSink(context, { url: `${receiver.url}/in`, shape, timeoutMs: 2000, ...extra });
    const before = receiver.items.length;
    sink.offer(attack(1));
    sink.offer(attack(2));
    await sink.flush();
    const all = await receiver.waitFor(before + 1);
    await sink.close();
    return { request: all[all.length - 1]!, counter };
  }

  it('posts a webhook batch as a JSON array of OCSF events with a bearer token', async () => {
    const { request } = await sendTwo('webhook', { token: 'hook-secret' });
    assert.equal(request.headers.authorization, 'Bearer hook-secret');
    const events = JSON.parse(request.body) as unknown[];
    assert.equal(events.length, 2);
    for (const event of events) assert.deepEqual(ocsfErrors(event), []);
  });

  it('posts Splunk HEC event objects with the Splunk scheme', async () => {
    const { request } = await sendTwo('splunk-hec', { token: 'hec-token', index: 'security' });
    assert.equal(request.headers.authorization, 'Splunk hec-token');
    const events = request.body.split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.equal(events.length, 2);
    assert.equal(events[0]?.time, 1_700_000_000.001);
    assert.equal(events[0]?.index, 'security');
    assert.equal(events[0]?.sourcetype, 'rampart:ocsf');
    assert.deepEqual(ocsfErrors(events[0]?.event), []);
  });

  it('posts Elastic bulk create actions as NDJSON in ECS, and counts items Elastic refused', async () => {
    receiver.answerBody = JSON.stringify({
      errors: true,
      items: [{ create: { status: 201 } }, { create: { status: 400 } }],
    });
    const { request, counter } = await sendTwo('elastic-bulk', { index: 'logs-rampart' }, 'ecs');
    receiver.answerBody = '{}';
    assert.equal(request.headers['content-type'], 'application/x-ndjson');
    const lines = request.body.trimEnd().split('\n');
    assert.equal(lines.length, 4);
    assert.deepEqual(JSON.parse(lines[0]!), { create: { _index: 'logs-rampart' } });
    assert.equal((JSON.parse(lines[1]!) as { ecs: { version: string } }).ecs.version, '8.11.0');
    assert.equal(await counter('rampart_sink_records_dropped_total', { reason: 'rejected' }), 1);
    assert.equal(await counter('rampart_sink_records_sent_total', { sink: 'http-elastic-bulk' }), 1);
  });

  it('retries a batch answered 503 and drops one answered 400', async () => {
    const { context, counter, next } = setup('http-retry');
    const sink = createHttpSink(context, { url: receiver.url, shape: 'webhook', timeoutMs: 2000 });
    try {
      const before = receiver.items.length;
      receiver.statuses.push(503);
      sink.offer(attack(1));
      await sink.flush();
      await receiver.waitFor(before + 2);
      assert.equal(await counter('rampart_sink_retries_total', { sink: 'http-retry' }), 1);
      assert.equal(await counter('rampart_sink_records_sent_total', { sink: 'http-retry' }), 1);
      receiver.statuses.push(400);
      const dropped = next();
      sink.offer(attack(2));
      assert.deepEqual(await dropped, { reason: 'rejected', count: 1 });
    } finally {
      await sink.close();
    }
  });
});

describe('OTLP logs sink', () => {
  it('exports log records whose bodies are OCSF events, over OTLP/HTTP JSON', async () => {
    const receiver = await startHttpReceiver();
    const { context } = setup('otlp');
    const sink = createOtlpLogsSink(context, {
      url: `${receiver.url}/v1/logs`,
      serviceName: 'rampart-test',
      timeoutMs: 2000,
    });
    try {
      sink.offer(attack(1));
      await sink.flush();
      const [request] = await receiver.waitFor(1);
      assert.equal(request!.url, '/v1/logs');
      const payload = JSON.parse(request!.body) as {
        resourceLogs: Array<{
          scopeLogs: Array<{ logRecords: Array<{ severityText: string; body: unknown }> }>;
        }>;
      };
      const record = payload.resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!;
      assert.equal(record.severityText, 'WARN');
      assert.deepEqual(ocsfErrors(otlpValue(record.body)), []);
    } finally {
      await sink.close();
      await receiver.close();
    }
  });
});

/** Decodes an OTLP JSON AnyValue (`{ kvlistValue: { values: [{ key, value }] } }`, …) to plain JSON. */
export function otlpValue(value: unknown): unknown {
  const v = value as Record<string, unknown>;
  if ('stringValue' in v) return v.stringValue;
  if ('boolValue' in v) return v.boolValue;
  if ('intValue' in v) return Number(v.intValue);
  if ('doubleValue' in v) return v.doubleValue;
  if ('arrayValue' in v) return ((v.arrayValue as { values?: unknown[] }).values ?? []).map(otlpValue);
  if ('kvlistValue' in v) {
    const out: Record<string, unknown> = {};
    for (const entry of (v.kvlistValue as { values?: Array<{ key: string; value: unknown }> }).values ?? [])
      out[entry.key] = otlpValue(entry.value);
    return out;
  }
  return undefined;
}

describe('file sink', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'rampart-file-sink-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('appends JSON lines and rotates by size, keeping the configured number of files', async () => {
    const path = join(dir, 'size', 'events.jsonl');
    const { context } = setup('file-size', { queue: { ...FAST, maxBatch: 1 } });
    const sink = createFileSink(context, { path, maxBytes: 1500, maxAgeMs: 0, keep: 2 });
    for (let n = 0; n < 8; n++) {
      sink.offer(attack(n));
      await sink.flush();
    }
    await sink.close();
    const files = readdirSync(join(dir, 'size')).sort();
    assert.deepEqual(files, ['events.jsonl', 'events.jsonl.1', 'events.jsonl.2']);
    for (const file of files) {
      const lines = readFileSync(join(dir, 'size', file), 'utf8')
        .trimEnd()
        .split('\n');
      for (const line of lines) assert.deepEqual(ocsfErrors(JSON.parse(line)), []);
    }
  });

  it('rotates a file older than maxAge at the next write (injected clock)', async () => {
    const path = join(dir, 'age', 'events.jsonl');
    let now = 0;
    const { context } = setup('file-age');
    const sink = createFileSink(context, {
      path,
      maxBytes: 0,
      maxAgeMs: 60_000,
      keep: 3,
      clock: { now: () => now },
    });
    sink.offer(attack(1));
    await sink.flush();
    now = 59_999;
    sink.offer(attack(2));
    await sink.flush();
    now = 60_000;
    sink.offer(attack(3));
    await sink.flush();
    await sink.close();
    assert.equal(readFileSync(`${path}.1`, 'utf8').trimEnd().split('\n').length, 2);
    assert.equal(readFileSync(path, 'utf8').trimEnd().split('\n').length, 1);
  });
});
