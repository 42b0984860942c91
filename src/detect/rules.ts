// The rule catalogue's shape: every rule a detector can report is a row of its detector's table
// (id, family, paranoia level, score, one-line description). Detectors report hits by row, so a
// score is written once; docs/rules.md is generated from the tables (src/detect/rules-doc.ts).
import type { Category, Hit } from './types.ts';

/** A paranoia level: 1 (fewest false positives) to 4 (most rules). */
export type Paranoia = 1 | 2 | 3 | 4;

/** One rule of the catalogue. */
export interface Rule {
  /** Stable id, `<family>.<name>[.<variant>]`; an exclusion of `<family>.<name>` covers its variants. */
  readonly id: string;
  readonly family: Category;
  /** The lowest paranoia level at which the rule counts. */
  readonly paranoia: Paranoia;
  /** Anomaly points: 5 decides alone at the paranoia-1 threshold, 3 and 2 need company. */
  readonly score: number;
  /**
   * In a document (a value sent as many lines: a README, a changelog, a comment with code), the
   * paranoia level from which the rule counts, when that is higher: for constructs that technical
   * documents hold as content (a shell substitution, `require('child_process')`, a localhost URL).
   */
  readonly documents?: Paranoia;
  readonly description: string;
}

type RuleSpec = Omit<Rule, 'id' | 'family'>;

/** A detector's table: rows by id, checked to belong to the family (`sqli.union` in `sqli`). */
export function ruleTable<const T extends Record<string, RuleSpec>>(
  family: Category,
  specs: T,
): { readonly [K in keyof T]: Rule } {
  const table: Record<string, Rule> = {};
  for (const [id, spec] of Object.entries(specs)) {
    if (!id.startsWith(`${family}.`)) throw new Error(`rule ${id} is not of family ${family}`);
    if (!(spec.score > 0 && spec.score <= 10)) throw new Error(`rule ${id}: score out of range`);
    if (spec.documents !== undefined && spec.documents <= spec.paranoia)
      throw new Error(`rule ${id}: its level in documents must be above its paranoia level`);
    table[id] = Object.freeze({ id, family, ...spec });
  }
  return Object.freeze(table) as { readonly [K in keyof T]: Rule };
}

/** A hit of `rule` at offset `at` of the decoded view (or the raw value). */
export function hit(rule: Rule, at: number, view?: 'raw'): Hit {
  const found: Hit =
    view === undefined
      ? { rule: rule.id, score: rule.score, paranoia: rule.paranoia, at }
      : { rule: rule.id, score: rule.score, paranoia: rule.paranoia, at, view };
  return rule.documents === undefined ? found : { ...found, documents: rule.documents };
}
