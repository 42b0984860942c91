// Markup in UTF-7 (RFC 2152): `+ADw-script+AD4-` is `<script>` to a browser that sniffs the charset
// (IE did), and IMAP's modified UTF-7 (RFC 3501 §5.1.3) writes the same shift with `&`
// (`&ADw-`, or `&ADz&AGn…` without the closing `-`). One pass over the raw value.

/** At most this many characters of one shifted block are decoded. */
const MAX_BLOCK = 4096;

function base64Digit(c: number, modified: boolean): number {
  if (c >= 65 && c <= 90) return c - 65;
  if (c >= 97 && c <= 122) return c - 71;
  if (c >= 48 && c <= 57) return c + 4;
  if (c === 43) return 62;
  if (c === (modified ? 44 : 47)) return 63;
  return -1;
}

/**
 * Where a UTF-7 shifted block starts whose text opens a tag (`<` and then a letter, `/` or `!`,
 * shifted or not), or -1. Each block is UTF-16 in base64 after `+` (or `&`); the `<` must come from
 * a block, so markup written plainly does not count here.
 */
export function utf7MarkupAt(raw: string): number {
  let at = -1;
  for (let i = 0; i < raw.length; i++) {
    const shift = raw.charCodeAt(i);
    if (shift !== 43 && shift !== 38) {
      if (at >= 0 && opensTag(shift)) return at;
      at = -1;
      continue;
    }
    const modified = shift === 38;
    let bits = 0;
    let count = 0;
    let j = i + 1;
    let next = -1;
    for (; j < raw.length && j - i <= MAX_BLOCK; j++) {
      const digit = base64Digit(raw.charCodeAt(j), modified);
      if (digit < 0) break;
      bits = ((bits << 6) | digit) & 0xffffff;
      count += 6;
      if (count >= 16) {
        count -= 16;
        const unit = (bits >> count) & 0xffff;
        if (at >= 0) {
          if (!opensTag(unit)) at = -1;
          else return at;
        }
        if (unit === 60) at = i;
        next = unit;
      }
    }
    if (next < 0) at = -1;
    // A `-` ends the block and is not text.
    i = raw.charCodeAt(j) === 45 ? j : j - 1;
  }
  return -1;
}

function opensTag(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 47 || c === 33;
}
