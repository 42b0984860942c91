// What follows a quote breakout: comment truncation, clauses, statements, comparisons of the
// closed string.
import { hit } from '../../rules.ts';
import type { Hit } from '../../types.ts';
import { SQLI_RULES } from './rules.ts';
import type { SqlToken } from './sql-lexer.ts';
import { callEnd, isTruncation, isValue, statementFollow, truncated } from './sql-tokens.ts';
import {
  BOOLEAN,
  BREAKOUT_STATEMENTS,
  CLAUSES,
  COMPARE,
  MAX_BREAKOUT_OFFSET,
  SQL_OPERATORS,
} from './sql-words.ts';

/** String concatenation: MSSQL's `+`, standard SQL's `||`. */
const CONCAT = new Set(['+', '||']);

/** After a quote breakout: comment truncation, clause continuation, `'='` style comparisons. */
export function breakoutChecks(text: string, all: SqlToken[], hits: Hit[]): void {
  let j = 0;
  while (all[j]?.type === ')') j++;
  const first = all[j];
  const at = all[0]!.at;
  if (first === undefined) return;
  if (
    isTruncation(text, first) ||
    (first.type === ';' && (all[j + 1] === undefined || all[j + 1]!.type === 'comment'))
  ) {
    hits.push(hit(SQLI_RULES['sqli.comment-truncation'], at));
    return;
  }
  const second = all[j + 1];
  // Payloads open with their quote; a quote deep inside a document is not where a breakout starts.
  const early = first.at <= MAX_BREAKOUT_OFFSET;
  // `'=0--+`, `'>1#`: the closed string compared with a literal, the rest cut off.
  if (
    early &&
    first.type === 'op' &&
    COMPARE.has(first.text) &&
    isValue(second) &&
    (all.length === j + 2 || truncated(all))
  ) {
    hits.push(hit(SQLI_RULES['sqli.tautology'], at));
    return;
  }
  // `'; drop table x`, `' create user x identified by 'y' --`: a statement right after the quote.
  if (
    early &&
    first.type === 'word' &&
    BREAKOUT_STATEMENTS.has(first.text) &&
    statementFollow(first.text)?.(second, all[j + 2])
  ) {
    hits.push(hit(SQLI_RULES['sqli.breakout'], at));
    return;
  }
  // `'+convert(int,@@version)+'`: a call concatenated between the closed string and the reopened
  // one, its answer shown where the value was (or in the error it raises).
  if (early && CONCAT.has(first.text) && second?.type === 'word' && all[j + 2]?.type === '(') {
    const close = callEnd(all, j + 1);
    const last = all[close + 1];
    if (close > 0 && CONCAT.has(all[close]?.text ?? '') && last?.type === 'str' && last.open === true) {
      hits.push(hit(SQLI_RULES['sqli.function'], at));
      return;
    }
  }
  // `'+sqlvuln`, `'||utl_http…`: the closed string concatenated with a name.
  if (early && CONCAT.has(first.text) && second?.type === 'word') {
    hits.push(hit(SQLI_RULES['sqli.breakout.condition'], at));
    return;
  }
  // `'like'`, `x' like '%`: the closed string matched against a pattern.
  if (early && first.text === 'like' && second?.type === 'str') {
    hits.push(hit(SQLI_RULES['sqli.breakout.condition'], at));
    return;
  }
  if (first.type === 'op' && SQL_OPERATORS.has(first.text) && second?.type === 'str') {
    const last = all.length === j + 2;
    hits.push(
      hit(SQLI_RULES[COMPARE.has(first.text) || last ? 'sqli.tautology' : 'sqli.tautology.weak'], at),
    );
    return;
  }
  if (first.type === 'word' && CLAUSES.has(first.text)) {
    const byClause = (first.text === 'order' || first.text === 'group') && second?.text === 'by';
    if (
      byClause ||
      first.text === 'union' ||
      first.text === 'having' ||
      first.text === 'where' ||
      first.text === 'limit' ||
      first.text === 'procedure' ||
      first.text === 'waitfor' ||
      first.text === 'rlike' ||
      first.text === 'regexp'
    ) {
      hits.push(hit(SQLI_RULES['sqli.breakout'], at));
    } else if (first.text === 'into' && (second?.text === 'outfile' || second?.text === 'dumpfile')) {
      hits.push(hit(SQLI_RULES['sqli.breakout'], at));
    } else if (BOOLEAN.has(first.text) || first.text === 'not') {
      // `' or (exists)`, `' and 1`: with a number or a parenthesis after it the condition is under
      // way (a word there is prose's `ha' not you`).
      const condition = second?.type === '(' || second?.type === 'num' || second?.type === 'var';
      hits.push(hit(SQLI_RULES[condition ? 'sqli.breakout.condition' : 'sqli.breakout.boolean'], at));
    }
  } else if (first.type === ';' && second?.type === 'word' && statementFollow(second.text) !== undefined) {
    hits.push(hit(SQLI_RULES['sqli.stacked'], at));
  }
}
