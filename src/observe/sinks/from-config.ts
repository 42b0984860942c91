// Builds the configured sinks (`observability.sinks`) and fans observations out to them. Offering is a
// loop over the sinks that want the kind, each an O(1) queue push: nothing on the request path waits.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Registry } from 'prom-client';
import type { SinkConfig } from '../../config/schema.ts';
import { parseBytes } from '../../lib/bytes.ts';
import { parseDuration } from '../../lib/durations.ts';
import type { ExportItem, ExportKind } from '../export-item.ts';
import type { Logger } from '../logger.ts';
import type { Redactor } from '../redact.ts';
import type { QueueSettings } from './batch-queue.ts';
import { createFileSink } from './file-sink.ts';
import { createHttpSink } from './http-sink.ts';
import { createOtlpLogsSink } from './otlp-logs-sink.ts';
import type { Sink, SinkContext } from './sink.ts';
import { type DropReason, sinkMetrics } from './sink-metrics.ts';
import type { Facility } from './syslog-format.ts';
import { createSyslogSink } from './syslog-sink.ts';

/** What building the sinks needs. */
export interface SinkDeps {
  readonly registry: Registry;
  readonly logger: Logger;
  /** Resolves a secret reference of the running config. */
  readonly secret: (ref: string) => string;
  readonly baseDir: string;
  readonly productVersion: string;
  readonly redactor?: Redactor;
}

/** Every configured sink behind one entry point. */
export interface SinkSet {
  /** Whether any sink takes finished requests (else the gateway need not hand them over). */
  readonly wantsRequests: boolean;
  readonly sinks: readonly Sink[];
  offer(item: ExportItem): void;
  flush(): Promise<void>;
  close(): Promise<void>;
}

// A receiver that is down drops records by the thousand: one log line per sink and window is enough.
const DROP_LOG_WINDOW_MS = 10_000;

function queueSettings(config: SinkConfig): QueueSettings {
  const queue = config.queue;
  return {
    maxQueue: queue.maxRecords,
    maxBatch: queue.maxBatch,
    flushIntervalMs: parseDuration(queue.flushInterval),
    retries: queue.retries,
    backoffMs: parseDuration(queue.backoff),
    maxBackoffMs: parseDuration(queue.maxBackoff),
  };
}

function headersOf(headers: Readonly<Record<string, string>> | undefined, secret: (ref: string) => string) {
  const out: Record<string, string> = {};
  for (const [name, ref] of Object.entries(headers ?? {})) out[name.toLowerCase()] = secret(ref);
  return out;
}

function readCa(sink: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`sink ${sink}: cannot read the CA file ${path}`, { cause: error });
  }
}

// semantic.ts made sure each type has what it requires (SINK_REQUIRED); `required` only narrows.
function required<T>(value: T | undefined, member: string): T {
  if (value === undefined) throw new Error(`sink member ${member} is required`);
  return value;
}

function buildSink(config: SinkConfig, context: SinkContext, deps: SinkDeps): Sink {
  switch (config.type) {
    case 'file':
      return createFileSink(context, {
        path: resolve(deps.baseDir, required(config.path, 'path')),
        maxBytes: parseBytes(config.maxBytes ?? '100mb'),
        maxAgeMs: parseDuration(config.maxAge ?? 0),
        keep: config.keep ?? 5,
      });
    case 'syslog':
      return createSyslogSink(context, {
        protocol: config.protocol ?? 'tcp',
        host: required(config.host, 'host'),
        port: required(config.port, 'port'),
        facility: (config.facility ?? 'local0') as Facility,
        appName: config.appName ?? 'rampart',
        timeoutMs: parseDuration(config.timeout ?? '5s'),
        maxDatagramBytes: config.maxDatagramBytes ?? 8192,
        ...(config.ca === undefined ? {} : { ca: readCa(config.name, resolve(deps.baseDir, config.ca)) }),
        ...(config.serverName === undefined ? {} : { serverName: config.serverName }),
      });
    case 'http':
      return createHttpSink(context, {
        url: required(config.url, 'url'),
        shape: config.shape ?? 'webhook',
        ...(config.token === undefined ? {} : { token: deps.secret(config.token) }),
        headers: headersOf(config.headers, deps.secret),
        ...(config.index === undefined ? {} : { index: config.index }),
        ...(config.sourceType === undefined ? {} : { sourceType: config.sourceType }),
        timeoutMs: parseDuration(config.timeout ?? '10s'),
      });
    case 'otlp-logs':
      return createOtlpLogsSink(context, {
        url: required(config.url, 'url'),
        headers: headersOf(config.headers, deps.secret),
        serviceName: config.serviceName ?? 'rampart',
        timeoutMs: parseDuration(config.timeout ?? '10s'),
      });
  }
}

/** Builds the sinks of `configs`. */
export function createSinks(configs: readonly SinkConfig[], deps: SinkDeps): SinkSet {
  const metrics = sinkMetrics(deps.registry);
  const lastLogged = new Map<string, number>();
  const onDrop = (sink: string, reason: DropReason, count: number, error: unknown): void => {
    const now = Date.now();
    if (now - (lastLogged.get(sink) ?? 0) < DROP_LOG_WINDOW_MS) return;
    lastLogged.set(sink, now);
    const cause =
      error instanceof Error ? { name: error.name, message: error.message.slice(0, 256) } : undefined;
    deps.logger.warn({ sink, reason, count, err: cause }, 'sink dropped records');
  };
  // One mapping options object for every sink, so sinks of one format map each observation once.
  const mapping = {
    productVersion: deps.productVersion,
    ...(deps.redactor === undefined ? {} : { redactor: deps.redactor }),
  };
  const sinks = configs.map((config) => {
    const kinds = new Set<ExportKind>(
      config.events.map((kind) => (kind === 'requests' ? 'request' : 'security')),
    );
    const context: SinkContext = {
      name: config.name,
      kinds,
      format: config.format,
      queue: queueSettings(config),
      metrics,
      mapping,
      onDrop,
    };
    return buildSink(config, context, deps);
  });
  return {
    wantsRequests: sinks.some((sink) => sink.kinds.has('request')),
    sinks,
    offer(item) {
      for (const sink of sinks) sink.offer(item);
    },
    async flush() {
      await Promise.all(sinks.map((sink) => sink.flush()));
    },
    async close() {
      await Promise.all(sinks.map((sink) => sink.close()));
    },
  };
}
