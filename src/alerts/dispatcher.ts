// Delivers notices to their channels off the request path: one queue per channel (bounded; a full
// queue drops and counts), sends in order, a few retries with growing delays, every outcome counted.

import type { AlertChannel } from './channels/channel.ts';
import type { AlertNotice } from './engine.ts';

/** Outcomes counted per channel and action. */
export type DeliveryResult = 'sent' | 'failed' | 'dropped';

/** Options of `createDispatcher`. */
export interface DispatcherOptions {
  readonly channels: ReadonlyMap<string, AlertChannel>;
  /** Every delivery's outcome (metrics, logs); `error` when it failed. */
  readonly onResult: (
    channel: AlertChannel,
    notice: AlertNotice,
    result: DeliveryResult,
    error?: unknown,
  ) => void;
  /** Notices waiting per channel at most (default 1000). */
  readonly maxQueue?: number;
  /** Tries per notice (default 3). */
  readonly attempts?: number;
  /** The wait before retry n (1-based); default 1 s, 4 s, 16 s… on unreferenced timers. */
  readonly retryDelay?: (retry: number) => Promise<void>;
}

/** The dispatcher. */
export interface Dispatcher {
  dispatch(notice: AlertNotice): void;
  /** Resolves once every notice dispatched so far was delivered or given up. */
  idle(): Promise<void>;
}

const realDelay = (retry: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, 1000 * 4 ** (retry - 1)).unref());

/** Creates a dispatcher over named channels. */
export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const maxQueue = options.maxQueue ?? 1000;
  const attempts = options.attempts ?? 3;
  const delay = options.retryDelay ?? realDelay;
  const queues = new Map<string, { tail: Promise<void>; waiting: number }>();

  const deliver = async (channel: AlertChannel, notice: AlertNotice): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      try {
        await channel.send(notice);
        options.onResult(channel, notice, 'sent');
        return;
      } catch (error) {
        if (attempt >= attempts) {
          options.onResult(channel, notice, 'failed', error);
          return;
        }
        await delay(attempt);
      }
    }
  };

  return {
    dispatch(notice) {
      for (const name of notice.channels) {
        const channel = options.channels.get(name);
        if (channel === undefined) continue;
        let queue = queues.get(name);
        if (queue === undefined) {
          queue = { tail: Promise.resolve(), waiting: 0 };
          queues.set(name, queue);
        }
        if (queue.waiting >= maxQueue) {
          options.onResult(channel, notice, 'dropped');
          continue;
        }
        queue.waiting += 1;
        const current = queue;
        current.tail = current.tail.then(async () => {
          await deliver(channel, notice);
          current.waiting -= 1;
        });
      }
    },
    async idle() {
      await Promise.all([...queues.values()].map((queue) => queue.tail));
    },
  };
}
