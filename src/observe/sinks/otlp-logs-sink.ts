// OpenTelemetry logs over OTLP/HTTP (JSON): each observation is one log record whose body is the
// formatted event, sent with the OpenTelemetry exporter; Rampart's queue batches and retries around it.
import type { AnyValue } from '@opentelemetry/api-logs';
import { ExportResultCode, millisToHrTime } from '@opentelemetry/core';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { ExportItem } from '../export-item.ts';
import { createSink, type Sink, type SinkContext } from './sink.ts';

/** Settings of an OTLP logs sink. */
export interface OtlpLogsSinkSettings {
  /** The logs endpoint, e.g. `http://collector:4318/v1/logs`. */
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly serviceName: string;
  readonly timeoutMs: number;
}

// OpenTelemetry SeverityNumber (logs data model): INFO 9, WARN 13, ERROR 17.
function severity(item: ExportItem): { severityNumber: number; severityText: string } {
  if (item.kind === 'request') return { severityNumber: 9, severityText: 'INFO' };
  if (item.event.severity === 'critical') return { severityNumber: 17, severityText: 'ERROR' };
  return item.event.outcome === 'denied'
    ? { severityNumber: 13, severityText: 'WARN' }
    : { severityNumber: 9, severityText: 'INFO' };
}

/** Creates an OTLP/HTTP logs sink. */
export function createOtlpLogsSink(context: SinkContext, settings: OtlpLogsSinkSettings): Sink {
  const exporter = new OTLPLogExporter({
    url: settings.url,
    headers: { ...settings.headers },
    timeoutMillis: settings.timeoutMs,
    concurrencyLimit: 1,
  });
  const resource = resourceFromAttributes({ 'service.name': settings.serviceName });
  const scope = { name: 'rampart', version: context.mapping.productVersion };

  const toRecord = (doc: Record<string, unknown>, item: ExportItem): ReadableLogRecord => {
    const time = millisToHrTime(item.kind === 'security' ? item.event.time : item.request.time);
    const traceId = item.kind === 'security' ? item.event.traceId : item.request.traceId;
    const requestId = item.kind === 'security' ? item.event.requestId : item.request.requestId;
    return {
      hrTime: time,
      hrTimeObserved: time,
      ...severity(item),
      body: doc as AnyValue,
      eventName: item.kind === 'security' ? 'rampart.security_event' : 'rampart.request',
      resource,
      instrumentationScope: scope,
      attributes: {
        'rampart.request_id': requestId,
        ...(traceId === undefined ? {} : { 'rampart.trace_id': traceId }),
      },
      droppedAttributesCount: 0,
    } as ReadableLogRecord;
  };

  return createSink<ReadableLogRecord[]>(context, {
    encode: (formatted, items) => formatted.map((each, i) => toRecord(each.doc, items[i]!)),
    send: (records) =>
      new Promise((resolve, reject) => {
        exporter.export(records, (result) => {
          if (result.code === ExportResultCode.SUCCESS) resolve(undefined);
          else reject(result.error ?? new Error('OTLP log export failed'));
        });
      }),
    close: () => exporter.shutdown(),
  });
}
