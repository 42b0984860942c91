// Names built from string pieces (`document['coo'+'kie']`, `parent['docu'+'ment']`,
// `'java'+'script:'`): script spells a sensitive name in parts so that no filter sees it whole.
// One pass over the text: each quote opens at most one literal, read up to the next quote.

/** Longest literal read as a piece; longer quoted text is prose or data, not a name in parts. */
const MAX_PIECE = 64;
/** Longest joined text kept. */
const MAX_JOINED = 256;

// What a filter looks for: the DOM objects and properties of XSS, its sinks, and script schemes.
const NAMES = new Set([
  'document',
  'cookie',
  'write',
  'writeln',
  'location',
  'href',
  'domain',
  'eval',
  'alert',
  'prompt',
  'confirm',
  'constructor',
  'innerhtml',
  'outerhtml',
  'fromcharcode',
  'settimeout',
  'setinterval',
  'atob',
  'localstorage',
  'sessionstorage',
  'script',
  'iframe',
]);
const CONTAINED = ['javascript:', 'vbscript:', '<script', 'alert(', 'eval(', 'document.cookie'];

/** The end (index after the closing quote) of the string literal opened at `at`, or -1. */
function literalEnd(text: string, at: number): number {
  const quote = text.charCodeAt(at);
  for (let i = at + 1; i < text.length && i - at <= MAX_PIECE; i++) {
    const c = text.charCodeAt(i);
    if (c === quote) return i + 1;
    if (c === 10) return -1;
    if (c === 92) i++;
  }
  return -1;
}

function isQuote(c: number): boolean {
  return c === 39 || c === 34 || c === 96;
}

function skipSpaces(text: string, i: number): number {
  let j = i;
  while (text.charCodeAt(j) === 32) j++;
  return j;
}

/**
 * Where a chain of two or more string literals joined by `+` starts whose joined text is a name of
 * the DOM or a sink (`'coo'+'kie'`, `"docu" + "ment"`) or holds a script scheme or call
 * (`'java'+'script:'`), with no piece spelling it alone; or -1. Prose that joins strings
 * (`'Hello, ' + 'world'`) spells nothing of the kind.
 */
export function stringBuiltAt(lower: string): number {
  let i = 0;
  while (i < lower.length) {
    if (!isQuote(lower.charCodeAt(i))) {
      i++;
      continue;
    }
    const start = i;
    let joined = '';
    const pieces: string[] = [];
    let next = i;
    for (;;) {
      const end = literalEnd(lower, next);
      if (end < 0) break;
      const piece = lower.slice(next + 1, end - 1);
      if (joined.length + piece.length <= MAX_JOINED) {
        joined += piece;
        pieces.push(piece);
      }
      // A closing quote may open the next literal (`x' document['coo'+'kie']`): resume on it.
      i = end - 1;
      const plus = skipSpaces(lower, end);
      if (lower.charCodeAt(plus) !== 43) break;
      const after = skipSpaces(lower, plus + 1);
      if (!isQuote(lower.charCodeAt(after))) break;
      next = after;
    }
    if (pieces.length === 0) {
      i = start + 1;
      continue;
    }
    if (pieces.length >= 2 && spellsName(joined, pieces)) return start;
  }
  return -1;
}

/** Whether the joined text is a name or holds a marker that none of its pieces holds alone. */
function spellsName(joined: string, pieces: readonly string[]): boolean {
  if (NAMES.has(joined)) return pieces.every((piece) => piece.length < joined.length);
  return CONTAINED.some(
    (marker) => joined.includes(marker) && !pieces.some((piece) => piece.includes(marker)),
  );
}
