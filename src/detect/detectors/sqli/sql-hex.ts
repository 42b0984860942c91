// Hex string literals (`0x77616974666f72…`): MySQL and MSSQL read them as strings, so a payload can
// spell SQL, a file name or a comparison value without a quote. This reads the text they spell.

/** A hex literal in a value and the text it spells. */
export interface HexText {
  readonly at: number;
  readonly text: string;
}

/** Literals shorter than this many bytes spell too little to read; longer ones are read in part. */
const MIN_BYTES = 4;
const MAX_HEX_DIGITS = 4096;
const MAX_LITERALS = 4;

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

function isPrintable(b: number): boolean {
  return (b >= 32 && b < 127) || b === 9 || b === 10 || b === 13;
}

/**
 * The printable texts that `0x…` literals in `lower` (lower-cased) spell, as single bytes or as
 * UTF-16LE (MSSQL's `nvarchar`: every other byte zero). Linear: one pass, a few literals at most.
 */
export function hexTexts(lower: string): HexText[] {
  const out: HexText[] = [];
  for (let at = lower.indexOf('0x'); at >= 0 && out.length < MAX_LITERALS; at = lower.indexOf('0x', at + 2)) {
    // A literal starts a token: `0x41` after a space, `=` or `(`, not inside `a0x41`.
    const before = lower.charCodeAt(at - 1);
    if ((before >= 97 && before <= 122) || (before >= 48 && before <= 57) || before === 95) continue;
    let end = at + 2;
    while (end < lower.length && end - at - 2 < MAX_HEX_DIGITS && hexDigit(lower.charCodeAt(end)) >= 0) end++;
    const digits = (end - at - 2) & ~1;
    if (digits < MIN_BYTES * 2) continue;
    const bytes: number[] = [];
    for (let k = at + 2; k < at + 2 + digits; k += 2)
      bytes.push((hexDigit(lower.charCodeAt(k)) << 4) | hexDigit(lower.charCodeAt(k + 1)));
    const wide = bytes.length >= 2 * MIN_BYTES && bytes.every((b, k) => k % 2 === 0 || b === 0);
    const chars = wide ? bytes.filter((_, k) => k % 2 === 0) : bytes;
    if (chars.every(isPrintable)) out.push({ at, text: String.fromCharCode(...chars) });
    at = end - 2;
  }
  return out;
}
