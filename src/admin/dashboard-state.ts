// What the admin API remembers for the dashboard, in memory and bounded: the last hour of traffic,
// the recent security events, the last config reloads (and refusals) and the last scan report posted.
import type { Clock } from '../lib/clock.ts';
import type { SecurityEventRecord } from '../observe/events.ts';
import type { GatewayObserver } from '../observe/gateway-records.ts';
import { createEventRing, type EventRing } from './event-ring.ts';
import { createTrafficSeries, type TrafficSeries } from './traffic.ts';

/** Reload outcomes kept. */
export const RELOADS_KEPT = 50;

/** One reload: its result, and the version (success) or why it was refused (failure). */
export interface ReloadRecord {
  readonly time: number;
  readonly result: 'success' | 'failure';
  readonly detail: string;
}

/** The dashboard's memory. */
export interface DashboardState {
  readonly traffic: TrafficSeries;
  readonly events: EventRing;
  /** Wraps the gateway observer so finished requests and reloads are recorded as well. */
  observe(observer: GatewayObserver): GatewayObserver;
  /** A security event listener (subscribe it to the event channel). */
  recordEvent(event: SecurityEventRecord): void;
  /** Records a reload outcome (the observer wrapper calls it; `start` records the first load). */
  recordReload(result: 'success' | 'failure', detail: string): void;
  /** Newest first. */
  reloads(): readonly ReloadRecord[];
  keepScanReport(report: unknown): void;
  scanReport(): unknown;
}

/** Creates the dashboard's memory. */
export function createDashboardState(options: { readonly clock?: Clock } = {}): DashboardState {
  const clock = options.clock ?? { now: () => Date.now() };
  const traffic = createTrafficSeries(clock);
  const events = createEventRing();
  const reloads: ReloadRecord[] = [];
  let scan: { readonly receivedAt: number; readonly report: unknown } | null = null;
  const recordReload = (result: 'success' | 'failure', detail: string): void => {
    reloads.unshift({ time: clock.now(), result, detail });
    if (reloads.length > RELOADS_KEPT) reloads.pop();
  };
  return {
    traffic,
    events,
    observe(observer) {
      return {
        ...observer,
        requestFinished(record) {
          traffic.record(record);
          observer.requestFinished(record);
        },
        configReloaded(result, detail) {
          recordReload(result, detail);
          observer.configReloaded(result, detail);
        },
      };
    },
    recordEvent: (event) => events.push(event),
    recordReload,
    reloads: () => [...reloads],
    keepScanReport(report) {
      scan = { receivedAt: clock.now(), report };
    },
    scanReport: () => scan,
  };
}
