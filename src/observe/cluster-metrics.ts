// One /metrics across `--workers`: the primary aggregates every worker's registry with prom-client's
// AggregatorRegistry (counters and histograms summed, gauges by their `aggregator`), and a worker that
// is scraped asks the primary for that aggregate over the cluster IPC channel.
import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';

const REQUEST = 'rampart:metrics-request';
const RESPONSE = 'rampart:metrics-response';
const TIMEOUT_MS = 5000;
const MAX_PENDING = 64;

interface MetricsRequest {
  readonly type: typeof REQUEST;
  readonly id: number;
}

interface MetricsResponse {
  readonly type: typeof RESPONSE;
  readonly id: number;
  readonly text?: string;
  readonly error?: string;
}

function isMessage<T extends { type: string }>(message: unknown, type: T['type']): message is T {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === type;
}

/** In the primary: answers each worker's request with the metrics of all workers. Returns the stop. */
export function serveClusterMetrics(): () => void {
  const aggregator = new AggregatorRegistry();
  const onMessage = (worker: Worker, message: unknown): void => {
    if (!isMessage<MetricsRequest>(message, REQUEST)) return;
    const reply = (answer: Omit<MetricsResponse, 'type' | 'id'>): void => {
      if (worker.isConnected()) worker.send({ type: RESPONSE, id: message.id, ...answer });
    };
    aggregator.clusterMetrics().then(
      (text) => reply({ text }),
      (error: unknown) => reply({ error: error instanceof Error ? error.message : 'aggregation failed' }),
    );
  };
  cluster.on('message', onMessage);
  return () => cluster.off('message', onMessage);
}

/**
 * In a worker: offers `registry` to the primary's aggregation and returns a renderer that asks the
 * primary for the cluster's metrics; the worker's own metrics when the primary does not answer.
 */
export function clusterMetricsRenderer(registry: Registry): () => Promise<string> {
  AggregatorRegistry.setRegistries([registry]);
  // Constructing one installs the worker's answer to the primary's requests (prom-client cluster.js).
  new AggregatorRegistry();
  let next = 0;
  const pending = new Map<number, (text: string | undefined) => void>();
  process.on('message', (message: unknown) => {
    if (!isMessage<MetricsResponse>(message, RESPONSE)) return;
    pending.get(message.id)?.(message.text);
  });
  return async () => {
    if (process.send === undefined || pending.size >= MAX_PENDING) return registry.metrics();
    const id = next++;
    const text = await new Promise<string | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), TIMEOUT_MS);
      timer.unref();
      pending.set(id, (answer) => {
        clearTimeout(timer);
        resolve(answer);
      });
      process.send?.({ type: REQUEST, id } satisfies MetricsRequest);
    });
    pending.delete(id);
    return text ?? registry.metrics();
  };
}
