// Request tracing with the OpenTelemetry SDK: a server span per request, continuing the caller's trace
// only when a trusted proxy sent it (a client could otherwise pick trace ids and sampling), a span per
// stage (request policies, upstream, response), the policies' verdicts as attributes and events, and
// the W3C trace context the upstream receives. Spans are batched and exported over OTLP/HTTP (JSON).
import {
  type Attributes,
  type Context,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { ExportResultCode, TraceState } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ParentBasedSampler,
  type ReadableSpan,
  type SpanExporter,
  TraceIdRatioBasedSampler,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import type { SinkMetrics } from '../sinks/sink-metrics.ts';
import { boundedTraceState, formatTraceParent, parseTraceParent } from './traceparent.ts';

/** Settings of the tracer (`observability.tracing`). */
export interface TracingSettings {
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly serviceName: string;
  readonly serviceVersion: string;
  readonly sampleRatio: number;
  readonly flushIntervalMs: number;
  readonly maxQueue: number;
  /** Where exported and failed spans are counted (as the sink `tracing`). */
  readonly metrics?: SinkMetrics;
}

/** What a request tells the tracer when it starts. */
export interface TraceStart {
  readonly traceparent: string | string[] | undefined;
  readonly tracestate: string | string[] | undefined;
  /** The peer is a trusted proxy: its trace context is continued. */
  readonly trusted: boolean;
  readonly method: string;
  readonly requestId: string;
  readonly clientIp: string;
}

/**
 * The stages that get a span of their own: each policy stage of the request phase (`ingress`, `authn`,
 * `authz`, `traffic`, `validation`, `threat`), then `upstream` and `response`.
 */
export type TraceStage = string;

/** The upstream's trace context headers. */
export interface UpstreamTraceContext {
  readonly traceparent: string;
  readonly tracestate: string | undefined;
}

/** One request's trace. */
export interface RequestTrace {
  readonly traceId: string;
  /** The request matched `route` (its pattern names the server span). */
  routed(route: string, pattern: string): void;
  /** Ends the open stage span and opens `stage`'s. */
  stage(stage: TraceStage): void;
  /** Opens the upstream span (if not open) and returns the context the upstream receives. */
  upstream(): UpstreamTraceContext;
  /** A policy's verdict, recorded on the open stage span and the server span. */
  verdict(policy: string, outcome: string, code: string | undefined, rule: string | undefined): void;
  /** Ends every span: the answer's status, the code of the gateway's own answer. */
  end(status: number, code: string | undefined): void;
}

/** The tracer: one per process. */
export interface RequestTracer {
  start(request: TraceStart): RequestTrace;
  /** Exports what is pending now. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

const MAX_VERDICTS = 32;

// Counts exported and failed spans like a sink, so a collector that is down shows in the metrics.
function countingExporter(exporter: SpanExporter, metrics: SinkMetrics | undefined): SpanExporter {
  if (metrics === undefined) return exporter;
  return {
    export(spans: ReadableSpan[], done) {
      exporter.export(spans, (result) => {
        if (result.code === ExportResultCode.SUCCESS) metrics.sent('tracing', spans.length);
        else metrics.dropped('tracing', 'send_failed', spans.length);
        done(result);
      });
    },
    shutdown: () => exporter.shutdown(),
    ...(exporter.forceFlush === undefined ? {} : { forceFlush: () => exporter.forceFlush!() }),
  };
}

class ActiveTrace implements RequestTrace {
  readonly traceId: string;
  readonly #tracer: ReturnType<TracerProvider['getTracer']>;
  readonly #root: Span;
  readonly #context: Context;
  #stage: Span | undefined;
  #stageName: TraceStage | undefined;
  #verdicts = 0;
  readonly #method: string;

  constructor(tracer: ReturnType<TracerProvider['getTracer']>, start: TraceStart) {
    this.#tracer = tracer;
    this.#method = start.method;
    let parent: Context = ROOT_CONTEXT;
    const incoming = start.trusted ? parseTraceParent(start.traceparent) : undefined;
    if (incoming !== undefined) {
      const state = boundedTraceState(start.tracestate);
      parent = trace.setSpanContext(ROOT_CONTEXT, {
        traceId: incoming.traceId,
        spanId: incoming.parentId,
        traceFlags: incoming.flags & 1,
        isRemote: true,
        ...(state === undefined ? {} : { traceState: new TraceState(state) }),
      });
    }
    const attributes: Attributes = {
      'http.request.method': start.method,
      'client.address': start.clientIp,
      'rampart.request_id': start.requestId,
    };
    this.#root = tracer.startSpan(start.method, { kind: SpanKind.SERVER, attributes }, parent);
    this.#context = trace.setSpan(ROOT_CONTEXT, this.#root);
    this.traceId = this.#root.spanContext().traceId;
  }

  routed(route: string, pattern: string): void {
    this.#root.setAttributes({ 'http.route': pattern, 'rampart.route': route });
    this.#root.updateName(`${this.#method} ${pattern}`);
  }

  stage(stage: TraceStage): void {
    if (this.#stageName === stage) return;
    this.#stage?.end();
    this.#stageName = stage;
    this.#stage = this.#tracer.startSpan(
      `rampart.${stage}`,
      { kind: stage === 'upstream' ? SpanKind.CLIENT : SpanKind.INTERNAL },
      this.#context,
    );
  }

  upstream(): UpstreamTraceContext {
    this.stage('upstream');
    const context = this.#stage!.spanContext();
    return {
      traceparent: formatTraceParent(context.traceId, context.spanId, context.traceFlags),
      tracestate: context.traceState?.serialize() || undefined,
    };
  }

  verdict(policy: string, outcome: string, code: string | undefined, rule: string | undefined): void {
    if (this.#verdicts++ >= MAX_VERDICTS) return;
    const attributes: Attributes = { 'rampart.policy': policy, 'rampart.verdict': outcome };
    if (code !== undefined) attributes['rampart.code'] = code;
    if (rule !== undefined) attributes['rampart.rule'] = rule;
    (this.#stage ?? this.#root).addEvent('rampart.verdict', attributes);
    this.#root.setAttribute(`rampart.policy.${policy}.verdict`, outcome);
    if (this.#stage !== undefined) this.#stage.setAttribute(`rampart.policy.${policy}.verdict`, outcome);
  }

  end(status: number, code: string | undefined): void {
    this.#stage?.end();
    this.#stage = undefined;
    this.#root.setAttribute('http.response.status_code', status);
    if (code !== undefined) this.#root.setAttribute('rampart.code', code);
    // OTel HTTP semantic conventions: a server span is an error for 5xx only.
    if (status >= 500) this.#root.setStatus({ code: SpanStatusCode.ERROR });
    this.#root.end();
  }
}

/** Creates the tracer and its OTLP/HTTP exporter. */
export function createRequestTracer(settings: TracingSettings): RequestTracer {
  const exporter = new OTLPTraceExporter({ url: settings.url, headers: { ...settings.headers } });
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      'service.name': settings.serviceName,
      'service.version': settings.serviceVersion,
    }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(settings.sampleRatio) }),
    spanLimits: { attributeCountLimit: 128, eventCountLimit: 64, attributeValueLengthLimit: 256 },
    spanProcessors: [
      new BatchSpanProcessor({
        exporter: countingExporter(exporter, settings.metrics),
        maxQueueSize: settings.maxQueue,
        maxExportBatchSize: Math.min(512, settings.maxQueue),
        scheduledDelayMillis: settings.flushIntervalMs,
      }),
    ],
  });
  const tracer = provider.getTracer('rampart', settings.serviceVersion);
  return {
    start: (request) => new ActiveTrace(tracer, request),
    flush: () => provider.forceFlush(),
    close: () => provider.shutdown(),
  };
}
