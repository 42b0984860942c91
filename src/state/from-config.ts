// Builds the state store the config's `state:` section asks for, with its metrics and log events.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Clock } from '../lib/clock.ts';
import { parseDuration } from '../lib/durations.ts';
import type { StructuredLogger } from '../lib/logger.ts';
import { resolveSecret } from '../lib/secrets.ts';
import { createMemoryState } from './memory.ts';
import { createRedisState } from './redis.ts';
import type { StateObserver, StateStore } from './state.ts';

/** The `state:` config section (schema in src/config/schema.ts). */
export interface StateConfig {
  readonly backend: 'memory' | 'redis';
  readonly redis?: {
    readonly url: string;
    readonly keyPrefix: string;
    readonly timeout?: number | string;
    readonly downAfterTimeouts?: number;
    readonly fastFail?: number | string;
  };
}

/** Options of `createStateFromConfig`. */
export interface StateFromConfigOptions {
  readonly baseDir: string;
  readonly log: StructuredLogger;
  /** The metrics registry `rampart_state_*` series are registered on. */
  readonly registry?: Registry;
  readonly clock?: Clock;
}

/**
 * `rampart_state_errors_total{op,kind}` and `rampart_state_up`, plus a `state.unavailable` /
 * `state.recovered` log event on every availability change (not one per failed request).
 */
export function createStateObserver(log: StructuredLogger, registry?: Registry): StateObserver {
  const registers = registry === undefined ? [] : [registry];
  const errors = new Counter({
    name: 'rampart_state_errors_total',
    help: 'State backend operations that failed, by operation and kind (timeout, unavailable, error).',
    labelNames: ['op', 'kind'],
    registers,
  });
  const up = new Gauge({
    name: 'rampart_state_up',
    help: 'Whether the state backend is reachable (1) or not (0).',
    registers,
  });
  up.set(1);
  let wasDown = false;
  return {
    error(op, kind) {
      errors.inc({ op, kind });
    },
    availability(isUp) {
      up.set(isUp ? 1 : 0);
      if (!isUp && !wasDown) log.error({ event: 'state.unavailable' }, 'state backend unreachable');
      if (isUp && wasDown) log.info({ event: 'state.recovered' }, 'state backend reachable again');
      wasDown = !isUp;
    },
  };
}

/** Creates the configured store; `memory` when the section is absent. */
export async function createStateFromConfig(
  config: StateConfig | undefined,
  options: StateFromConfigOptions,
): Promise<StateStore> {
  const clock = options.clock === undefined ? {} : { clock: options.clock };
  if (config === undefined || config.backend === 'memory') return createMemoryState(clock);
  if (config.redis === undefined) throw new Error('state.redis.url is required with backend: redis');
  const { url, keyPrefix, timeout, downAfterTimeouts, fastFail } = config.redis;
  const resolved = /^(env|file):/.test(url) ? await resolveSecret(url, options.baseDir) : url;
  return createRedisState({
    url: resolved,
    keyPrefix,
    timeoutMs: timeout === undefined ? 50 : parseDuration(timeout),
    ...(downAfterTimeouts === undefined ? {} : { downAfterTimeouts }),
    ...(fastFail === undefined ? {} : { fastFailMs: parseDuration(fastFail) }),
    observer: createStateObserver(options.log, options.registry),
    ...clock,
  });
}
