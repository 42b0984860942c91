// Security events and requests as OCSF 1.3 events (https://schema.ocsf.io/1.3.0): a deny or flag of
// the threat engine is a Detection Finding (2004), one of the identity policies an Authentication
// (3002), any other refused call an API Activity (6003); a finished request is an HTTP Activity (4002).
// Only fields the class defines are set; what OCSF has no place for goes under `unmapped`.
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

/** The OCSF schema version the events follow. */
export const OCSF_VERSION = '1.3.0';

/** Class and category uids of the classes Rampart emits. */
export const OCSF_CLASSES = {
  detectionFinding: { class_uid: 2004, category_uid: 2 },
  authentication: { class_uid: 3002, category_uid: 3 },
  httpActivity: { class_uid: 4002, category_uid: 4 },
  apiActivity: { class_uid: 6003, category_uid: 6 },
} as const;

/** An OCSF event as a JSON object. */
export type OcsfEvent = Record<string, unknown>;

// HTTP Activity activity_id per method (OCSF 1.3: PATCH is not listed, so it is 99 Other).
const HTTP_ACTIVITY: Readonly<Record<string, number>> = {
  CONNECT: 1,
  DELETE: 2,
  GET: 3,
  HEAD: 4,
  OPTIONS: 5,
  POST: 6,
  PUT: 7,
  TRACE: 8,
};

// API Activity activity_id: 1 Create, 2 Read, 3 Update, 4 Delete, 99 Other.
function apiActivityId(method: string | undefined): number {
  switch (method) {
    case 'POST':
      return 1;
    case 'GET':
    case 'HEAD':
    case 'OPTIONS':
      return 2;
    case 'PUT':
    case 'PATCH':
      return 3;
    case 'DELETE':
      return 4;
    default:
      return 99;
  }
}

function metadata(options: MappingOptions, requestId: string, traceId: string | undefined) {
  const meta: Record<string, unknown> = {
    version: OCSF_VERSION,
    product: { name: 'Rampart', vendor_name: 'Rampart', version: options.productVersion },
    correlation_uid: requestId,
    log_name: 'rampart',
  };
  if (traceId !== undefined) meta.labels = [`trace_id:${traceId}`];
  return meta;
}

function httpRequest(method: string | undefined, path: string | undefined, requestId: string) {
  const request: Record<string, unknown> = { uid: requestId };
  if (method !== undefined) request.http_method = method.slice(0, 32);
  if (path !== undefined) request.url = { path: safePath(path) };
  return request;
}

// action_id: 1 Allowed, 2 Denied, 3 Observed; disposition_id: 2 Blocked, 15 Detected, 17 Logged.
function control(event: SecurityEventRecord): { action_id: number; disposition_id: number } {
  if (event.outcome === 'denied') return { action_id: 2, disposition_id: 2 };
  if (event.outcome === 'would-deny') return { action_id: 3, disposition_id: 15 };
  return { action_id: 3, disposition_id: 17 };
}

function unmapped(event: SecurityEventRecord): Record<string, unknown> {
  const extra: Record<string, unknown> = { policy: event.policy, outcome: event.outcome, route: event.route };
  if (event.code !== undefined) extra.code = event.code;
  if (event.rule !== undefined) extra.rule = event.rule;
  if (event.location !== undefined) extra.location = safeText(event.location, 256);
  if (event.traceId !== undefined) extra.trace_id = event.traceId;
  return extra;
}

function base(
  classUid: { class_uid: number; category_uid: number },
  activityId: number,
  event: SecurityEventRecord,
  options: MappingOptions,
): OcsfEvent {
  return {
    ...classUid,
    activity_id: activityId,
    type_uid: classUid.class_uid * 100 + activityId,
    time: event.time,
    time_dt: new Date(event.time).toISOString(),
    severity_id: severityNumber(event),
    message: summary(event),
    metadata: metadata(options, event.requestId, event.traceId),
    src_endpoint: { ip: event.clientIp },
    http_request: httpRequest(event.method, event.path, event.requestId),
    ...control(event),
    unmapped: unmapped(event),
  };
}

/** A security event as an OCSF Detection Finding, Authentication or API Activity. */
export function securityEventToOcsf(event: SecurityEventRecord, options: MappingOptions): OcsfEvent {
  switch (classify(event)) {
    case 'detection': {
      const finding = base(OCSF_CLASSES.detectionFinding, 1, event, options);
      const analytic: Record<string, unknown> = {
        type_id: 1,
        type: 'Rule',
        name: event.rule ?? event.policy,
      };
      if (event.rule !== undefined) analytic.uid = event.rule;
      finding.finding_info = {
        uid: `${event.requestId}:${event.policy}:${event.rule ?? event.code ?? 'flag'}`,
        title: safeText(event.reason ?? event.code ?? event.rule ?? event.policy, 256),
        analytic,
        types: [event.policy],
      };
      finding.status_id = 1; // New
      finding.is_alert = event.outcome !== 'flagged';
      const data: Record<string, string> = {};
      if (event.location !== undefined) data.location = safeText(event.location, 256);
      if (event.evidence !== undefined) data.excerpt = safeText(event.evidence, 256);
      if (Object.keys(data).length > 0) finding.evidences = [{ data }];
      return finding;
    }
    case 'authentication': {
      // activity 1 Logon; status 2 Failure (a flag without a deny is reported as Unknown, 0).
      const attempt = base(OCSF_CLASSES.authentication, 1, event, options);
      attempt.status_id = event.outcome === 'flagged' ? 0 : 2;
      attempt.auth_protocol_id = 99;
      attempt.auth_protocol = event.policy;
      // The refused credential's public name (a key id, `user:<name>`, a kid), never its secret.
      attempt.user =
        event.consumerId !== undefined
          ? { uid: event.consumerId }
          : { name: event.credential === undefined ? 'unknown' : safeText(event.credential, 128) };
      if (event.reason !== undefined) attempt.status_detail = safeText(event.reason, 256);
      return attempt;
    }
    case 'api': {
      const call = base(OCSF_CLASSES.apiActivity, apiActivityId(event.method), event, options);
      call.status_id = event.outcome === 'flagged' ? 0 : 2;
      call.actor =
        event.consumerId === undefined
          ? { user: { name: 'anonymous' } }
          : { user: { uid: event.consumerId } };
      call.api = {
        operation: event.method === undefined ? event.policy : `${event.method.slice(0, 32)} ${event.route}`,
        service: { name: event.route },
      };
      if (event.reason !== undefined) call.status_detail = safeText(event.reason, 256);
      return call;
    }
  }
}

/** A finished request as an OCSF HTTP Activity. */
export function requestToOcsf(request: FinishedRequest, options: MappingOptions): OcsfEvent {
  const activityId = HTTP_ACTIVITY[request.method] ?? 99;
  const url: Record<string, unknown> = { path: safePath(request.path) };
  if (request.rawQuery !== '') url.query_string = safeQuery(request.rawQuery, options.redactor);
  const httpRequestFields: Record<string, unknown> = {
    uid: request.requestId,
    http_method: request.method.slice(0, 32),
    url,
    length: request.bytesIn,
  };
  if (request.userAgent !== undefined) httpRequestFields.user_agent = safeText(request.userAgent, 512);
  const extra: Record<string, unknown> = { route: request.route ?? 'unmatched' };
  if (request.code !== undefined) extra.code = request.code;
  if (request.policy !== undefined) extra.policy = request.policy;
  if (request.consumerId !== undefined) extra.consumer_id = request.consumerId;
  if (request.traceId !== undefined) extra.trace_id = request.traceId;
  const event: OcsfEvent = {
    ...OCSF_CLASSES.httpActivity,
    activity_id: activityId,
    type_uid: OCSF_CLASSES.httpActivity.class_uid * 100 + activityId,
    time: request.time,
    time_dt: new Date(request.time).toISOString(),
    severity_id: 1,
    status_id: request.status < 400 ? 1 : 2,
    status_code: String(request.status),
    duration: Math.round(request.durationMs),
    message: `${request.method.slice(0, 32)} ${safePath(request.path)} ${request.status}`,
    metadata: metadata(options, request.requestId, request.traceId),
    src_endpoint: { ip: request.clientIp },
    dst_endpoint: { svc_name: request.upstream ?? 'rampart' },
    http_request: httpRequestFields,
    http_response: { code: request.status, length: request.bytesOut },
    unmapped: extra,
  };
  if (activityId === 99) event.activity_name = request.method.slice(0, 32);
  return event;
}

/** Any exported observation as OCSF. */
export function toOcsf(item: ExportItem, options: MappingOptions): OcsfEvent {
  return item.kind === 'security'
    ? securityEventToOcsf(item.event, options)
    : requestToOcsf(item.request, options);
}
