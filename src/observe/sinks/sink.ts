// The shape every sink has: it takes observations without waiting and delivers them in batches.
import type { ExportItem, ExportKind } from '../export-item.ts';
import type { MappingOptions } from '../schemas/fields.ts';
import {
  type CachedFormatter,
  createFormatter,
  type ExportFormat,
  type Formatted,
} from '../schemas/format.ts';
import { BatchQueue, type BatchQueueOptions, type QueueSettings } from './batch-queue.ts';
import type { DropReason, SinkMetrics } from './sink-metrics.ts';

/** A running sink. */
export interface Sink {
  readonly name: string;
  /** Which observations it takes. */
  readonly kinds: ReadonlySet<ExportKind>;
  /** Queues one observation; never waits (full queue: dropped and counted). */
  offer(item: ExportItem): void;
  /** Sends what is queued now. */
  flush(): Promise<void>;
  /** Sends what is queued (bounded) and releases connections and files. */
  close(): Promise<void>;
}

/** What every sink is built with. */
export interface SinkContext {
  readonly name: string;
  readonly kinds: ReadonlySet<ExportKind>;
  readonly format: ExportFormat;
  readonly queue: QueueSettings;
  readonly metrics: SinkMetrics;
  readonly mapping: MappingOptions;
  /** Told when records are dropped (the caller logs it, rate-limited). */
  readonly onDrop?: (sink: string, reason: DropReason, count: number, error: unknown) => void;
  readonly random?: () => number;
}

/** A transport: encodes a batch of formatted observations (document and JSON text), and sends it. */
export interface Transport<B> {
  encode(formatted: readonly Formatted[], items: readonly ExportItem[]): B;
  send: BatchQueueOptions<ExportItem, B>['send'];
  close?(): Promise<void>;
}

/** Builds a sink from its context and transport: queue, formatter, drop reporting. */
export function createSink<B>(context: SinkContext, transport: Transport<B>): Sink {
  const format: CachedFormatter = createFormatter(context.format, context.mapping);
  const queue = new BatchQueue<ExportItem, B>({
    name: context.name,
    settings: context.queue,
    metrics: context.metrics,
    encode: (items) => transport.encode(items.map(format), items),
    send: (batch, count) => transport.send(batch, count),
    onDrop: (reason, count, error) => context.onDrop?.(context.name, reason, count, error),
    ...(context.random === undefined ? {} : { random: context.random }),
  });
  return {
    name: context.name,
    kinds: context.kinds,
    offer(item) {
      if (context.kinds.has(item.kind)) queue.offer(item);
    },
    flush: () => queue.flush(),
    async close() {
      await queue.close();
      await transport.close?.();
    },
  };
}
