// The contract of a check: what it looks for, its request budget, and how it runs.
import type { ScanContext } from '../context.ts';
import type { CheckMeta } from '../finding.ts';

/** One check of the scanner; it pushes confirmed findings into `ctx.findings`. */
export interface Check extends CheckMeta {
  /** Requests this check may send. */
  readonly budget: number;
  run(ctx: ScanContext): Promise<void>;
}
