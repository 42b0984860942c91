// Starts a real gateway with an identity store (and optionally a clock and state) for the identity
// tests: like test/helpers/gateway.ts, with the store handed to policies. Log lines and events kept.
import { Writable } from 'node:stream';
import { startGateway } from '../src/gateway/server.ts';
import { createAccessLogger } from '../src/observe/access-log.ts';
import { createSecurityEvents, type SecurityEventRecord } from '../src/observe/events.ts';
import { createGatewayObserver } from '../src/observe/gateway-observer.ts';
import { createLogger } from '../src/observe/logger.ts';
import { createMetrics, type Metrics } from '../src/observe/metrics.ts';
import type { Clock } from '../src/policies/policy.ts';
import { POLICY_DEFINITIONS } from '../src/policies/registry.ts';
import type { StateStore } from '../src/state/state.ts';
import type { IdentityStore } from '../src/store/store.ts';
import { loadTestConfig } from './helpers/gateway.ts';

/** A running gateway with its captured output. */
export interface IdentityGateway {
  readonly url: string;
  readonly urls: { readonly http?: string; readonly https?: string };
  readonly metrics: Metrics;
  readonly logLines: string[];
  readonly events: SecurityEventRecord[];
  close(): Promise<void>;
}

/** Starts a gateway on 127.0.0.1 with `yaml` (use port 0) and the given store, clock and state. */
export async function startIdentityGateway(
  yaml: string,
  options: { store?: IdentityStore; clock?: Clock; state?: StateStore; baseDir?: string } = {},
): Promise<IdentityGateway> {
  const config = await loadTestConfig(yaml);
  const logLines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line !== '') logLines.push(line);
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
    metrics,
    logLines,
    events,
    close: () => gateway.close(),
  };
}
