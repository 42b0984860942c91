// An upstream with several targets: one undici Pool per target behind a dispatcher with the Pool's own
// `dispatch`, so the request path (dispatch.ts) is the same for one target or many. Each dispatch picks a
// target that is healthy (active checks), not ejected (outlier detection) and not yet tried by this
// request — a retry re-dispatches the same request options, so it moves to another target.
import type { Duplex } from 'node:stream';
import type { Dispatcher, Pool } from 'undici';
import type { Clock } from '../../lib/clock.ts';
import type { Balanced, Picker } from './balance.ts';
import type { HealthChecker } from './health-check.ts';
import { isEjected, type OutlierOptions, type OutlierState, recordOutcome } from './outlier.ts';
import { classifyUpstreamError } from './upstream-errors.ts';

/** One target of an upstream. */
export interface Target extends Balanced, OutlierState {
  /** The target's origin, for logs and the admin API. */
  readonly origin: string;
  /** The Host header it expects (unless the upstream preserves the client's). */
  readonly host: string;
  readonly pool: Pool;
  readonly health: HealthChecker | undefined;
}

/** The part of undici's Dispatcher the gateway uses. */
export interface UpstreamDispatcher {
  dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean;
  close(): Promise<void>;
  destroy(): Promise<void>;
}

/** A target's state as the admin API or a test sees it. */
export interface TargetView {
  readonly origin: string;
  readonly weight: number;
  readonly inFlight: number;
  readonly healthy: boolean;
  readonly ejected: boolean;
}

/** What a target dispatcher takes besides its targets. */
export interface TargetDispatcherOptions {
  readonly pick: Picker;
  readonly outlier: OutlierOptions | undefined;
  readonly preserveHost: boolean;
  /** The Host the gateway sends to this upstream (Upstream.host: the first target's). */
  readonly defaultHost: string;
  readonly clock: Clock;
  /** Told when a target is ejected or comes back. */
  readonly onOutlier?: (origin: string, event: 'ejected' | 'returned') => void;
}

/** The targets that may take a request now, least restrictive last: a request always gets one. */
function candidatesOf(
  targets: readonly Target[],
  tried: readonly Target[] | undefined,
  now: number,
): readonly Target[] {
  const fresh = tried === undefined ? targets : targets.filter((t) => !tried.includes(t));
  const pool = fresh.length > 0 ? fresh : targets;
  const healthy = pool.filter((t) => t.health === undefined || t.health.healthy);
  const inRotation = healthy.filter((t) => !isEjected(t, now));
  if (inRotation.length > 0) return inRotation;
  // Every healthy target is ejected: ejection never empties an upstream, so use them (panic mode).
  return healthy.length > 0 ? healthy : pool;
}

/** Creates the dispatcher over `targets` (at least two). */
export function createTargetDispatcher(
  targets: readonly Target[],
  options: TargetDispatcherOptions,
): UpstreamDispatcher & { view(): TargetView[] } {
  // Targets each request was sent to, keyed by its options object (the same across a retry's attempts).
  const tried = new WeakMap<object, Target[]>();
  const { outlier, clock } = options;
  const settle = (target: Target, failed: boolean) => {
    if (outlier === undefined) return;
    const event = recordOutcome(outlier, target, targets, failed, clock.now());
    if (event !== undefined) options.onOutlier?.(target.origin, event);
  };
  return {
    dispatch(request, handler) {
      const before = tried.get(request);
      const target = options.pick(candidatesOf(targets, before, clock.now()));
      if (before === undefined) tried.set(request, [target]);
      else before.push(target);
      // The Host the gateway set (the first target's) becomes this target's; a client's Host kept by
      // `preserveHost`, or one a policy set, stays.
      const headers = request.headers as Record<string, string> | null | undefined;
      if (!options.preserveHost && headers?.host === options.defaultHost) headers.host = target.host;
      target.inFlight++;
      return target.pool.dispatch(request, new TargetHandler(handler, target, settle));
    },
    async close() {
      await Promise.allSettled(targets.map((t) => t.pool.close()));
    },
    async destroy() {
      await Promise.allSettled(targets.map((t) => t.pool.destroy()));
    },
    view: () =>
      targets.map((t) => ({
        origin: t.origin,
        weight: t.weight,
        inFlight: t.inFlight,
        healthy: t.health?.healthy ?? true,
        ejected: isEjected(t, clock.now()),
      })),
  };
}

/** Forwards every event to the gateway's handler, counting the target's load and outcomes on the way. */
class TargetHandler implements Dispatcher.DispatchHandler {
  readonly #inner: Dispatcher.DispatchHandler;
  readonly #target: Target;
  readonly #settle: (target: Target, failed: boolean) => void;
  #settled = false;
  #done = false;

  constructor(
    inner: Dispatcher.DispatchHandler,
    target: Target,
    settle: (target: Target, failed: boolean) => void,
  ) {
    this.#inner = inner;
    this.#target = target;
    this.#settle = settle;
  }

  #outcome(failed: boolean): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#settle(this.#target, failed);
  }

  #end(): void {
    if (this.#done) return;
    this.#done = true;
    this.#target.inFlight--;
  }

  onRequestStart(controller: Dispatcher.DispatchController, context: unknown): void {
    this.#inner.onRequestStart?.(controller, context);
  }

  onRequestUpgrade(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Parameters<NonNullable<Dispatcher.DispatchHandler['onRequestUpgrade']>>[2],
    socket: Duplex,
  ): void {
    this.#outcome(false);
    this.#end();
    this.#inner.onRequestUpgrade?.(controller, statusCode, headers, socket);
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Parameters<NonNullable<Dispatcher.DispatchHandler['onResponseStart']>>[2],
    statusMessage?: string,
  ): void {
    this.#outcome(statusCode >= 500);
    this.#inner.onResponseStart?.(controller, statusCode, headers, statusMessage);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.#inner.onResponseData?.(controller, chunk);
  }

  onResponseEnd(
    controller: Dispatcher.DispatchController,
    trailers: Parameters<NonNullable<Dispatcher.DispatchHandler['onResponseEnd']>>[1],
  ): void {
    this.#end();
    this.#inner.onResponseEnd?.(controller, trailers);
  }

  onResponseError(controller: Dispatcher.DispatchController, error: Error): void {
    this.#end();
    // A connection that failed or broke counts against the target; the gateway's own aborts (the client
    // left, the answer was replaced) do not.
    if (classifyUpstreamError(error) !== 'other') this.#outcome(true);
    this.#inner.onResponseError?.(controller, error);
  }
}
