// The recent security events, kept in a bounded ring for the admin API (GET /events) and the
// dashboard: already sanitized by the event channel (evidence redacted and cut), filtered on read.
import type { SecurityEventRecord } from '../observe/events.ts';

/** Events kept by default; the oldest is dropped first. */
export const EVENT_RING_CAPACITY = 2000;
/** Events one answer lists at most. */
export const EVENT_PAGE_MAX = 500;

/** What GET /events filters on; every field is optional and they combine with AND. */
export interface EventFilter {
  readonly route?: string | undefined;
  readonly consumer?: string | undefined;
  /** A rule id, a code, or a policy name. */
  readonly rule?: string | undefined;
  readonly clientIp?: string | undefined;
  readonly outcome?: string | undefined;
  /** Milliseconds since the epoch, inclusive. */
  readonly since?: number | undefined;
  readonly until?: number | undefined;
  readonly limit?: number | undefined;
}

/** One page of events, newest first, with how many matched in all. */
export interface EventPage {
  readonly events: readonly (SecurityEventRecord & { readonly seq: number })[];
  readonly matched: number;
  /** Events in the ring, and how many were ever seen (the difference was dropped). */
  readonly kept: number;
  readonly seen: number;
}

/** The ring. */
export interface EventRing {
  push(event: SecurityEventRecord): void;
  query(filter: EventFilter): EventPage;
}

function matches(event: SecurityEventRecord, filter: EventFilter): boolean {
  if (filter.route !== undefined && event.route !== filter.route) return false;
  if (filter.consumer !== undefined && event.consumerId !== filter.consumer) return false;
  if (filter.clientIp !== undefined && event.clientIp !== filter.clientIp) return false;
  if (filter.outcome !== undefined && event.outcome !== filter.outcome) return false;
  if (filter.since !== undefined && event.time < filter.since) return false;
  if (filter.until !== undefined && event.time > filter.until) return false;
  if (
    filter.rule !== undefined &&
    event.rule !== filter.rule &&
    event.code !== filter.rule &&
    event.policy !== filter.rule
  )
    return false;
  return true;
}

/** Creates a ring of `capacity` events. */
export function createEventRing(capacity: number = EVENT_RING_CAPACITY): EventRing {
  const items: (SecurityEventRecord & { seq: number })[] = [];
  let start = 0;
  let seen = 0;
  return {
    push(event) {
      const item = { ...event, seq: ++seen };
      if (items.length < capacity) items.push(item);
      else {
        items[start] = item;
        start = (start + 1) % capacity;
      }
    },
    query(filter) {
      const limit = Math.min(Math.max(Math.trunc(filter.limit ?? 100), 1), EVENT_PAGE_MAX);
      const events: (SecurityEventRecord & { seq: number })[] = [];
      let matched = 0;
      // Newest first: from the slot before `start`, backwards around the ring.
      for (let i = items.length - 1; i >= 0; i--) {
        const item = items[(start + i) % items.length]!;
        if (!matches(item, filter)) continue;
        matched++;
        if (events.length < limit) events.push(item);
      }
      return { events, matched, kept: items.length, seen };
    },
  };
}
