// Outlier ejection (passive health): a target that answers 5xx or fails to connect `consecutiveFailures`
// times in a row leaves the rotation for `ejectionTime` × the ejections in a row (so a target that keeps
// failing stays out longer), then comes back by itself; a success resets it. Never more than
// `maxEjectionPercent` of the targets are out at once, so a fault shared by all (or a bad deploy) does
// not empty the upstream. The model is Envoy's outlier detection (consecutive_5xx).

/** Outlier settings (upstreams.<name>.outlierDetection, time in ms). */
export interface OutlierOptions {
  readonly consecutiveFailures: number;
  readonly ejectionMs: number;
  readonly maxEjectionPercent: number;
}

/** What outlier detection keeps on a target. */
export interface OutlierState {
  /** Failures in a row. */
  failures: number;
  /** Ejections in a row (reset by a success after coming back). */
  ejections: number;
  /** Ejected until this instant (ms); 0 when in rotation. */
  ejectedUntil: number;
}

/** A fresh state: in rotation, no failures. */
export const newOutlierState = (): OutlierState => ({ failures: 0, ejections: 0, ejectedUntil: 0 });

/** Whether the target is out of the rotation at `now`. */
export const isEjected = (state: OutlierState, now: number): boolean => state.ejectedUntil > now;

/** Longest an ejection lasts, whatever the streak: ten ejection times. */
const MAX_EJECTION_FACTOR = 10;

/**
 * Records one outcome of `state` (one of `all` the upstream's targets); returns 'ejected' when this
 * outcome took the target out, 'returned' when a success came from a target back from ejection.
 */
export function recordOutcome(
  options: OutlierOptions,
  state: OutlierState,
  all: readonly OutlierState[],
  failed: boolean,
  now: number,
): 'ejected' | 'returned' | undefined {
  if (!failed) {
    const returned = state.ejections > 0 && !isEjected(state, now);
    state.failures = 0;
    if (returned) state.ejections = 0;
    return returned ? 'returned' : undefined;
  }
  state.failures++;
  if (state.failures < options.consecutiveFailures || isEjected(state, now)) return undefined;
  let out = 0;
  for (const other of all) if (isEjected(other, now)) out++;
  if ((out + 1) * 100 > options.maxEjectionPercent * all.length) return undefined;
  state.ejections++;
  state.failures = 0;
  state.ejectedUntil = now + options.ejectionMs * Math.min(state.ejections, MAX_EJECTION_FACTOR);
  return 'ejected';
}
