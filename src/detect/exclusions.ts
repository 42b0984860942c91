// Exclusions: a location pattern (exact, or a prefix ending in `*`) and the rules it silences.

/** One exclusion: where (`query.q`, `body.comment*`) and which rules (`sqli`, `xss.event-handler`); all rules when absent. */
export interface Exclusion {
  readonly location: string;
  readonly rules?: readonly string[];
}

/** A compiled matcher: whether `rule` at `location` is excluded. */
export type ExclusionMatcher = (location: string, rule: string) => boolean;

function locationMatches(pattern: string, location: string): boolean {
  if (pattern.endsWith('*')) return location.startsWith(pattern.slice(0, -1));
  return pattern === location;
}

function ruleMatches(pattern: string, rule: string): boolean {
  if (pattern === '*' || pattern === rule) return true;
  const prefix = pattern.endsWith('.*') ? pattern.slice(0, -2) : pattern;
  return rule.startsWith(`${prefix}.`);
}

/** Compiles exclusions once; the matcher costs nothing when there are none. */
export function compileExclusions(exclusions: readonly Exclusion[]): ExclusionMatcher {
  if (exclusions.length === 0) return () => false;
  return (location, rule) =>
    exclusions.some(
      (e) =>
        locationMatches(e.location, location) &&
        (e.rules === undefined || e.rules.some((r) => ruleMatches(r, rule))),
    );
}
