// HTML character references, decoded the way browsers do: named (a useful subset), decimal and
// hex, with or without the closing semicolon (WHATWG HTML §13.2.5.72–80).

const NAMED: Readonly<Record<string, string>> = {
  lt: '<',
  gt: '>',
  amp: '&',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  tab: '\t',
  newline: '\n',
  colon: ':',
  sol: '/',
  bsol: '\\',
  lpar: '(',
  rpar: ')',
  equals: '=',
  period: '.',
  comma: ',',
  semi: ';',
  excl: '!',
  num: '#',
  dollar: '$',
  percnt: '%',
  lsqb: '[',
  rsqb: ']',
  lcub: '{',
  rcub: '}',
  lbrack: '[',
  rbrack: ']',
  lbrace: '{',
  rbrace: '}',
  grave: '`',
  verbar: '|',
  vert: '|',
  plus: '+',
  ast: '*',
  quest: '?',
  commat: '@',
  lowbar: '_',
  hyphen: '-',
  dash: '-',
};

const MAX_DIGITS = 10;

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || ((c | 0x20) >= 97 && (c | 0x20) <= 122);
}

/**
 * The numeric character reference starting at `at` (`&#106;`, `&#x6A`; the `;` optional, as HTML
 * allows): its code point and the index after it, or undefined when no digit follows `&#`.
 */
export function numericReferenceAt(text: string, at: number): { code: number; end: number } | undefined {
  let j = at + 2;
  const hex = (text.charCodeAt(j) | 0x20) === 120;
  if (hex) j++;
  const start = j;
  let code = 0;
  while (j < text.length && j - start < MAX_DIGITS) {
    const c = text.charCodeAt(j);
    const d =
      c >= 48 && c <= 57 ? c - 48 : hex && (c | 0x20) >= 97 && (c | 0x20) <= 102 ? (c | 0x20) - 87 : -1;
    if (d < 0) break;
    code = code * (hex ? 16 : 10) + d;
    j++;
  }
  if (j === start) return undefined;
  if (text.charCodeAt(j) === 59) j++;
  return { code, end: j };
}

/** Decodes character references; unknown names stay as text. Linear in the input. */
export function decodeEntities(text: string): string {
  if (text.indexOf('&') < 0) return text;
  let out = '';
  let i = 0;
  const n = text.length;
  while (i < n) {
    if (text.charCodeAt(i) !== 38) {
      const next = text.indexOf('&', i);
      const end = next < 0 ? n : next;
      out += text.slice(i, end);
      i = end;
      continue;
    }
    let j = i + 1;
    if (text.charCodeAt(j) === 35) {
      const reference = numericReferenceAt(text, i);
      if (reference === undefined) {
        out += '&';
        i++;
        continue;
      }
      const value = reference.code;
      out += value > 0 && value <= 0x10ffff ? String.fromCodePoint(value) : '\ufffd';
      i = reference.end;
      continue;
    }
    const start = j;
    while (j < n && j - start < 12 && isAlnum(text.charCodeAt(j))) j++;
    const name = text.slice(start, j).toLowerCase();
    // Own names only: `&constructor;` must not read Object.prototype.
    const value = Object.hasOwn(NAMED, name) ? NAMED[name] : undefined;
    if (value === undefined) {
      out += '&';
      i++;
      continue;
    }
    if (text.charCodeAt(j) === 59) j++;
    out += value;
    i = j;
  }
  return out;
}
