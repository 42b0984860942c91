// Parses `N/unit` rates (`10/s`, `1000/h`, `100/10s`) into a count and a window in milliseconds.

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A rate: `limit` per `windowMs`. */
export interface Rate {
  readonly limit: number;
  readonly windowMs: number;
}

/** Parses a rate; throws a RangeError naming the bad value. */
export function parseRate(text: string): Rate {
  const match = /^([0-9]{1,12})\/([0-9]{0,9})(ms|s|m|h|d)$/.exec(text);
  if (match === null) throw new RangeError(`invalid rate ${JSON.stringify(text)}: expected "N/unit"`);
  const limit = Number(match[1]);
  const windowMs = (match[2] === '' ? 1 : Number(match[2])) * (UNIT_MS[match[3]!] ?? 1);
  if (limit < 1 || windowMs < 1)
    throw new RangeError(`invalid rate ${JSON.stringify(text)}: must be positive`);
  return { limit, windowMs };
}
