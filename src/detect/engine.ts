// The engine: compiles options once, then inspects a request's inputs, scores the findings
// against the paranoia level and threshold, and enforces the per-request inspection budget.
import { viewsOf } from './decode/views.ts';
import { DETECTORS } from './detectors/index.ts';
import { excerptOf } from './excerpt.ts';
import { compileExclusions, type Exclusion } from './exclusions.ts';
import type { Category, Confidence, Detector, Finding, Input } from './types.ts';

/** What to do when a request carries more bytes than the inspection budget. */
export type OverBudgetAction = 'block' | 'flag';

export interface DetectorOptions {
  /** 1 (default, fewest false positives) to 4 (most rules, most false positives). */
  readonly paranoia?: number;
  /** The anomaly score at which a request is blocked (default 5). */
  readonly threshold?: number;
  /** Only these categories run (default: all). */
  readonly categories?: readonly Category[];
  readonly exclusions?: readonly Exclusion[];
  /** Bytes of input values inspected per request (default 1 MiB); the rest is over budget. */
  readonly budgetBytes?: number;
  /** `block` (default): a request over budget is blocked; `flag`: reported, the inspected part decides. */
  readonly overBudget?: OverBudgetAction;
}

export interface InspectionResult {
  readonly score: number;
  readonly findings: Finding[];
  readonly blocked: boolean;
  readonly overBudget: boolean;
}

export interface ThreatDetector {
  inspect(inputs: readonly Input[]): InspectionResult;
}

export const DEFAULT_BUDGET_BYTES = 1024 * 1024;
/** Text that holds no markup, path, URL, shell or template syntax: only detectors that read words run. */
const PLAIN = /^[\p{L}\p{N} _,-]*$/u;
export const DEFAULT_THRESHOLD = 5;

function confidenceOf(score: number): Confidence {
  return score >= 5 ? 'high' : score >= 3 ? 'medium' : 'low';
}

/** Creates a detector; options are validated and compiled once. */
export function createDetector(options: DetectorOptions = {}): ThreatDetector {
  const paranoia = options.paranoia ?? 1;
  if (!Number.isInteger(paranoia) || paranoia < 1 || paranoia > 4)
    throw new RangeError('paranoia must be 1 to 4');
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  const budget = options.budgetBytes ?? DEFAULT_BUDGET_BYTES;
  const overBudgetAction = options.overBudget ?? 'block';
  const wanted = options.categories === undefined ? undefined : new Set(options.categories);
  const detectors: Detector[] = DETECTORS.filter((d) => wanted === undefined || wanted.has(d.category));
  const excluded = compileExclusions(options.exclusions ?? []);

  return {
    inspect(inputs) {
      const findings: Finding[] = [];
      let used = 0;
      let overBudget = false;
      for (const input of inputs) {
        let value = input.value;
        // Each input is inspected whole while the request budget lasts, so padding does not hide
        // a payload; what is left over is reported (and by default blocked), never passed unseen.
        if (used + value.length > budget) {
          overBudget = true;
          value = value.slice(0, Math.max(0, budget - used));
        }
        used += value.length;
        if (value.length === 0) continue;
        const views = viewsOf(value);
        const plain = PLAIN.test(views.decoded);
        for (const detector of detectors) {
          if (plain && detector.plainText !== true) continue;
          for (const hit of detector.detect(views, input.kind, input.location)) {
            if (hit.paranoia > paranoia || excluded(input.location, hit.rule)) continue;
            findings.push({
              rule: hit.rule,
              category: detector.category,
              confidence: confidenceOf(hit.score),
              score: hit.score,
              location: input.location,
              excerpt: excerptOf(hit.view === 'raw' ? views.raw : views.decoded, hit.at),
            });
          }
        }
        if (overBudget) break;
      }
      const merged = keepStrongest(findings);
      const score = anomalyScore(merged);
      const blocked = score >= threshold || (overBudget && overBudgetAction === 'block');
      merged.sort((a, b) => b.score - a.score);
      return { score, findings: merged, blocked, overBudget };
    },
  };
}

/**
 * The request's anomaly score. A payload lives in one place, so evidence adds up per location: the
 * highest per-category sum there plus half of the other categories' points (unrelated weak hints,
 * like a URL and a code span in one documentation text, do not decide alone). The request scores
 * its worst location, so many harmless fields (private IPs across a JSON document) do not add up.
 */
function anomalyScore(findings: readonly Finding[]): number {
  const perLocation = new Map<string, Map<Category, number>>();
  for (const f of findings) {
    let categories = perLocation.get(f.location);
    if (categories === undefined) {
      categories = new Map();
      perLocation.set(f.location, categories);
    }
    categories.set(f.category, (categories.get(f.category) ?? 0) + f.score);
  }
  let worst = 0;
  for (const categories of perLocation.values()) {
    let top = 0;
    let total = 0;
    for (const points of categories.values()) {
      total += points;
      top = Math.max(top, points);
    }
    worst = Math.max(worst, top + (total - top) / 2);
  }
  return worst;
}

/** One finding per rule and location: the strongest. */
function keepStrongest(findings: Finding[]): Finding[] {
  const byKey = new Map<string, Finding>();
  for (const f of findings) {
    const key = `${f.rule}\u0000${f.location}`;
    const old = byKey.get(key);
    if (old === undefined || f.score > old.score) byKey.set(key, f);
  }
  return [...byKey.values()];
}
