// Starts a real gateway for integration tests: config from YAML text, real logger (lines captured),
// real metrics and events, and optionally a store, state and clock. Everything is closed by `close()`.
import { Writable } from 'node:stream';
import { formatConfigError } from '../../src/config/errors.ts';
import { loadConfigText } from '../../src/config/load.ts';
import type { RampartConfig } from '../../src/config/schema.ts';
import { type Gateway, startGateway } from '../../src/gateway/server.ts';
import { createAccessLogger } from '../../src/observe/access-log.ts';
import { createSecurityEvents, type SecurityEventRecord } from '../../src/observe/events.ts';
import { createGatewayObserver } from '../../src/observe/gateway-observer.ts';
import { createLogger } from '../../src/observe/logger.ts';
import { createMetrics, type Metrics } from '../../src/observe/metrics.ts';
import type { Clock } from '../../src/policies/policy.ts';
import { POLICY_DEFINITIONS } from '../../src/policies/registry.ts';
import type { StateStore } from '../../src/state/state.ts';
import type { IdentityStore } from '../../src/store/store.ts';
import { accessOf, createLogLines, type LogRecord } from './log-lines.ts';

/** A running test gateway. */
export interface TestGateway {
  readonly url: string;
  readonly urls: Gateway['urls'];
  readonly gateway: Gateway;
  readonly metrics: Metrics;
  /** Every log line written so far (raw JSON text). */
  readonly logLines: string[];
  /** Resolves with the first log record `match` accepts from line `from` on (default 0), or to come. */
  waitForLog(match: (record: LogRecord) => boolean, from?: number): Promise<LogRecord>;
  /** Resolves with the access log record of request `requestId` (written when the request ended). */
  accessLogOf(requestId: string): Promise<LogRecord>;
  readonly events: SecurityEventRecord[];
  /** Resolves with the first log line (parsed), already written or still to come, that `match` accepts. */
  logLine(match: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  /** Loads YAML text and reloads the gateway with it (throws on a bad config). */
  reload(yaml: string): Promise<void>;
  close(): Promise<void>;
}

/** Loads YAML config text with the real registry; throws with the formatted errors when it is bad. */
export async function loadTestConfig(yaml: string): Promise<RampartConfig> {
  const loaded = await loadConfigText(yaml, 'test.yaml', POLICY_DEFINITIONS);
  if (!loaded.ok) throw new Error(loaded.errors.map(formatConfigError).join('\n'));
  return loaded.config;
}

/** What a test may hand the gateway besides its config. */
export interface TestGatewayOptions {
  readonly store?: IdentityStore;
  readonly clock?: Clock;
  readonly state?: StateStore;
  readonly baseDir?: string;
}

/** Starts a gateway on 127.0.0.1 with the given config text (use `port: 0` listeners). */
export async function startTestGateway(yaml: string, options: TestGatewayOptions = {}): Promise<TestGateway> {
  const config = await loadTestConfig(yaml);
  const log = createLogLines();
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line !== '') log.push(line);
      done();
    },
  });
  const logger = createLogger({ level: 'debug', destination });
  const metrics = createMetrics({ defaultMetrics: false });
  const securityEvents = createSecurityEvents({ logger, metrics });
  const events: SecurityEventRecord[] = [];
  securityEvents.on((event) => {
    events.push(event);
  });
  const observer = createGatewayObserver({
    logger,
    metrics,
    events: securityEvents,
    accessLog: createAccessLogger(logger),
  });
  const gateway = await startGateway({
    config,
    definitions: POLICY_DEFINITIONS,
    observer,
    log: logger,
    ...(options.store === undefined ? {} : { store: options.store }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.state === undefined ? {} : { state: options.state }),
    ...(options.baseDir === undefined ? {} : { baseDir: options.baseDir }),
  });
  return {
    url: gateway.urls.http ?? gateway.urls.https ?? '',
    urls: gateway.urls,
    gateway,
    metrics,
    logLines: log.lines,
    waitForLog: log.waitFor,
    accessLogOf: (requestId) => log.waitFor(accessOf(requestId)),
    events,
    logLine: (match) => log.waitFor(match),
    async reload(text) {
      gateway.reload(await loadTestConfig(text));
    },
    close: () => gateway.close(),
  };
}

/** A config with one HTTP listener on port 0 and one catch-all route `a` to `upstreamUrl`. */
export function catchAllConfig(upstreamUrl: string, server = ''): string {
  return `
version: 1
server: { http: { port: 0 }${server} }
upstreams: { app: { url: ${upstreamUrl} } }
routes:
  - name: a
    match: { path: /* }
    upstream: app
`;
}
