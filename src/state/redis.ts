// The `redis` state backend on ioredis: every counter operation is one Lua script (sent by EVALSHA,
// loaded on first use), commands fail fast instead of queueing while Redis is away, and each has a
// short timeout, so a slow or dead Redis costs a request at most `timeoutMs` — never a hang. Health
// follows behaviour too: consecutive timeouts on an open connection (a frozen Redis) mark it down and
// open a short fast-fail window, so requests do not each wait the timeout while it stays frozen.
import { once } from 'node:events';
import { Redis } from 'ioredis';
import { type Clock, systemClock } from '../lib/clock.ts';
import { CONSUME_ALL, INCREMENT, SLIDING_WINDOW, TOKEN_BUCKET, TRY_INCREMENT } from './redis-scripts.ts';
import {
  type ConsumeAllResult,
  type ConsumeItem,
  type ConsumeResult,
  type IncrementResult,
  type MessageHandler,
  type RateSpec,
  type StateObserver,
  type StateStore,
  StateUnavailableError,
} from './state.ts';

/** Options of `createRedisState`. */
export interface RedisStateOptions {
  /** `redis://[user:pass@]host:port/db` or `rediss://…`. */
  readonly url: string;
  /** Prepended to every key and channel; default `rampart:`. */
  readonly keyPrefix?: string;
  /** Per-command timeout in ms; default 50. */
  readonly timeoutMs?: number;
  /** Consecutive timeouts that mark the backend down although connected; default 3. */
  readonly downAfterTimeouts?: number;
  /** How long operations fail at once after that, before one probe is let through; default 1000 ms. */
  readonly fastFailMs?: number;
  /** Time for the counters and the fast-fail window. */
  readonly clock?: Clock;
  readonly observer?: StateObserver;
}

interface ScriptedRedis extends Redis {
  rlTokenBucket(key: string, ...args: number[]): Promise<number[]>;
  rlSlidingWindow(key: string, ...args: number[]): Promise<number[]>;
  /** numberOfKeys, the keys, then the arguments (the key count varies per call). */
  rlConsumeAll(...args: Array<string | number>): Promise<number[]>;
  stIncrement(key: string, ttlMs: number, by: number): Promise<number>;
  stTryIncrement(key: string, ttlMs: number, by: number, max: number): Promise<number[]>;
}

function connect(options: RedisStateOptions, timeoutMs: number, subscriber: boolean): Redis {
  return new Redis(options.url, {
    keyPrefix: subscriber ? '' : (options.keyPrefix ?? 'rampart:'),
    connectTimeout: Math.max(timeoutMs * 4, 1000),
    // Counters fail fast while disconnected instead of queueing requests behind a dead connection;
    // the subscriber is off the request path, so it may queue its SUBSCRIBE until connected.
    ...(subscriber ? {} : { commandTimeout: timeoutMs, enableOfflineQueue: false, maxRetriesPerRequest: 0 }),
    lazyConnect: false,
    retryStrategy: (times) => Math.min(50 * times, 1000),
  });
}

/** Creates a Redis-backed state store; it connects in the background and reconnects by itself. */
export function createRedisState(options: RedisStateOptions): StateStore {
  const clock = options.clock ?? systemClock;
  const observer = options.observer ?? {};
  const timeoutMs = options.timeoutMs ?? 50;
  const prefix = options.keyPrefix ?? 'rampart:';
  const client = connect(options, timeoutMs, false) as ScriptedRedis;
  client.defineCommand('rlTokenBucket', { numberOfKeys: 1, lua: TOKEN_BUCKET });
  client.defineCommand('rlSlidingWindow', { numberOfKeys: 1, lua: SLIDING_WINDOW });
  client.defineCommand('rlConsumeAll', { lua: CONSUME_ALL });
  client.defineCommand('stIncrement', { numberOfKeys: 1, lua: INCREMENT });
  client.defineCommand('stTryIncrement', { numberOfKeys: 1, lua: TRY_INCREMENT });

  let up: boolean | undefined;
  let closing = false;
  const setUp = (next: boolean): void => {
    // A clean shutdown closes the connection on purpose: that is not an outage.
    if (next === up || closing) return;
    up = next;
    observer.availability?.(next);
  };
  const health = new BehaviourHealth(
    clock,
    options.downAfterTimeouts ?? 3,
    options.fastFailMs ?? 1000,
    setUp,
  );
  // A reconnect alone does not prove a frozen server answers again; a successful command does.
  client.on('ready', () => {
    if (!health.down) setUp(true);
  });
  client.on('end', () => setUp(false));
  client.on('close', () => setUp(false));
  // ioredis emits connection errors as events; without a listener Node would crash the process.
  client.on('error', () => setUp(false));

  let subscriber: Redis | undefined;
  const handlers = new Map<string, Set<MessageHandler>>();
  const subscriberClient = (): Redis => {
    if (subscriber !== undefined) return subscriber;
    const sub = connect(options, timeoutMs, true);
    sub.on('error', () => {});
    sub.on('message', (channel: string, message: string) => {
      const set = handlers.get(channel);
      if (set === undefined) return;
      const name = channel.slice(prefix.length);
      for (const handler of set) handler(message, name);
    });
    subscriber = sub;
    return sub;
  };

  const run = async <T>(op: string, call: () => Promise<T>): Promise<T> => {
    if (!health.admit()) {
      observer.error?.(op, 'unavailable');
      throw new StateUnavailableError(`state ${op} failed (unavailable: fast-fail after timeouts)`);
    }
    try {
      const result = await call();
      health.succeeded();
      return result;
    } catch (error) {
      const message = (error as Error).message ?? '';
      const kind = /timed out/i.test(message) ? 'timeout' : up ? 'error' : 'unavailable';
      health.failed(kind === 'timeout');
      observer.error?.(op, kind);
      throw new StateUnavailableError(`state ${op} failed (${kind})`, { cause: error });
    }
  };
  const toConsume = (reply: number[]): ConsumeResult => ({
    allowed: reply[0] === 1,
    limit: reply[1] ?? 0,
    remaining: reply[2] ?? 0,
    resetMs: reply[3] ?? 0,
    retryAfterMs: reply[4] ?? 0,
  });

  return {
    backend: 'redis',
    whenReady(waitMs) {
      if (client.status === 'ready') return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        const onReady = () => {
          clearTimeout(timer);
          resolve(true);
        };
        const timer = setTimeout(() => {
          client.off('ready', onReady);
          resolve(false);
        }, waitMs);
        client.once('ready', onReady);
      });
    },
    consume(key: string, spec: RateSpec, cost = 1): Promise<ConsumeResult> {
      const now = clock.now();
      return run('consume', async () =>
        toConsume(
          spec.algorithm === 'token-bucket'
            ? await client.rlTokenBucket(key, now, spec.limit, spec.windowMs, spec.burst ?? spec.limit, cost)
            : await client.rlSlidingWindow(key, now, spec.limit, spec.windowMs, cost),
        ),
      );
    },
    consumeAll(items: readonly ConsumeItem[]): Promise<ConsumeAllResult> {
      if (items.length === 0) return Promise.resolve({ allowed: true, results: [] });
      const now = clock.now();
      const args: number[] = [now];
      for (const { spec, cost = 1 } of items) {
        args.push(
          spec.algorithm === 'token-bucket' ? 0 : 1,
          spec.limit,
          spec.windowMs,
          spec.burst ?? spec.limit,
          cost,
        );
      }
      // Reported as op `consume`: the same operation for metrics and events, over several keys.
      return run('consume', async () => {
        const reply = await client.rlConsumeAll(items.length, ...items.map((item) => item.key), ...args);
        return {
          allowed: reply[0] === 1,
          results: items.map((_, i) => toConsume(reply.slice(1 + i * 5, 6 + i * 5))),
        };
      });
    },
    increment: (key, ttlMs, by = 1) =>
      run('increment', () => client.stIncrement(key, Math.max(1, ttlMs), by)),
    tryIncrement(key, ttlMs, by, max): Promise<IncrementResult> {
      return run('tryIncrement', async () => {
        const [applied, value] = await client.stTryIncrement(key, Math.max(1, ttlMs), by, max);
        return { applied: applied === 1, value: value ?? 0 };
      });
    },
    count: (key) => run('count', async () => Number((await client.get(key)) ?? 0) || 0),
    set: (key, value, ttlMs) =>
      run('set', async () => {
        await client.set(key, value, 'PX', Math.max(1, Math.ceil(ttlMs)));
      }),
    get: (key) => run('get', async () => (await client.get(key)) ?? undefined),
    delete: (key) =>
      run('delete', async () => {
        await client.del(key);
      }),
    publish: (channel, message) =>
      run('publish', async () => {
        await client.publish(prefix + channel, message);
      }),
    subscribe(channel, handler) {
      const full = prefix + channel;
      let set = handlers.get(full);
      if (set === undefined) {
        set = new Set();
        handlers.set(full, set);
        // ioredis re-subscribes after a reconnect (autoResubscribe), so notices resume by themselves.
        subscriberClient()
          .subscribe(full)
          .catch(() => observer.error?.('subscribe', 'unavailable'));
      }
      set.add(handler);
      return () => {
        const current = handlers.get(full);
        if (current === undefined) return;
        current.delete(handler);
        if (current.size === 0) {
          handlers.delete(full);
          subscriber?.unsubscribe(full).catch(() => {});
        }
      };
    },
    async close() {
      closing = true;
      handlers.clear();
      // Resolves once the connection is gone, so nothing it emits can arrive after close().
      const ended = client.status === 'end' ? undefined : once(client, 'end');
      client.disconnect();
      subscriber?.disconnect();
      // Bounded, so a connection that never reports its end cannot hold a shutdown.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([ended, new Promise((resolve) => (timer = setTimeout(resolve, 1000)))]);
      clearTimeout(timer);
    },
  };
}

/**
 * Health from what commands do: `downAfter` timeouts in a row mark the backend down (reported once),
 * then every operation fails at once for `fastFailMs`; after it one probe goes through (the others
 * keep failing fast), and its success marks the backend up again, its timeout opens a new window.
 */
export class BehaviourHealth {
  down = false;
  #timeouts = 0;
  #until = 0;
  #probing = false;
  readonly #clock: Clock;
  readonly #downAfter: number;
  readonly #fastFailMs: number;
  readonly #report: (up: boolean) => void;

  constructor(clock: Clock, downAfter: number, fastFailMs: number, report: (up: boolean) => void) {
    this.#clock = clock;
    this.#downAfter = Math.max(1, downAfter);
    this.#fastFailMs = fastFailMs;
    this.#report = report;
  }

  /** Whether an operation may be sent now. */
  admit(): boolean {
    if (!this.down) return true;
    if (this.#probing || this.#clock.now() < this.#until) return false;
    this.#probing = true;
    return true;
  }

  succeeded(): void {
    this.#timeouts = 0;
    this.#probing = false;
    if (!this.down) return;
    this.down = false;
    this.#report(true);
  }

  failed(timeout: boolean): void {
    this.#probing = false;
    if (!timeout) return;
    this.#timeouts++;
    if (!this.down && this.#timeouts < this.#downAfter) return;
    this.#until = this.#clock.now() + this.#fastFailMs;
    if (this.down) return;
    this.down = true;
    this.#report(false);
  }
}
