// Security events and requests as Elastic Common Schema 8.x documents (nested objects, `@timestamp`).
import type { SecurityEventRecord } from '../events.ts';
import type { ExportItem } from '../export-item.ts';
import type { FinishedRequest } from '../gateway-records.ts';
import {
  classify,
  type MappingOptions,
  safePath,
  safeQuery,
  safeText,
  severityNumber,
  summary,
} from './fields.ts';

/** The ECS version the documents follow. */
export const ECS_VERSION = '8.11.0';

/** An ECS document. */
export type EcsDocument = Record<string, unknown>;

const CATEGORY = {
  authentication: ['authentication'],
  detection: ['intrusion_detection', 'web'],
  api: ['web'],
} as const;

function common(options: MappingOptions, time: number, requestId: string, traceId: string | undefined) {
  const doc: EcsDocument = {
    '@timestamp': new Date(time).toISOString(),
    ecs: { version: ECS_VERSION },
    observer: { product: 'Rampart', vendor: 'Rampart', type: 'api-gateway', version: options.productVersion },
    transaction: { id: requestId },
  };
  if (traceId !== undefined) doc.trace = { id: traceId };
  return doc;
}

/** A security event as an ECS document (`event.kind: alert` for denials, `event` otherwise). */
export function securityEventToEcs(event: SecurityEventRecord, options: MappingOptions): EcsDocument {
  const kind = classify(event);
  const doc = common(options, event.time, event.requestId, event.traceId);
  doc.message = summary(event);
  doc.event = {
    kind: event.outcome === 'flagged' ? 'event' : 'alert',
    category: [...CATEGORY[kind]],
    type: event.outcome === 'denied' ? ['denied'] : ['info'],
    outcome: event.outcome === 'flagged' ? 'unknown' : 'failure',
    action: event.outcome,
    module: 'rampart',
    dataset: 'rampart.security',
    severity: severityNumber(event),
    ...(event.code === undefined ? {} : { code: event.code }),
    ...(event.reason === undefined ? {} : { reason: safeText(event.reason, 256) }),
  };
  doc.rule = {
    ruleset: event.policy,
    ...(event.rule === undefined ? {} : { id: event.rule, name: event.rule }),
  };
  doc.source = { ip: event.clientIp };
  doc.service = { name: event.route };
  if (event.consumerId !== undefined) doc.user = { id: event.consumerId };
  const http: Record<string, unknown> = { request: { id: event.requestId } };
  if (event.method !== undefined)
    (http.request as Record<string, unknown>).method = event.method.slice(0, 32);
  doc.http = http;
  if (event.path !== undefined) doc.url = { path: safePath(event.path) };
  const labels: Record<string, string> = {};
  if (event.location !== undefined) labels.location = safeText(event.location, 256);
  if (event.evidence !== undefined) labels.evidence = safeText(event.evidence, 256);
  if (Object.keys(labels).length > 0) doc.labels = labels;
  return doc;
}

/** A finished request as an ECS document (`event.category: web`). */
export function requestToEcs(request: FinishedRequest, options: MappingOptions): EcsDocument {
  const doc = common(options, request.time, request.requestId, request.traceId);
  doc.message = `${request.method.slice(0, 32)} ${safePath(request.path)} ${request.status}`;
  doc.event = {
    kind: 'event',
    category: ['web'],
    type: request.status < 400 ? ['access'] : ['access', 'denied'],
    outcome: request.status < 400 ? 'success' : 'failure',
    module: 'rampart',
    dataset: 'rampart.access',
    duration: Math.round(request.durationMs * 1e6),
    ...(request.code === undefined ? {} : { code: request.code }),
  };
  doc.source = { ip: request.clientIp };
  doc.http = {
    request: { id: request.requestId, method: request.method.slice(0, 32), bytes: request.bytesIn },
    response: { status_code: request.status, bytes: request.bytesOut },
  };
  const url: Record<string, string> = { path: safePath(request.path) };
  if (request.rawQuery !== '') url.query = safeQuery(request.rawQuery, options.redactor);
  doc.url = url;
  if (request.userAgent !== undefined) doc.user_agent = { original: safeText(request.userAgent, 512) };
  if (request.consumerId !== undefined) doc.user = { id: request.consumerId };
  doc.service = { name: request.route ?? 'unmatched' };
  return doc;
}

/** Any exported observation as ECS. */
export function toEcs(item: ExportItem, options: MappingOptions): EcsDocument {
  return item.kind === 'security'
    ? securityEventToEcs(item.event, options)
    : requestToEcs(item.request, options);
}
