// Where the inventory persists: endpoints with their facts, counters of what did not fit, and the
// risk register's score history. One small interface, so a PostgreSQL store can sit beside the
// node:sqlite one (sqlite-store.ts); every instance merges into the same rows, so the inventory is
// shared by the workers and instances that share the store.
import type { EndpointFacts } from './facts.ts';

/** An endpoint renamed when its template was collapsed (a literal became a parameter). */
export interface Fold {
  readonly method: string;
  readonly from: string;
  readonly to: string;
}

/** One flush. */
export interface InventoryUpdate {
  /** Facts learned since the last flush, added to the stored ones. */
  readonly endpoints: readonly EndpointFacts[];
  /** Applied first: each `from` row is added into its `to` row, then deleted. */
  readonly folds: readonly Fold[];
  /** Counters to add (`dropped.endpoints`, `dropped.params`, `dropped.samples`, `samples`). */
  readonly counters: Readonly<Record<string, number>>;
  /** Rows beyond this many are refused (counted in `dropped.endpoints`). */
  readonly maxEndpoints: number;
}

/** What a flush changed. */
export interface MergeResult {
  /** `METHOD template` of rows this flush created (first seen anywhere). */
  readonly created: readonly string[];
}

/** A risk score recorded by `rampart risk`. */
export interface RiskPoint {
  readonly api: string;
  readonly at: number;
  readonly score: number;
}

/** The inventory's persistence. */
export interface InventoryStore {
  merge(update: InventoryUpdate): Promise<MergeResult>;
  /** Every stored endpoint, ordered by template then method. */
  list(): Promise<EndpointFacts[]>;
  counters(): Promise<Record<string, number>>;
  /** Forgets every endpoint and counter (the risk history stays). */
  clear(): Promise<void>;
  recordRisk(point: RiskPoint): Promise<void>;
  /** The latest `limit` scores of an API, newest first. */
  riskHistory(api: string, limit: number): Promise<RiskPoint[]>;
  close(): Promise<void>;
}
