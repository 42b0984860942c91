// A SQL tokenizer covering the lexical forms of MySQL, PostgreSQL, MSSQL, Oracle and SQLite:
// quoted strings and identifiers, numbers, words, `@`/`@@` variables, operators, and the three
// comment forms. MySQL's executable comments (`/*!50000 select */`) are read as code.

export type SqlTokenType =
  | 'str'
  | 'num'
  | 'word'
  | 'var'
  | 'op'
  | '('
  | ')'
  | ','
  | ';'
  | '.'
  | 'comment'
  | 'other';

export interface SqlToken {
  readonly type: SqlTokenType;
  /** Lower-cased text for words, vars and operators; empty for strings and comments. */
  readonly text: string;
  readonly at: number;
  /** A string that reached the end of input without its closing quote. */
  readonly open?: boolean;
}

/** A cap on tokens per scan keeps memory bounded on huge inputs; scanning stays linear. */
export const MAX_SQL_TOKENS = 20_000;

function isWordChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36 || c > 127
  );
}

function isLetter(c: number): boolean {
  return c >= 97 && c <= 122;
}

/** Keywords that end a number written against them (`1or1=1`, `1union select`, `1e0union`). */
const KEYWORDS_AFTER_NUMBER = new Set([
  'or',
  'and',
  'xor',
  'div',
  'union',
  'select',
  'from',
  'order',
  'group',
  'limit',
  'having',
  'where',
  'like',
]);

/**
 * Where the keyword starts inside the number-like run `text[at, end)` (digits, then a keyword's
 * letters), or -1. Hex (`0x…`) and exponents (`1e5`) are numbers.
 */
function keywordAfterNumber(text: string, at: number, end: number): number {
  let i = at;
  if (text.charCodeAt(i) === 48 && text.charCodeAt(i + 1) === 120) return -1;
  while (i < end && ((text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) || text.charCodeAt(i) === 46))
    i++;
  if (text.charCodeAt(i) === 101 && text.charCodeAt(i + 1) >= 48 && text.charCodeAt(i + 1) <= 57) {
    i++;
    while (i < end && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
  }
  let j = i;
  while (j < end && isLetter(text.charCodeAt(j))) j++;
  return j > i && KEYWORDS_AFTER_NUMBER.has(text.slice(i, j)) ? i : -1;
}

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 160;
}

const OPERATOR_CHARS = '=<>!|&+-*/%^~:';

/**
 * Tokenizes `text` (lower-cased). `quote` is the quote of a string literal the input is assumed to
 * be inside: the scan starts after that string closes, or yields nothing. `backslashEscapes`: a
 * backslash escapes the next character in strings (MySQL); without it, standard SQL's strings.
 */
export function tokenizeSql(text: string, quote: '' | "'" | '"' = '', backslashEscapes = true): SqlToken[] {
  const tokens: SqlToken[] = [];
  const n = text.length;
  let i = 0;
  if (quote !== '') {
    i = closeAt(text, 0, quote.charCodeAt(0), backslashEscapes);
    if (i < 0) return tokens;
  }
  while (i < n && tokens.length < MAX_SQL_TOKENS) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    const at = i;
    if (c === 39 || c === 34 || c === 96) {
      const end = closeAt(text, i + 1, c, backslashEscapes);
      // An identifier in backticks; one left open runs to the end (the query's own backtick closes it).
      if (c === 96) tokens.push({ type: 'word', text: text.slice(i + 1, end < 0 ? n : end - 1), at });
      else tokens.push(end < 0 ? { type: 'str', text: '', at, open: true } : { type: 'str', text: '', at });
      i = end < 0 ? n : end;
      continue;
    }
    if (c >= 48 && c <= 57) {
      i++;
      while (i < n && (isWordChar(text.charCodeAt(i)) || text.charCodeAt(i) === 46)) i++;
      // `1or1=1`, `1union select`: MySQL and MSSQL end a number where a keyword starts.
      const split = keywordAfterNumber(text, at, i);
      if (split > at) {
        tokens.push({ type: 'num', text: text.slice(at, split), at });
        i = split;
        while (i < n && isLetter(text.charCodeAt(i))) i++;
        tokens.push({ type: 'word', text: text.slice(split, i), at: split });
        continue;
      }
      tokens.push({ type: 'num', text: text.slice(at, i), at });
      continue;
    }
    if (c === 64) {
      i++;
      if (text.charCodeAt(i) === 64) i++;
      while (i < n && isWordChar(text.charCodeAt(i))) i++;
      tokens.push({ type: 'var', text: text.slice(at, i), at });
      continue;
    }
    if (isWordChar(c)) {
      while (i < n && isWordChar(text.charCodeAt(i))) i++;
      tokens.push({ type: 'word', text: text.slice(at, i), at });
      continue;
    }
    // `--` comments to end of line (MySQL wants a space after it; others do not), `#` (MySQL).
    if ((c === 45 && text.charCodeAt(i + 1) === 45) || c === 35) {
      const eol = text.indexOf('\n', i);
      i = eol < 0 ? n : eol;
      tokens.push({ type: 'comment', text: '', at });
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 42) {
      if (text.charCodeAt(i + 2) === 33) {
        // MySQL executable comment: its body is code; skip the marker and optional version.
        i += 3;
        while (i < n && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
        continue;
      }
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
      tokens.push({ type: 'comment', text: '', at });
      continue;
    }
    if (c === 42 && text.charCodeAt(i + 1) === 47) {
      i += 2;
      continue;
    }
    if (OPERATOR_CHARS.includes(text[i]!)) {
      i++;
      while (i < n && i - at < 3 && OPERATOR_CHARS.includes(text[i]!) && !isCommentStart(text, i)) i++;
      tokens.push({ type: 'op', text: text.slice(at, i), at });
      continue;
    }
    const single = text[i]!;
    i++;
    if (single === '(' || single === ')' || single === ',' || single === ';' || single === '.') {
      tokens.push({ type: single, text: single, at });
    } else {
      tokens.push({ type: 'other', text: single, at });
    }
  }
  return tokens;
}

function isCommentStart(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  const d = text.charCodeAt(i + 1);
  return (c === 45 && d === 45) || (c === 47 && d === 42);
}

/**
 * Index after the closing quote of a string whose body starts at `from`, or -1 when unterminated.
 * Without `backslashEscapes` (standard SQL: MSSQL, Oracle, PostgreSQL) a backslash is a character.
 */
function closeAt(text: string, from: number, quote: number, backslashEscapes: boolean): number {
  let i = from;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 92 && quote !== 96 && backslashEscapes) {
      i += 2;
      continue;
    }
    if (c === quote) {
      if (text.charCodeAt(i + 1) === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return -1;
}
