// Awaiting a request's end by its id: tests and embedders wait on this event instead of sleeping.
// The last records are kept (bounded) so a waiter that comes after the end still gets its answer.
import type { FinishedRequest, GatewayObserver } from '../observe/gateway-records.ts';

const KEPT_RECORDS = 1024;
const MAX_WAITERS = 10_000;

/** Request-end waiters over a gateway observer. */
export interface RequestWaiters {
  /** Wraps `observer` so every finished request also settles its waiters. */
  observe(observer: GatewayObserver): GatewayObserver;
  /** Resolves with the record of `requestId` once that request ended (at once if it already did). */
  wait(requestId: string): Promise<FinishedRequest>;
  /** Rejects every pending waiter (the gateway closed). */
  close(): void;
}

/** Creates the waiters. */
export function createRequestWaiters(): RequestWaiters {
  // Two generations instead of an LRU: O(1) per request, no iterator, between KEPT and 2×KEPT kept.
  let recent = new Map<string, FinishedRequest>();
  let older = new Map<string, FinishedRequest>();
  const pending = new Map<
    string,
    Array<{ resolve: (record: FinishedRequest) => void; reject: (e: Error) => void }>
  >();
  let pendingCount = 0;
  const finished = (record: FinishedRequest) => {
    if (recent.size >= KEPT_RECORDS) {
      older = recent;
      recent = new Map();
    }
    recent.set(record.requestId, record);
    if (pendingCount === 0) return;
    const waiting = pending.get(record.requestId);
    if (waiting === undefined) return;
    pending.delete(record.requestId);
    pendingCount -= waiting.length;
    for (const waiter of waiting) waiter.resolve(record);
  };
  return {
    observe(observer) {
      return {
        ...observer,
        requestFinished(record) {
          observer.requestFinished(record);
          finished(record);
        },
      };
    },
    wait(requestId) {
      const known = recent.get(requestId) ?? older.get(requestId);
      if (known !== undefined) return Promise.resolve(known);
      if (pendingCount >= MAX_WAITERS) return Promise.reject(new RangeError('too many request waiters'));
      return new Promise((resolve, reject) => {
        const list = pending.get(requestId) ?? [];
        list.push({ resolve, reject });
        pending.set(requestId, list);
        pendingCount++;
      });
    },
    close() {
      for (const list of pending.values()) {
        for (const waiter of list) waiter.reject(new Error('the gateway closed before the request ended'));
      }
      pending.clear();
      pendingCount = 0;
    },
  };
}
