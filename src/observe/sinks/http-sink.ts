// HTTP batches in three shapes: a generic webhook (a JSON array), Splunk's HTTP Event Collector
// (concatenated event objects, `Authorization: Splunk <token>`) and Elastic's bulk API (NDJSON `create`
// actions). 2xx is delivered; 408, 429 and 5xx are retried; any other answer drops the batch (retrying
// cannot fix it). Elastic answers 200 with per-item errors: refused items are dropped and counted.
import type { ExportItem } from '../export-item.ts';
import type { Formatted } from '../schemas/format.ts';
import { PermanentSendError, type SendResult } from './batch-queue.ts';
import { createSink, type Sink, type SinkContext } from './sink.ts';

/** The body shapes an HTTP sink can send. */
export type HttpShape = 'webhook' | 'splunk-hec' | 'elastic-bulk';

export const HTTP_SHAPES: readonly HttpShape[] = ['webhook', 'splunk-hec', 'elastic-bulk'];

/** Settings of an HTTP sink. */
export interface HttpSinkSettings {
  readonly url: string;
  readonly shape: HttpShape;
  /** The credential: sent as `Bearer` (webhook), `Splunk` (HEC) or `ApiKey` (Elastic). */
  readonly token?: string;
  /** More request headers (values already resolved). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Elastic: the index (or data stream) to write to. Splunk: the `index` field, when set. */
  readonly index?: string;
  /** Splunk: `sourcetype` (default `rampart:<format>`). */
  readonly sourceType?: string;
  readonly timeoutMs: number;
}

interface HttpBatch {
  readonly body: string;
}

const SCHEME: Record<HttpShape, string> = {
  webhook: 'Bearer',
  'splunk-hec': 'Splunk',
  'elastic-bulk': 'ApiKey',
};
const CONTENT_TYPE: Record<HttpShape, string> = {
  webhook: 'application/json',
  'splunk-hec': 'application/json',
  'elastic-bulk': 'application/x-ndjson',
};
const MAX_RESPONSE_BYTES = 1024 * 1024;

function timeOf(item: ExportItem): number {
  return item.kind === 'security' ? item.event.time : item.request.time;
}

/** The request body of a batch in `shape` (documents already serialized). */
export function httpBody(
  shape: HttpShape,
  formatted: readonly Formatted[],
  items: readonly ExportItem[],
  settings: Pick<HttpSinkSettings, 'index' | 'sourceType'>,
): string {
  switch (shape) {
    case 'webhook':
      return `[${formatted.map((each) => each.json).join(',')}]`;
    case 'splunk-hec': {
      // HEC's event endpoint takes several event objects one after the other in one body.
      const fields = `"source":"rampart","sourcetype":${JSON.stringify(settings.sourceType ?? 'rampart')}${
        settings.index === undefined ? '' : `,"index":${JSON.stringify(settings.index)}`
      }`;
      return formatted
        .map((each, i) => `{"time":${timeOf(items[i]!) / 1000},${fields},"event":${each.json}}`)
        .join('\n');
    }
    case 'elastic-bulk': {
      const action = JSON.stringify({
        create: settings.index === undefined ? {} : { _index: settings.index },
      });
      return formatted.map((each) => `${action}\n${each.json}\n`).join('');
    }
  }
}

async function readBounded(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  if (reader === undefined) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > MAX_RESPONSE_BYTES) {
      await reader.cancel();
      break;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

// Elastic bulk: `{"errors":true,"items":[{"create":{"status":409,…}}]}`; count the items refused.
function bulkRejections(text: string): number {
  try {
    const answer = JSON.parse(text) as { errors?: unknown; items?: unknown };
    if (answer.errors !== true || !Array.isArray(answer.items)) return 0;
    let refused = 0;
    for (const item of answer.items) {
      const status = (Object.values(item as object)[0] as { status?: unknown } | undefined)?.status;
      if (typeof status === 'number' && status >= 300) refused++;
    }
    return refused;
  } catch {
    return 0;
  }
}

/** Creates an HTTP batch sink. */
export function createHttpSink(context: SinkContext, settings: HttpSinkSettings): Sink {
  const headers: Record<string, string> = {
    'content-type': CONTENT_TYPE[settings.shape],
    'user-agent': `rampart/${context.mapping.productVersion}`,
    ...settings.headers,
  };
  if (settings.token !== undefined) headers.authorization = `${SCHEME[settings.shape]} ${settings.token}`;
  const bodySettings = {
    ...(settings.index === undefined ? {} : { index: settings.index }),
    sourceType: settings.sourceType ?? `rampart:${context.format}`,
  };
  return createSink<HttpBatch>(context, {
    encode: (formatted, items) => ({ body: httpBody(settings.shape, formatted, items, bodySettings) }),
    async send(batch): Promise<SendResult | undefined> {
      const response = await fetch(settings.url, {
        method: 'POST',
        headers,
        body: batch.body,
        signal: AbortSignal.timeout(settings.timeoutMs),
        redirect: 'error',
      });
      const text = await readBounded(response);
      const status = response.status;
      if (status >= 200 && status < 300) {
        return settings.shape === 'elastic-bulk' ? { rejected: bulkRejections(text) } : undefined;
      }
      if (status === 408 || status === 429 || status >= 500) throw new Error(`receiver answered ${status}`);
      throw new PermanentSendError(`receiver refused the batch with ${status}`);
    },
  });
}
