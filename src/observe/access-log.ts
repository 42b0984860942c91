// The access log: one JSON line per request, query and headers redacted, every field bounded.
import type { HeaderMap } from '../lib/headers.ts';
import type { Logger } from './logger.ts';
import { createRedactor, type Redactor } from './redact.ts';

/** What the pipeline knows about a finished request. */
export interface AccessRecord {
  readonly requestId: string;
  readonly method: string;
  /** The configured route name, or `unmatched`. */
  readonly route: string;
  /** The request target as received (path and query); the query is redacted before logging. */
  readonly url: string;
  readonly status: number;
  readonly latencyMs: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly clientIp: string;
  readonly consumerId?: string | undefined;
  readonly userAgent?: string | undefined;
  /** Set when a policy denied (or would have denied, in monitor mode) the request. */
  readonly rejection?: { readonly code: string; readonly policy?: string | undefined } | undefined;
  readonly upstream?: string | undefined;
  readonly annotations?: Readonly<Record<string, string | number | boolean>> | undefined;
  /** Request headers; logged only when the access logger's `logHeaders` is on, redacted. */
  readonly headers?: Readonly<HeaderMap> | undefined;
  /** The W3C trace id, when tracing is on. */
  readonly traceId?: string | undefined;
}

/** The members of an access log line (pino adds `time`, `level`, `pid` and `msg`). */
export interface AccessLogLine {
  requestId: string;
  method: string;
  route: string;
  path: string;
  status: number;
  latencyMs: number;
  bytesIn: number;
  bytesOut: number;
  clientIp: string;
  consumerId?: string;
  userAgent?: string;
  rejection?: { code: string; policy?: string };
  upstream?: string;
  annotations?: Record<string, string | number | boolean>;
  headers?: HeaderMap;
  traceId?: string;
}

/** Options of the access line builder and logger. */
export interface AccessLogOptions {
  /** Extra header or query parameter names to redact (`log.redact`). */
  readonly extraRedact?: readonly string[];
  /** A redactor compiled elsewhere (takes precedence over `extraRedact`). */
  readonly redactor?: Redactor;
  /** Log the request headers, redacted (debugging aid; off by default). */
  readonly logHeaders?: boolean;
  /**
   * Write each line straight to this destination in the logger's JSON shape (level, time, pid, the
   * members, msg), instead of through pino's generic serializer: one native JSON.stringify per line.
   */
  readonly direct?: DirectLineTarget;
}

/** Where and how `createAccessLogger` writes lines itself. */
export interface DirectLineTarget {
  readonly destination: { write(line: string): unknown };
  /** Whether the logger's level lets `info` lines through. */
  readonly enabled: boolean;
  readonly levels?: 'number' | 'label' | undefined;
  readonly time?: 'epoch' | 'iso' | undefined;
}

// Bounds on what one line may hold; the request-limits policy bounds the request itself, this
// bounds the log also for requests no route (and no policy) matched.
const MAX_PATH = 2048;
const MAX_FIELD = 512;
const MAX_ANNOTATIONS = 32;
const MAX_ANNOTATION_VALUE = 256;

function bound(value: string, max: number): string {
  return value.length > max ? `${value.slice(0, max - 1)}…` : value;
}

const defaultRedactor = createRedactor();

/** Builds the members of an access log line from a record, redacting and bounding them. */
export function accessLogLine(record: AccessRecord, options: AccessLogOptions = {}): AccessLogLine {
  const redactor =
    options.redactor ?? (options.extraRedact ? createRedactor(options.extraRedact) : defaultRedactor);
  const line: AccessLogLine = {
    requestId: bound(record.requestId, 128),
    method: bound(record.method, 32),
    route: record.route,
    path: bound(redactor.redactUrl(record.url), MAX_PATH),
    status: record.status,
    latencyMs: Math.round(record.latencyMs * 1000) / 1000,
    bytesIn: record.bytesIn,
    bytesOut: record.bytesOut,
    clientIp: record.clientIp,
  };
  if (record.consumerId !== undefined) line.consumerId = bound(record.consumerId, 128);
  if (record.userAgent !== undefined) line.userAgent = bound(record.userAgent, MAX_FIELD);
  if (record.rejection !== undefined) {
    line.rejection =
      record.rejection.policy === undefined
        ? { code: record.rejection.code }
        : { code: record.rejection.code, policy: record.rejection.policy };
  }
  if (record.upstream !== undefined) line.upstream = record.upstream;
  if (record.traceId !== undefined) line.traceId = record.traceId;
  if (record.annotations !== undefined) {
    const annotations: Record<string, string | number | boolean> = {};
    let count = 0;
    for (const [key, value] of Object.entries(record.annotations)) {
      if (count++ >= MAX_ANNOTATIONS) break;
      annotations[bound(key, 64)] = typeof value === 'string' ? bound(value, MAX_ANNOTATION_VALUE) : value;
    }
    line.annotations = annotations;
  }
  if (options.logHeaders === true && record.headers !== undefined) {
    const headers = redactor.redactHeaders(record.headers);
    for (const [name, value] of Object.entries(headers)) {
      if (typeof value === 'string') headers[name] = bound(value, MAX_FIELD);
    }
    line.headers = headers;
  }
  return line;
}

/** Writes access log lines through a logger. */
export interface AccessLogger {
  log(record: AccessRecord): void;
  /** Writes the lines still held (the direct writer batches a turn of the event loop). */
  flush(): void;
}

/** Lines held before a batch is written at once, whatever the turn. */
const MAX_HELD_LINES = 512;

/** Creates the access logger; redaction is compiled once here, not per request. */
export function createAccessLogger(logger: Logger, options: AccessLogOptions = {}): AccessLogger {
  const redactor = options.redactor ?? createRedactor(options.extraRedact);
  const lineOptions: AccessLogOptions =
    options.logHeaders === undefined ? { redactor } : { redactor, logHeaders: options.logHeaders };
  const direct = options.direct;
  if (direct !== undefined) {
    // The same line pino writes: `{"level":…,"time":…,"pid":…,<members>,"msg":"access"}`.
    const level = direct.levels === 'label' ? '"info"' : '30';
    const head = `{"level":${level},"time":`;
    const tail = `,"pid":${process.pid},`;
    const iso = direct.time === 'iso';
    // The lines of one turn of the event loop go out in one write: under load that is one write
    // (and one thread-pool round trip of the asynchronous destination) for many requests.
    let held: string[] = [];
    let scheduled = false;
    const flush = (): void => {
      scheduled = false;
      if (held.length === 0) return;
      const text = held.length === 1 ? held[0]! : held.join('');
      held = [];
      direct.destination.write(text);
    };
    return {
      log(record) {
        if (!direct.enabled) return;
        const time = iso ? `"${new Date().toISOString()}"` : String(Date.now());
        const members = JSON.stringify(accessLogLine(record, lineOptions));
        held.push(`${head}${time}${tail}${members.slice(1, -1)},"msg":"access"}\n`);
        if (held.length >= MAX_HELD_LINES) flush();
        else if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      },
      flush,
    };
  }
  return {
    log(record) {
      logger.info(accessLogLine(record, lineOptions), 'access');
    },
    flush() {},
  };
}
