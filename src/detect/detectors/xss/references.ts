// Text spelled as numeric character references (`&#106&#97&#118&#97…`): HTML decodes each one, so a
// filter reading the raw text sees digits where the page gets letters. One pass over the raw value.

import { numericReferenceAt } from '../../decode/entities.ts';

/** How many references in a row make a word that was hidden on purpose. */
const MIN_RUN = 6;

/**
 * The text of the longest run of at least six numeric character references in a row (decimal or
 * hex, the `;` optional as HTML allows) that all stand for printable ASCII, or undefined. Writers
 * escape `<`, `&` or a character their keyboard lacks, one at a time; nobody spells plain ASCII
 * words that way (addresses hidden from harvesters aside, which is why this counts from paranoia 2).
 */
export function referenceSpelledText(raw: string): string | undefined {
  let run = '';
  let best = '';
  let i = raw.indexOf('&#');
  while (i >= 0 && i < raw.length) {
    const reference = numericReferenceAt(raw, i);
    if (reference === undefined || reference.code < 33 || reference.code > 126) {
      run = '';
      i = raw.indexOf('&#', i + 2);
      continue;
    }
    const j = reference.end;
    run += String.fromCharCode(reference.code);
    if (run.length >= MIN_RUN && run.length > best.length) best = run;
    // The next reference must follow at once for the run to go on.
    if (!raw.startsWith('&#', j)) run = '';
    i = raw.indexOf('&#', j);
  }
  return best.length >= MIN_RUN ? best : undefined;
}

/**
 * Whether referenced text holds escapes of another language, a second layer over the first
 * (`&#92&#105&#92&#110…` is `\i\n…`, CSS escapes of `-moz-binding`): a backslash before a visible
 * character, or a percent escape.
 */
export function escapesInside(text: string): boolean {
  for (let i = text.indexOf('\\'); i >= 0; i = text.indexOf('\\', i + 1))
    if (text.charCodeAt(i + 1) > 32) return true;
  return /%[0-9a-f]{2}/i.test(text);
}
