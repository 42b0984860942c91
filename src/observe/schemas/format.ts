// The export formats a sink can write: OCSF (the default), ECS, or Rampart's own field names.
import { accessLogLine } from '../access-log.ts';
import type { ExportItem } from '../export-item.ts';
import { toEcs } from './ecs.ts';
import { type MappingOptions, safePath, safeQuery, safeText } from './fields.ts';
import { toOcsf } from './ocsf.ts';

/** A sink's `format`. */
export type ExportFormat = 'ocsf' | 'ecs' | 'rampart';

export const EXPORT_FORMATS: readonly ExportFormat[] = ['ocsf', 'ecs', 'rampart'];

/** Turns an observation into the document a sink writes. */
export type Formatter = (item: ExportItem) => Record<string, unknown>;

function native(item: ExportItem, options: MappingOptions): Record<string, unknown> {
  if (item.kind === 'security') {
    const { time, path, location, evidence, reason, ...event } = item.event;
    // The channel redacted evidence and reason already; redacting again costs little off the request path.
    return {
      type: 'security_event',
      time: new Date(time).toISOString(),
      ...event,
      ...(path === undefined ? {} : { path: safePath(path) }),
      ...(location === undefined ? {} : { location: safeText(location, 256) }),
      ...(evidence === undefined ? {} : { evidence: safeText(evidence, 256) }),
      ...(reason === undefined ? {} : { reason: safeText(reason, 256) }),
    };
  }
  const request = item.request;
  const line = accessLogLine(
    {
      requestId: request.requestId,
      method: request.method,
      route: request.route ?? 'unmatched',
      url: request.rawQuery === '' ? request.path : `${request.path}?${request.rawQuery}`,
      status: request.status,
      latencyMs: request.durationMs,
      bytesIn: request.bytesIn,
      bytesOut: request.bytesOut,
      clientIp: request.clientIp,
      consumerId: request.consumerId,
      userAgent: request.userAgent,
      rejection: request.code === undefined ? undefined : { code: request.code, policy: request.policy },
      upstream: request.upstream,
    },
    options.redactor === undefined ? {} : { redactor: options.redactor },
  );
  const query = request.rawQuery === '' ? '' : `?${safeQuery(request.rawQuery, options.redactor)}`;
  return {
    type: 'access',
    time: new Date(request.time).toISOString(),
    ...line,
    path: `${safePath(request.path)}${query}`,
    ...(line.userAgent === undefined ? {} : { userAgent: safeText(line.userAgent, 512) }),
    ...(request.traceId === undefined ? {} : { traceId: request.traceId }),
  };
}

/** A formatted observation: the document and its JSON text. */
export interface Formatted {
  readonly doc: Record<string, unknown>;
  readonly json: string;
}

/** Turns an observation into what a sink writes, once per observation and format. */
export type CachedFormatter = (item: ExportItem) => Formatted;

function formatterOf(format: ExportFormat, options: MappingOptions): Formatter {
  switch (format) {
    case 'ocsf':
      return (item) => toOcsf(item, options);
    case 'ecs':
      return (item) => toEcs(item, options);
    case 'rampart':
      return (item) => native(item, options);
  }
}

// Sinks that share mapping options and a format share the work: an observation offered to five sinks
// is mapped and serialized once (each sink encodes its batch later; the item is the cache key).
const shared = new WeakMap<MappingOptions, Map<ExportFormat, CachedFormatter>>();

/** The (shared) formatter of `format` under `options`. */
export function createFormatter(format: ExportFormat, options: MappingOptions): CachedFormatter {
  let byFormat = shared.get(options);
  if (byFormat === undefined) {
    byFormat = new Map();
    shared.set(options, byFormat);
  }
  let formatter = byFormat.get(format);
  if (formatter === undefined) {
    const map = formatterOf(format, options);
    const done = new WeakMap<ExportItem, Formatted>();
    formatter = (item) => {
      let formatted = done.get(item);
      if (formatted === undefined) {
        const doc = map(item);
        formatted = { doc, json: JSON.stringify(doc) };
        done.set(item, formatted);
      }
      return formatted;
    };
    byFormat.set(format, formatter);
  }
  return formatter;
}
