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

/** The formatter of `format`. */
export function createFormatter(format: ExportFormat, options: MappingOptions): Formatter {
  switch (format) {
    case 'ocsf':
      return (item) => toOcsf(item, options);
    case 'ecs':
      return (item) => toEcs(item, options);
    case 'rampart':
      return (item) => native(item, options);
  }
}
