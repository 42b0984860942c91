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
  // A ring of the last records: one array store per request, no hashing of ids. Waiters are rare
  // (tests, embedders), so a late one scans the ring.
  const ring: Array<FinishedRequest | undefined> = new Array(KEPT_RECORDS);
  let next = 0;
  const pending = new Map<
    string,
    Array<{ resolve: (record: FinishedRequest) => void; reject: (e: Error) => void }>
  >();
  let pendingCount = 0;
  const finished = (record: FinishedRequest) => {
    ring[next] = record;
    next = next + 1 === KEPT_RECORDS ? 0 : next + 1;
    if (pendingCount === 0) return;
    const waiting = pending.get(record.requestId);
    if (waiting === undefined) return;
    pending.delete(record.requestId);
    pendingCount -= waiting.length;
    for (const waiter of waiting) waiter.resolve(record);
  };
  const known = (requestId: string): FinishedRequest | undefined => {
    for (let i = 1; i <= KEPT_RECORDS; i++) {
      const record = ring[(next - i + KEPT_RECORDS) % KEPT_RECORDS];
      if (record === undefined) return undefined;
      if (record.requestId === requestId) return record;
    }
    return undefined;
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
      const record = known(requestId);
      if (record !== undefined) return Promise.resolve(record);
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
