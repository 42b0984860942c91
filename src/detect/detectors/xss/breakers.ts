// Values written to leave whatever context they land in: a run of punctuation that closes quoted
// strings, a comment and a CDATA section at once (the polyglot's breaker), and Netscape's
// JavaScript entities in an attribute value (the classic XSS locator's `=&{()}`). One pass each.

/** What ends a context of its own kind in HTML, XML, JavaScript, CSS or a server template. */
const CLOSERS = ['-->', ']]>', '*/', '?>', '%>'];
/** A breaker run is read up to this length; longer punctuation is ASCII art, not a breaker. */
const MAX_RUN = 64;

function isBreakerChar(c: number): boolean {
  // Printable ASCII that is neither a letter, a digit nor a space.
  return c > 32 && c < 127 && !((c >= 48 && c <= 57) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90));
}

/**
 * Where a run of punctuation starts that closes a quoted string and two other kinds of context
 * (`"'\`-->]]>`, `'*\/-->`), or -1: from inside an attribute, a script string, a comment or a CDATA
 * section, it leaves for markup whichever it was in. Prose draws arrows (`A --> B`) and code ends
 * one comment at a time (`//]]>`, `-->`); neither holds a quote and two closers without a space.
 */
export function contextBreakerAt(lower: string): number {
  let kinds = 0;
  for (const closer of CLOSERS) if (lower.includes(closer)) kinds++;
  if (kinds < 2) return -1;
  let start = -1;
  for (let i = 0; i <= lower.length; i++) {
    if (i < lower.length && isBreakerChar(lower.charCodeAt(i))) {
      if (start < 0) start = i;
      continue;
    }
    if (start >= 0 && i - start >= 5 && i - start <= MAX_RUN && breaks(lower.slice(start, i))) return start;
    start = -1;
  }
  return -1;
}

function breaks(run: string): boolean {
  if (!run.includes('"') && !run.includes("'") && !run.includes('`')) return false;
  let kinds = 0;
  for (const closer of CLOSERS) if (run.includes(closer)) kinds++;
  return kinds >= 2;
}

/**
 * Where a JavaScript entity (`&{alert(1)};`) starts as an attribute value, or -1: Netscape 4 ran
 * the script between the braces wherever an attribute value began with one (`<br size="&{…}">`,
 * the locator's `<XSS>=&{()}`). PowerShell's call operator (`$r=&{…}`) follows a `$` variable.
 */
export function jsEntityAt(lower: string): number {
  for (let at = lower.indexOf('&{'); at >= 0; at = lower.indexOf('&{', at + 2)) {
    let k = at - 1;
    if (lower.charCodeAt(k) === 34 || lower.charCodeAt(k) === 39) k--;
    if (lower.charCodeAt(k) !== 61) continue;
    let start = k - 1;
    while (start >= 0 && start > k - 33 && /[\w:-]/.test(lower[start]!)) start--;
    if (lower.charCodeAt(start) === 36) continue;
    if (lower.slice(at + 2, at + 258).includes('}')) return at;
  }
  return -1;
}
