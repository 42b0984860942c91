// The metrics every sink reports, labelled by the sink's name (bounded: sinks come from the config).
import { Counter, Gauge, type Registry } from 'prom-client';

/** Why a record never reached its receiver. */
export type DropReason = 'queue_full' | 'send_failed' | 'rejected' | 'too_large' | 'closed';

/** What a sink records about itself. */
export interface SinkMetrics {
  sent(sink: string, count: number): void;
  dropped(sink: string, reason: DropReason, count: number): void;
  retried(sink: string): void;
  queued(sink: string, length: number): void;
}

const byRegistry = new WeakMap<Registry, SinkMetrics>();

/** The sink metrics on `registry` (created once per registry). */
export function sinkMetrics(registry: Registry): SinkMetrics {
  const existing = byRegistry.get(registry);
  if (existing !== undefined) return existing;
  const registers = [registry];
  const sent = new Counter({
    name: 'rampart_sink_records_sent_total',
    help: 'Records a sink delivered to its receiver, by sink.',
    labelNames: ['sink'] as const,
    registers,
  });
  const dropped = new Counter({
    name: 'rampart_sink_records_dropped_total',
    help: 'Records a sink gave up on, by sink and reason (queue_full, send_failed, rejected, too_large, closed).',
    labelNames: ['sink', 'reason'] as const,
    registers,
  });
  const retries = new Counter({
    name: 'rampart_sink_retries_total',
    help: 'Batches a sink sent again after a failure, by sink.',
    labelNames: ['sink'] as const,
    registers,
  });
  const queue = new Gauge({
    name: 'rampart_sink_queue_length',
    help: 'Records waiting in a sink queue, by sink.',
    labelNames: ['sink'] as const,
    registers,
  });
  const metrics: SinkMetrics = {
    sent: (sink, count) => sent.inc({ sink }, count),
    dropped: (sink, reason, count) => dropped.inc({ sink, reason }, count),
    retried: (sink) => retries.inc({ sink }),
    queued: (sink, length) => queue.set({ sink }, length),
  };
  byRegistry.set(registry, metrics);
  return metrics;
}
