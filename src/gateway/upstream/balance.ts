// Choosing one of an upstream's targets: smooth weighted round-robin (nginx's algorithm: each pick adds
// every candidate's weight to its credit, takes the richest and charges it the total, so weights 1:2:3
// give a,b,c spread as b c a c b c, never bursts), and least-request (fewest requests in flight per
// unit of weight; the equally least loaded take turns, so equal loads spread evenly).

/** What balancing reads and keeps on a target. */
export interface Balanced {
  readonly weight: number;
  /** Requests sent to the target that have not ended. */
  inFlight: number;
  /** Smooth round-robin credit. */
  credit: number;
}

/** The balancing algorithms (upstreams.<name>.balance). */
export type BalanceAlgorithm = 'round-robin' | 'least-request';

/** Picks among `candidates` (at least one). */
export type Picker = <T extends Balanced>(candidates: readonly T[]) => T;

/** Smooth weighted round-robin over the candidates given (those unavailable are simply left out). */
export function pickRoundRobin<T extends Balanced>(candidates: readonly T[]): T {
  let best = candidates[0]!;
  let total = 0;
  for (const candidate of candidates) {
    candidate.credit += candidate.weight;
    total += candidate.weight;
    if (candidate.credit > best.credit) best = candidate;
  }
  best.credit -= total;
  return best;
}

/** A least-request picker with its own tie-breaking cursor. */
export function createLeastRequest(): Picker {
  let cursor = 0;
  return <T extends Balanced>(candidates: readonly T[]): T => {
    // inFlight/weight compared without dividing; the least loaded are taken in turn.
    let best = candidates[0]!;
    let ties = 0;
    for (const candidate of candidates) {
      const order = candidate.inFlight * best.weight - best.inFlight * candidate.weight;
      if (order < 0) {
        best = candidate;
        ties = 1;
      } else if (order === 0) ties++;
    }
    if (ties === 1) return best;
    let turn = cursor++ % ties;
    for (const candidate of candidates) {
      if (candidate.inFlight * best.weight === best.inFlight * candidate.weight && turn-- === 0)
        return candidate;
    }
    return best;
  };
}

/** The picker an upstream's `balance` names. */
export function pickerOf(algorithm: BalanceAlgorithm): Picker {
  return algorithm === 'least-request' ? createLeastRequest() : pickRoundRobin;
}
