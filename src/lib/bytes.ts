// Byte sizes written as numbers or as strings like "64kb", "1 MiB", "2gb".

const UNITS: Record<string, number> = {
  b: 1,
  kb: 1024,
  kib: 1024,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
};

/** JSON Schema pattern for a size string (linear, no backtracking). */
export const BYTES_PATTERN = '^[0-9]+(\\.[0-9]+)? ?([kKmMgG][iI]?)?[bB]$';

/** Parses `1024`, `"64kb"` or `"1 MiB"` into bytes (binary multiples). Throws on anything else. */
export function parseBytes(value: number | string): number {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`invalid byte size: ${value}`);
    return value;
  }
  const match = /^([0-9]+(?:\.[0-9]+)?) ?([kmg]i?)?b$/i.exec(value.trim());
  if (match === null) throw new RangeError(`invalid byte size: ${JSON.stringify(value)}`);
  const unit = UNITS[`${(match[2] ?? '').toLowerCase()}b`] ?? 1;
  return Math.floor(Number(match[1]) * unit);
}
