// Cheap necessary conditions for the scanner's pattern (scanner.ts), without allocating: most strings
// of a JSON body (names, ids, enums, prices) cannot hold a sensitive value, and whole bodies often
// cannot either, so the pattern and even the JSON parse and walk are skipped for them. Each condition
// only ever errs towards scanning (scanner.test.ts fuzzes both against the pattern).

/** The shortest text the pattern can match: `+` and eight digits (a phone number). */
const MIN_MATCH = 9;

/** Literal anchors of the non-numeric alternatives; found with native substring search. */
const ANCHORS = ['eyJ', 'AKIA', 'ASIA', 'AIza', 'xox', 'sk_', 'rmp_', 'ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'];

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isUpper(code: number): boolean {
  return code >= 65 && code <= 90;
}

/** ` `, `(`, `)`, `+`, `-`, `.`: what phone, SSN and card formats put between digits. */
function isSeparator(code: number): boolean {
  return code === 32 || code === 40 || code === 41 || code === 43 || code === 45 || code === 46;
}

// The numeric conditions for a whole raw body, as regexes (irregexp outruns a JS loop on 64 KiB):
// eight digits with at most two separators between neighbours (the most any phone, SSN or card
// format puts there), an IBAN's capitals and check digits, a number in exponent form (`1.5e15`, an
// integer the scanner checks as a card number once parsed). Linear: the classes are disjoint and
// every repetition bounded.
const DIGIT_RUN = /[0-9](?:[ ().+-]{0,2}[0-9]){7}/;
const IBAN_START = /[A-Z]{2}[0-9]{2}/;
const EXPONENT = /[0-9][eE][+-]?[0-9]/;

function hasAnchor(text: string): boolean {
  for (const anchor of ANCHORS) if (text.includes(anchor)) return true;
  return false;
}

/** Whether `text[i]` (`_`, `y`, `A` or `o`) completes or starts a literal anchor. */
function anchorAt(text: string, i: number, code: number): boolean {
  switch (code) {
    case 95: // `_`: gh[pousr]_, sk_live_, rmp_
      return text.startsWith('rmp', i - 3) || text.startsWith('sk', i - 2) || text.startsWith('gh', i - 3);
    case 121: // eyJ
      return text.charCodeAt(i - 1) === 101 && text.charCodeAt(i + 1) === 74;
    case 65: // AKIA, ASIA, AIza
      return text.startsWith('KIA', i + 1) || text.startsWith('SIA', i + 1) || text.startsWith('Iza', i + 1);
    case 111: // xox
      return text.charCodeAt(i - 1) === 120 && text.charCodeAt(i + 1) === 120;
    default:
      return false;
  }
}

/**
 * Whether the pattern can match in `text`. Every alternative needs one of: a run of number
 * characters holding 8+ digits (phone, SSN and card formats use nothing else), an IBAN's two
 * capitals and two check digits, or a literal anchor (`eyJ`, `AKIA`, `ASIA`, `AIza`, `xox`,
 * `gh?_`, `sk_`, `rmp_`). One pass, for the short strings of a JSON value.
 */
export function mayHoldPattern(text: string): boolean {
  const length = text.length;
  if (length < MIN_MATCH) return false;
  let digits = 0;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 48 && code <= 57) {
      if (++digits >= 8) return true;
      if (
        digits === 1 &&
        isUpper(text.charCodeAt(i - 1)) &&
        isUpper(text.charCodeAt(i - 2)) &&
        isDigit(text.charCodeAt(i + 1))
      )
        return true;
    } else if (!isSeparator(code)) {
      digits = 0;
      if (anchorAt(text, i, code)) return true;
    }
  }
  return false;
}

/**
 * Whether a raw JSON body can hold anything the scanner looks for, judged on the text without
 * parsing it: the pattern's conditions, plus `@` (emails), `BEGIN ` (private keys), numbers in
 * exponent form, and `\u` escapes (which can spell any character). Other escapes decode to
 * characters no pattern uses, so they split candidates no differently than the raw text does.
 */
export function jsonMayHold(raw: string, email: boolean, privateKey: boolean): boolean {
  return (
    raw.includes('\\u') ||
    (email && raw.includes('@')) ||
    (privateKey && raw.includes('BEGIN ')) ||
    hasAnchor(raw) ||
    DIGIT_RUN.test(raw) ||
    IBAN_START.test(raw) ||
    EXPONENT.test(raw)
  );
}
