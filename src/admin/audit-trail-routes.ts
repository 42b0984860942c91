// GET /audit-trail: the stored audit records (admin changes, loads and reloads, mode changes, chosen
// denials) from a time on, filtered by request id or kind, so the dashboard links an event to its
// record. Reads are bounded: at most MAX_SCANNED records are read per call.
import type { AuditStorage } from '../audit-trail/storage.ts';
import type { AdminReply, AdminRoute } from './routes.ts';

/** Records read per call at most (in pages of PAGE). */
export const MAX_SCANNED = 10_000;
const PAGE = 500;
const MAX_LIMIT = 500;

/** What the route reads: the trail's storage, and a flush so records queued a moment ago are there. */
export interface AuditTrailReader {
  readonly storage: Pick<AuditStorage, 'read' | 'positionAt'>;
  flush(): Promise<void>;
}

const bad = (detail: string): AdminReply => ({ problem: 'RAMPART_ADMIN_BAD_REQUEST', detail });

/** The route; `now` gives the default start (the last hour). */
export function auditTrailRoutes(reader: AuditTrailReader, now: () => number = Date.now): AdminRoute[] {
  return [
    {
      method: 'GET',
      path: '/audit-trail',
      handle: async (request): Promise<AdminReply> => {
        const query = request.query;
        const sinceText = query.get('since');
        const since = sinceText === null ? now() - 3_600_000 : Number(sinceText);
        if (!Number.isSafeInteger(since) || since < 0) return bad('since: milliseconds since the epoch');
        const limitText = query.get('limit') ?? '100';
        if (!/^\d{1,4}$/.test(limitText)) return bad('limit: 1 to 500');
        const limit = Math.min(Math.max(Number(limitText), 1), MAX_LIMIT);
        const requestId = query.get('requestId') ?? undefined;
        const kind = query.get('kind') ?? undefined;
        if ((requestId?.length ?? 0) > 128 || (kind?.length ?? 0) > 32)
          return bad('requestId or kind too long');
        await reader.flush();
        const records: unknown[] = [];
        let scanned = 0;
        let from = await reader.storage.positionAt(since);
        // Oldest first from `since`; the answer keeps the newest `limit` of the matches.
        while (from !== undefined && scanned < MAX_SCANNED) {
          const page = await reader.storage.read(from, Math.min(PAGE, MAX_SCANNED - scanned));
          if (page.length === 0) break;
          scanned += page.length;
          for (const { position, record, hash } of page) {
            if (kind !== undefined && record.kind !== kind) continue;
            if (requestId !== undefined && record.details?.requestId !== requestId) continue;
            records.push({ position, hash, ...record });
            if (records.length > limit) records.shift();
          }
          from = page[page.length - 1]!.position + 1;
        }
        return {
          status: 200,
          json: { records: records.reverse(), scanned, complete: scanned < MAX_SCANNED },
        };
      },
    },
  ];
}
