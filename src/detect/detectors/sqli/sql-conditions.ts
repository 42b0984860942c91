// Conditions appended to a query: after OR/AND (tautologies, subqueries, functions where a
// condition goes), opening the value, and SELECT projections.
import { hit } from '../../rules.ts';
import type { Hit } from '../../types.ts';
import { SQLI_RULES } from './rules.ts';
import type { SqlToken } from './sql-lexer.ts';
import {
  callEnd,
  isCall,
  isOperand,
  isTruncation,
  isValue,
  literalComparison,
  truncated,
} from './sql-tokens.ts';
import {
  ATTACK_FUNCTIONS,
  BUILTINS,
  CLAUSES,
  COMPARE,
  SQL_OPERATORS,
  STRONG_FUNCTIONS,
} from './sql-words.ts';

/**
 * A value that opens with `OR`/`AND` and a condition: `OR 1=1`, ` AND 1=0-- `, `or true--`,
 * `AND 5650=CONVERT(INT,…)`: appended to the query it was concatenated into.
 */
export function leadingBooleanChecks(text: string, all: SqlToken[], tokens: SqlToken[], hits: Hit[]): void {
  let k = 1;
  if (tokens[k]?.text === 'not') k++;
  const a = tokens[k];
  if (a === undefined) return;
  const cmp = tokens[k + 1];
  const b = tokens[k + 2];
  const condition =
    literalComparison(tokens, k) ||
    (isValue(a) &&
      cmp !== undefined &&
      COMPARE.has(cmp.text) &&
      b?.type === 'word' &&
      tokens[k + 3]?.type === '(') ||
    // `or isnull(1/0) /*`: a function call as the whole condition, then the query cut off.
    (a.type === 'word' && isCall(tokens, k) && callEnd(tokens, k) === tokens.length && truncated(all)) ||
    // `or x=y-- `: a condition on names, then a comment that cuts off the rest of the query.
    (a.type === 'word' &&
      cmp !== undefined &&
      COMPARE.has(cmp.text) &&
      (b?.type === 'word' || isValue(b)) &&
      tokens[k + 3] === undefined &&
      isTruncation(text, all[all.length - 1]));
  if (condition) hits.push(hit(SQLI_RULES['sqli.tautology'], tokens[0]!.at));
  else if (isValue(a) && (cmp === undefined || cmp.type === ';'))
    hits.push(hit(SQLI_RULES[truncated(all) ? 'sqli.tautology' : 'sqli.tautology.weak'], tokens[0]!.at));
  // `or x=y`: a condition on names appended to the query; prose rarely opens with one.
  else if (
    a.type === 'word' &&
    cmp !== undefined &&
    COMPARE.has(cmp.text) &&
    cmp.type === 'op' &&
    (b?.type === 'word' || isValue(b)) &&
    tokens[k + 3] === undefined
  )
    hits.push(hit(SQLI_RULES['sqli.tautology.weak'], tokens[0]!.at));
}

/** `x OR 1=1`, `' and 'a'='a`, `1) and 8407=(select …)`, `or true--`. */
export function booleanChecks(
  tokens: SqlToken[],
  i: number,
  breakout: boolean,
  hits: Hit[],
  cut = false,
): void {
  const t = tokens[i]!;
  const prev: SqlToken = tokens[i - 1] ?? { type: ')', text: ')', at: 0 };
  // Prose has "you or I"; an injected condition follows a value, a closing paren or a breakout.
  const anchored =
    breakout || isValue(prev) || prev.type === ')' || prev.type === ';' || (prev.type === 'word' && i === 1);
  if (!anchored) return;
  let j = i + 1;
  if (tokens[j]?.text === 'not') j++;
  const a = tokens[j];
  if (a === undefined) return;
  let k = j + 1;
  if (a.type === '(') {
    // `(('x'))=(('x`: literals in as many parentheses as the query opened, compared.
    let depth = 1;
    while (depth < 4 && tokens[k]?.type === '(') {
      depth++;
      k++;
    }
    const x = tokens[k];
    const op = tokens[k + 1];
    let m = k + 1;
    let closed = 0;
    while (closed < depth && tokens[m]?.type === ')') {
      closed++;
      m++;
    }
    let r = m + 1;
    while (r - m - 1 < depth && tokens[r]?.type === '(') r++;
    const parenthesized =
      isValue(x) && closed > 0 && COMPARE.has(tokens[m]?.text ?? '') && r > m + 1 && isValue(tokens[r]);
    // `(1=1`, `(a=a`: a condition on literals, or a name compared with itself, inside the parenthesis.
    const self =
      x?.type === 'word' && op !== undefined && COMPARE.has(op.text) && tokens[k + 2]?.text === x.text;
    if (
      x?.text === 'select' ||
      parenthesized ||
      self ||
      (isValue(x) && op !== undefined && COMPARE.has(op.text) && isValue(tokens[k + 2]))
    ) {
      hits.push(hit(SQLI_RULES[x?.text === 'select' ? 'sqli.subquery' : 'sqli.tautology'], t.at));
    }
    return;
  }
  if (a.type === 'word' && tokens[k]?.type === '(') {
    // `or char(68)||char(69)=…`, `and make_set(9354=9354,7185)`: a function where a condition goes;
    // `and user_name() = 'dbo'`: a server function's answer compared (a boolean oracle on it);
    // `" or isnull(1/0) /*`: after a breakout, a call as the whole condition and the query cut off.
    const compared =
      BUILTINS.has(a.text) && tokens[k + 1]?.type === ')' && COMPARE.has(tokens[k + 2]?.text ?? '');
    const end = callEnd(tokens, j);
    const whole = breakout && cut && end === tokens.length;
    // `' and json_extract(…)=1--`, `' and char_length(database())>3#`: after a breakout, any call's
    // answer compared with a literal, the query then cut off; `or match(x) against('a*')`: MySQL's
    // full-text match where a condition goes.
    const afterValue = prev.type === ')' || isValue(prev);
    const oracle =
      breakout &&
      cut &&
      afterValue &&
      end > 0 &&
      COMPARE.has(tokens[end]?.text ?? '') &&
      isValue(tokens[end + 1]);
    const fullText =
      afterValue && a.text === 'match' && tokens[end]?.text === 'against' && isCall(tokens, end);
    if (
      ATTACK_FUNCTIONS.has(a.text) ||
      STRONG_FUNCTIONS.has(a.text) ||
      compared ||
      whole ||
      oracle ||
      fullText
    )
      hits.push(hit(SQLI_RULES['sqli.function'], t.at));
    return;
  }
  // `' or '' '`, `' or ''&'`, `" or ""^"`: a string joined by an operator or by adjacency to the one
  // the query reopens; the quotes balance on both sides, as an injected condition's do.
  if (breakout && a.type === 'str' && a.open !== true) {
    const joined = tokens[k]?.type === 'op' && SQL_OPERATORS.has(tokens[k]!.text) ? k + 1 : k;
    const last = tokens[joined];
    if (last?.type === 'str' && last.open === true && joined === tokens.length - 1) {
      hits.push(hit(SQLI_RULES['sqli.tautology'], t.at));
      return;
    }
  }
  // Qualified names (`u.id`) and arithmetic (`1+1`) before the comparison.
  while (
    (tokens[k]?.type === '.' || (tokens[k]?.type === 'op' && '+-*/%'.includes(tokens[k]!.text))) &&
    isOperand(tokens[k + 1])
  )
    k += 2;
  const cmp = tokens[k];
  if (
    cmp === undefined ||
    cmp.type === 'comment' ||
    cmp.type === ';' ||
    (cmp.type === 'word' && CLAUSES.has(cmp.text) && cmp.text !== 'like')
  ) {
    // `Do you mean 'apples' or 'Naples'`: two quoted words joined by or/and are prose's alternatives.
    const alternatives = !breakout && prev.type === 'str' && a.type === 'str';
    if (isValue(a) && !alternatives && (breakout || prev.type === ')' || isValue(prev)))
      hits.push(hit(SQLI_RULES[breakout ? 'sqli.tautology' : 'sqli.tautology.weak'], t.at));
    return;
  }
  if (!COMPARE.has(cmp.text) && !(cmp.type === 'op' && COMPARE.has(cmp.text))) return;
  let b = tokens[k + 1];
  if (b?.text === 'not' || b?.text === 'null') b = b.text === 'null' ? b : tokens[k + 2];
  if (b === undefined) return;
  if (b.type === '(' && tokens[k + 2]?.text === 'select') {
    hits.push(hit(SQLI_RULES['sqli.subquery'], t.at));
    return;
  }
  const literal = isValue(a) || isValue(b) || (a.type === 'word' && b.type === 'word' && a.text === b.text);
  if (!literal && !(b.type === 'word' && tokens[k + 2]?.type === '(')) return;
  if ((cmp.text === 'in' && b.type !== '(') || (cmp.text === 'is' && !isValue(b) && b.text !== 'not')) return;
  // `' or name like '%`, `x' and role = 'admin`: the value closes the query's string, adds a
  // condition and opens a string again for the query's own closing quote to end. Balancing the
  // quotes on both sides is what an injected condition does; prose with an apostrophe does not.
  const balanced = breakout && b.type === 'str' && b.open === true && tokens[k + 2] === undefined;
  const strong =
    (isValue(a) && (isValue(b) || b.type === '(' || (b.type === 'word' && cmp.type === 'op'))) ||
    (a.type === 'word' && a.text === b.text) ||
    balanced;
  // `5 < 6 and 7 > 3`: a value that opens with a complete comparison of literals is arithmetic
  // prose; an injection appends its condition to the value the query expected (`5 and 7 > 3`).
  const prose = !breakout && i === 3 && isValue(tokens[0]) && COMPARE.has(tokens[1]!.text) && isValue(prev);
  // `hi or 1=1 --`: a condition on literals after the value, then a comment cutting the query off.
  const decisive =
    (strong || (breakout && cut)) &&
    !prose &&
    (breakout ||
      isValue(prev) ||
      prev.type === ')' ||
      prev.type === ';' ||
      (cut && isValue(a) && isValue(b)));
  hits.push(hit(SQLI_RULES[decisive ? 'sqli.tautology' : 'sqli.tautology.weak'], t.at));
}

/** `select` followed by a SQL projection, and reading `from` something. */
export function selectChecks(tokens: SqlToken[], i: number, hits: Hit[]): void {
  const a = tokens[i + 1];
  if (a === undefined) return;
  const sqlish =
    a.type === 'num' ||
    a.type === 'var' ||
    a.text === '*' ||
    a.text === 'null' ||
    a.text === 'top' ||
    a.text === 'distinct' ||
    (a.type === 'word' && isCall(tokens, i + 1)) ||
    a.type === 'str';
  const prev = tokens[i - 1];
  const nested = prev?.type === '(' || prev?.type === ';';
  let from = false;
  for (let j = i + 2; j < Math.min(tokens.length, i + 12); j++) {
    // `select @v as v into temp`, `select 1 into outfile`: a source or a target.
    if (tokens[j]!.text === 'from' || (tokens[j]!.text === 'into' && tokens[j + 1]?.type === 'word')) {
      from = true;
      break;
    }
  }
  let where = false;
  for (let j = i + 2; j < Math.min(tokens.length, i + 6); j++) if (tokens[j]!.text === 'where') where = true;
  const leading = i === 0 && (a.type === 'var' || (a.type === 'word' && isCall(tokens, i + 1)));
  if ((sqlish && (from || nested || leading)) || (nested && where))
    hits.push(hit(SQLI_RULES['sqli.select'], tokens[i]!.at));
  else if (sqlish || (from && nested)) hits.push(hit(SQLI_RULES['sqli.select.fragment'], tokens[i]!.at));
}
