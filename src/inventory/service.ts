// The inventory of a running Rampart: the tap on the observe stage, the learner behind it, and the
// periodic flush that merges what was learned into the store (folding collapsed templates) and
// announces endpoints no contract documents as security events when they first appear anywhere.
import type { SecurityEvents } from '../observe/events.ts';
import type { GatewayObserver } from '../observe/gateway-records.ts';
import { compareWithSpecs, type InventoryDiff, isShadow } from './compare.ts';
import type { Exchange } from './exchange.ts';
import type { EndpointFacts } from './facts.ts';
import { Learner, type LearnerStats } from './learner.ts';
import type { SpecSet } from './spec-set.ts';
import type { Fold, InventoryStore } from './store.ts';
import { createTrafficTap, type TapCounts, type TrafficTap } from './tap.ts';

/** What the service is built from. */
export interface InventoryServiceOptions {
  readonly store: InventoryStore;
  readonly specs: SpecSet;
  readonly maxEndpoints?: number;
  readonly maxParameters?: number;
  readonly maxBodyBytes?: number;
  readonly queue?: number;
  /** Milliseconds between flushes; 0: only explicit flushes. */
  readonly flushIntervalMs?: number;
  /** Where new shadow endpoints are announced. */
  readonly events?: Pick<SecurityEvents, 'emit'>;
  readonly onError?: (error: unknown, what: string) => void;
  readonly now?: () => number;
}

/** The inventory's figures: what it holds, its caps, and what did not fit. */
export interface InventoryStats {
  readonly learner: LearnerStats;
  readonly tap: Readonly<TapCounts> & { readonly waiting: number };
  /** Counters of every instance sharing the store (`dropped.*`, `sampled-out`). */
  readonly stored: Readonly<Record<string, number>>;
  readonly storedEndpoints: number;
}

/** A running inventory. */
export interface InventoryService {
  readonly tap: TrafficTap;
  readonly learner: Learner;
  readonly store: InventoryStore;
  /** Adds the traffic outlet to a gateway observer. */
  observe(observer: GatewayObserver): GatewayObserver;
  /** Queues exchanges from another source (HAR, logs); resolves once they are learned and flushed. */
  learn(exchanges: Iterable<Exchange>): Promise<number>;
  /** Learns what is queued and merges it into the store. */
  flush(): Promise<void>;
  /** Every endpoint (flushed first). */
  endpoints(): Promise<EndpointFacts[]>;
  diff(): Promise<InventoryDiff>;
  stats(): Promise<InventoryStats>;
  /** The contracts compared with (replaced on a config reload). */
  specs: SpecSet;
  close(): Promise<void>;
}

const NEW_SHADOW_RULE = 'new-shadow-endpoint';

/** Creates the service and seeds it from the store (what other instances already learned). */
export async function createInventoryService(options: InventoryServiceOptions): Promise<InventoryService> {
  const { store } = options;
  const maxEndpoints = options.maxEndpoints ?? 2000;
  const report = options.onError ?? (() => undefined);
  let specs = options.specs;
  const learner = new Learner({
    specs,
    maxEndpoints,
    ...(options.maxParameters === undefined ? {} : { maxParameters: options.maxParameters }),
    ...(options.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.maxBodyBytes }),
  });
  learner.seed(await store.list());
  const tap = createTrafficTap({
    learn: (exchange) => learner.learn(exchange),
    ...(options.queue === undefined ? {} : { capacity: options.queue }),
    ...(options.now === undefined ? {} : { now: options.now }),
    onError: (error) => report(error, 'inventory learning failed'),
  });
  const reported = { sampledOut: 0, dropped: 0, endpoints: 0, params: 0 };
  let flushing: Promise<void> = Promise.resolve();

  const flushOnce = async (): Promise<void> => {
    await tap.drained();
    const delta = learner.take();
    const folds: Fold[] = [];
    if (delta.collapsed.length > 0) {
      const under = (template: string) =>
        delta.collapsed.some((prefix) => template === prefix || template.startsWith(`${prefix}/`));
      for (const row of await store.list()) {
        if (row.documented || !under(row.template)) continue;
        const to = learner.tree.retemplate(row.template);
        if (to !== row.template) folds.push({ method: row.method, from: row.template, to });
      }
    }
    const counts = tap.counts;
    const counters = {
      'sampled-out': counts.sampledOut - reported.sampledOut,
      'dropped.samples': counts.dropped - reported.dropped,
      'dropped.endpoints': learner.dropped.endpoints - reported.endpoints,
      'dropped.params': learner.dropped.params - reported.params,
    };
    if (delta.endpoints.length === 0 && folds.length === 0 && Object.values(counters).every((n) => n === 0))
      return;
    const result = await store.merge({ endpoints: delta.endpoints, folds, counters, maxEndpoints });
    reported.sampledOut = counts.sampledOut;
    reported.dropped = counts.dropped;
    reported.endpoints = learner.dropped.endpoints;
    reported.params = learner.dropped.params;
    if (specs.specs.length === 0 || options.events === undefined) return;
    const shadows = new Set(
      delta.endpoints
        .filter((facts) => isShadow(facts, specs))
        .map((facts) => `${facts.method} ${facts.template}`),
    );
    for (const key of result.created) {
      if (!shadows.has(key)) continue;
      const first = delta.firstCalls.get(key);
      options.events.emit({
        policy: 'inventory',
        rule: NEW_SHADOW_RULE,
        outcome: 'flagged',
        severity: 'medium',
        reason: `new endpoint documented in no spec: ${key}`,
        requestId: first?.requestId ?? '',
        route: first?.route ?? 'unmatched',
        clientIp: first?.clientIp ?? '',
      });
    }
  };
  const flush = (): Promise<void> => {
    flushing = flushing.then(flushOnce, flushOnce);
    return flushing;
  };
  const interval = options.flushIntervalMs ?? 5000;
  const timer =
    interval > 0
      ? setInterval(() => {
          flush().catch((error: unknown) => report(error, 'inventory flush failed'));
        }, interval)
      : undefined;
  timer?.unref();

  let closed: Promise<void> | undefined;
  const service: InventoryService = {
    tap,
    learner,
    store,
    observe(observer) {
      return { ...observer, exchangeFinished: (exchange) => tap.offer(exchange) };
    },
    async learn(exchanges) {
      let n = 0;
      for (const exchange of exchanges) {
        // A file is not load: wait for the ring instead of sampling it.
        if (tap.waiting >= (options.queue ?? 4096) / 2) await tap.drained();
        tap.push(exchange);
        n++;
      }
      await flush();
      return n;
    },
    flush,
    async endpoints() {
      await flush();
      return store.list();
    },
    async diff() {
      return compareWithSpecs(await service.endpoints(), specs);
    },
    async stats() {
      await flush();
      const stored = await store.counters();
      return {
        learner: learner.stats(),
        tap: { ...tap.counts, waiting: tap.waiting },
        stored,
        storedEndpoints: (await store.list()).length,
      };
    },
    get specs() {
      return specs;
    },
    set specs(next: SpecSet) {
      // Exchanges learned from now on take the new contract's templates.
      specs = next;
      learner.specs = next;
    },
    close() {
      closed ??= (async () => {
        if (timer !== undefined) clearInterval(timer);
        tap.close();
        await flush().catch((error: unknown) => report(error, 'inventory flush failed'));
        await store.close();
      })();
      return closed;
    },
  };
  return service;
}
