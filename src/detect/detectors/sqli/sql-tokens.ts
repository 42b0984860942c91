// Reading SQL token streams: literals, calls, comparisons of literals and how a stream ends.
import type { SqlToken } from './sql-lexer.ts';
import { CHAR_FUNCTIONS, COMPARE, STATEMENT_FOLLOW } from './sql-words.ts';

/** A comment that cuts the query off: `--`/`#` followed by nothing, a space, `-` or `+` (not `#00ff00`), or `/*`. */
export function isTruncation(text: string, t: SqlToken | undefined): boolean {
  if (t?.type !== 'comment') return false;
  const marker = text.charCodeAt(t.at) === 35 ? 1 : 2;
  // A run of dashes before a word is a marker line (`-----BEGIN PGP PUBLIC KEY BLOCK-----`), not a comment.
  if (marker === 2 && text.startsWith('----', t.at)) {
    let end = t.at;
    while (text.charCodeAt(end) === 45) end++;
    const c = text.charCodeAt(end);
    if (c >= 97 && c <= 122) return false;
  }
  const after = text.charCodeAt(t.at + marker);
  return Number.isNaN(after) || after <= 32 || after === 45 || after === 43 || text.charCodeAt(t.at) === 47;
}

/** The check for a word after `;`; own keys only (`;__proto__` must not read Object.prototype). */
export function statementFollow(
  word: string,
): ((t: SqlToken | undefined, u: SqlToken | undefined) => boolean) | undefined {
  return Object.hasOwn(STATEMENT_FOLLOW, word) ? STATEMENT_FOLLOW[word] : undefined;
}

/** A call: a name followed directly by `(` (prose puts a space before a parenthesis). */
export function isCall(tokens: SqlToken[], i: number): boolean {
  const t = tokens[i]!;
  const next = tokens[i + 1];
  return next?.type === '(' && next.at === t.at + t.text.length;
}

/** A literal: a number, a string, a variable, `null`, `true` or `false`. */
export function isValue(t: SqlToken | undefined): boolean {
  return (
    t !== undefined &&
    (t.type === 'num' ||
      t.type === 'str' ||
      t.type === 'var' ||
      t.text === 'null' ||
      t.text === 'true' ||
      t.text === 'false')
  );
}

/** A literal, a name or an opening parenthesis. */
export function isOperand(t: SqlToken | undefined): boolean {
  return isValue(t) || t?.type === 'word' || t?.type === '(';
}

/** `char(113)+char(118)`, `chr(65)||chr(66)`: a string spelled by concatenated character codes. */
export function isCharChain(tokens: SqlToken[], i: number): boolean {
  return (
    tokens[i + 1]?.type === '(' &&
    tokens[i + 2]?.type === 'num' &&
    tokens[i + 3]?.type === ')' &&
    (tokens[i + 4]?.text === '+' || tokens[i + 4]?.text === '||') &&
    CHAR_FUNCTIONS.has(tokens[i + 5]?.text ?? '')
  );
}

/** The index after the `)` closing the call whose name is at `i` (at most 64 tokens on), or -1. */
export function callEnd(tokens: SqlToken[], i: number): number {
  let depth = 0;
  for (let j = i + 1; j < tokens.length && j <= i + 64; j++) {
    const type = tokens[j]!.type;
    if (type === '(') depth++;
    else if (type === ')' && --depth === 0) return j + 1;
  }
  return -1;
}

/** Drops comment tokens: between tokens a comment acts as whitespace. */
export function significant(tokens: SqlToken[]): SqlToken[] {
  return tokens.filter((t) => t.type !== 'comment');
}

/** Whether a comparison of literals (`1=1`, `'a'='a'`, `x=x`, `5274=5274`) starts at token `k`. */
export function literalComparison(tokens: SqlToken[], k: number): boolean {
  const a = tokens[k];
  const cmp = tokens[k + 1];
  const b = tokens[k + 2];
  if (a === undefined || cmp === undefined || b === undefined || !COMPARE.has(cmp.text)) return false;
  return (isValue(a) && isValue(b)) || (a.type === 'word' && b.type === 'word' && a.text === b.text);
}

/** Whether the token stream ends in a comment or a `;` (the rest of the query cut off). */
export function truncated(all: SqlToken[]): boolean {
  const last = all[all.length - 1];
  return last !== undefined && (last.type === 'comment' || last.type === ';');
}
