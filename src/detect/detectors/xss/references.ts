// Text spelled as numeric character references (`&#106&#97&#118&#97…`): HTML decodes each one, so a
// filter reading the raw text sees digits where the page gets letters. One pass over the raw value.

/** How many references in a row make a word that was hidden on purpose. */
const MIN_RUN = 6;

/**
 * Whether the raw value holds at least six numeric character references in a row (decimal or hex,
 * the `;` optional as HTML allows) that all stand for printable ASCII. Writers escape `<`, `&` or
 * a character their keyboard lacks, one at a time; nobody spells plain ASCII words that way.
 */
export function referenceSpelledText(raw: string): boolean {
  let run = 0;
  let i = raw.indexOf('&#');
  while (i >= 0 && i < raw.length) {
    let j = i + 2;
    const hex = raw[j] === 'x' || raw[j] === 'X';
    if (hex) j++;
    const digitsStart = j;
    let code = 0;
    while (j < raw.length && j - digitsStart < 8) {
      const c = raw.charCodeAt(j);
      const digit =
        c >= 48 && c <= 57 ? c - 48 : hex && (c | 32) >= 97 && (c | 32) <= 102 ? (c | 32) - 87 : -1;
      if (digit < 0) break;
      code = code * (hex ? 16 : 10) + digit;
      j++;
    }
    if (j === digitsStart || code < 33 || code > 126) {
      run = 0;
      i = raw.indexOf('&#', i + 2);
      continue;
    }
    if (raw[j] === ';') j++;
    run++;
    if (run >= MIN_RUN) return true;
    // The next reference must follow at once for the run to go on.
    if (!raw.startsWith('&#', j)) run = 0;
    i = raw.indexOf('&#', j);
  }
  return false;
}
