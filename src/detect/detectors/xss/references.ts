// Text spelled as numeric character references (`&#106&#97&#118&#97…`): HTML decodes each one, so a
// filter reading the raw text sees digits where the page gets letters. One pass over the raw value.

import { numericReferenceAt } from '../../decode/entities.ts';

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
    const reference = numericReferenceAt(raw, i);
    if (reference === undefined || reference.code < 33 || reference.code > 126) {
      run = 0;
      i = raw.indexOf('&#', i + 2);
      continue;
    }
    const j = reference.end;
    run++;
    if (run >= MIN_RUN) return true;
    // The next reference must follow at once for the run to go on.
    if (!raw.startsWith('&#', j)) run = 0;
    i = raw.indexOf('&#', j);
  }
  return false;
}
