// Durations written as milliseconds or as strings like "500ms", "30s", "5m", "1h", "7d".

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** JSON Schema pattern for a duration string (linear, no backtracking). */
export const DURATION_PATTERN = '^[0-9]+(\\.[0-9]+)?(ms|s|m|h|d)$';

/** Parses `250`, `"250ms"`, `"30s"`, `"5m"`, `"1h"` or `"7d"` into milliseconds. Throws on anything else. */
export function parseDuration(value: number | string): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`invalid duration: ${value}`);
    return value;
  }
  const match = /^([0-9]+(?:\.[0-9]+)?)(ms|s|m|h|d)$/.exec(value.trim());
  if (match === null) throw new RangeError(`invalid duration: ${JSON.stringify(value)}`);
  return Math.round(Number(match[1]) * (UNITS[match[2]!] ?? 1));
}
