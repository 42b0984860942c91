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

/** At most this many variables are followed through their assignments. */
const MAX_VARIABLES = 64;

interface Folded {
  readonly text: string;
  readonly pieces: readonly string[];
}

function isIdentifierChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || c === 36;
}

/** The identifier at `i` (at most 32 characters), or ''. */
function identifierAt(text: string, i: number): string {
  let j = i;
  while (j < text.length && j - i < 32 && isIdentifierChar(text.charCodeAt(j))) j++;
  return j > i && !(text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) ? text.slice(i, j) : '';
}

/** The truth of a constant condition (`0`, `1`, `''`, `true`, `null`), or undefined. */
function constantTruth(text: string, i: number): { truth: boolean; end: number } | undefined {
  if (isQuote(text.charCodeAt(i))) {
    const end = literalEnd(text, i);
    return end < 0 ? undefined : { truth: end - i > 2, end };
  }
  let j = i;
  while (j < text.length && j - i < 16 && isIdentifierChar(text.charCodeAt(j))) j++;
  const word = text.slice(i, j);
  if (word === 'true' || word === 'false' || word === 'null') return { truth: word === 'true', end: j };
  return /^\d+$/.test(word) ? { truth: Number(word) !== 0, end: j } : undefined;
}

/**
 * One term of a string expression at `i`: a literal, a variable already folded, or a ternary on a
 * constant (`0?'1':'jav'`). Returns its value and the index after it, or undefined.
 */
function termAt(
  text: string,
  i: number,
  values: ReadonlyMap<string, Folded>,
): { value: Folded; end: number } | undefined {
  const condition = constantTruth(text, i);
  if (condition !== undefined) {
    let j = skipSpaces(text, condition.end);
    if (text.charCodeAt(j) === 63) {
      const yes = literalEnd(text, skipSpaces(text, j + 1));
      const yesStart = skipSpaces(text, j + 1);
      if (yes < 0 || !isQuote(text.charCodeAt(yesStart))) return undefined;
      j = skipSpaces(text, yes);
      if (text.charCodeAt(j) !== 58) return undefined;
      const noStart = skipSpaces(text, j + 1);
      if (!isQuote(text.charCodeAt(noStart))) return undefined;
      const no = literalEnd(text, noStart);
      if (no < 0) return undefined;
      const piece = condition.truth ? text.slice(yesStart + 1, yes - 1) : text.slice(noStart + 1, no - 1);
      return { value: { text: piece, pieces: [piece] }, end: no };
    }
    if (!isQuote(text.charCodeAt(i))) return undefined;
    const piece = text.slice(i + 1, condition.end - 1);
    return { value: { text: piece, pieces: [piece] }, end: condition.end };
  }
  const name = identifierAt(text, i);
  const known = name === '' ? undefined : values.get(name);
  return known === undefined ? undefined : { value: known, end: i + name.length };
}

/** The index of the next statement (after `;`, `,` or a line break) from `i`. */
function nextStatement(text: string, i: number): number {
  let j = i;
  while (j < text.length) {
    const c = text.charCodeAt(j);
    j++;
    if (c === 59 || c === 44 || c === 10) break;
  }
  return j;
}

/**
 * Where an assignment starts whose string value, folded through earlier assignments, spells a name
 * of the DOM or a sink or holds a script scheme or call that none of its literals holds alone
 * (`s1=''+'java'+'scr';s2='ipt'+':';u=s1+s2`, `s1=0?'1':'jav';…;i=s1+s2+s3`), or -1. Statements
 * are read once, left to right; values longer than 256 characters stop being followed.
 */
export function foldedStringAt(lower: string): number {
  const values = new Map<string, Folded>();
  let i = 0;
  while (i < lower.length) {
    // Assignments are found wherever an identifier starts (after `Exploit String: ` too).
    if (!isIdentifierChar(lower.charCodeAt(i)) || (i > 0 && isIdentifierChar(lower.charCodeAt(i - 1)))) {
      i++;
      continue;
    }
    const start = i;
    let name = identifierAt(lower, i);
    if (name === 'var' || name === 'let' || name === 'const') {
      i = skipSpaces(lower, i + name.length);
      name = identifierAt(lower, i);
    }
    const equals = skipSpaces(lower, i + name.length);
    const c = lower.charCodeAt(equals + 1);
    if (name === '' || lower.charCodeAt(equals) !== 61 || c === 61 || c === 62) {
      i = Math.max(i + 1, i + name.length);
      continue;
    }
    let text = '';
    const pieces: string[] = [];
    let j = equals + 1;
    let whole = true;
    for (;;) {
      const term = termAt(lower, skipSpaces(lower, j), values);
      if (term === undefined || text.length + term.value.text.length > MAX_JOINED) {
        whole = false;
        break;
      }
      text += term.value.text;
      pieces.push(...term.value.pieces);
      j = skipSpaces(lower, term.end);
      if (lower.charCodeAt(j) !== 43) break;
      j++;
    }
    const end = lower.charCodeAt(j);
    if (whole && (Number.isNaN(end) || end === 59 || end === 44 || end === 10)) {
      if (pieces.length >= 2 && spellsName(text, pieces)) return start;
      if (values.size < MAX_VARIABLES || values.has(name))
        values.set(name, { text, pieces: pieces.slice(0, 64) });
    }
    i = nextStatement(lower, Math.max(j, i + 1));
  }
  return -1;
}
