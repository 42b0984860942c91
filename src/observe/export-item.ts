// What the exports (sinks, OCSF and ECS mappings) receive: a security event, or a finished request.
import type { SecurityEventRecord } from './events.ts';
import type { FinishedRequest } from './gateway-records.ts';

/** One exported observation. */
export type ExportItem =
  | { readonly kind: 'security'; readonly event: SecurityEventRecord }
  | { readonly kind: 'request'; readonly request: FinishedRequest };

/** Which observations a sink takes: security events, every finished request, or both. */
export type ExportKind = ExportItem['kind'];
