// SQL injection: the value is tokenized as SQL three times (as code, and as if it sat inside a
// '…' or "…" literal) and each token stream is checked for structures that only make sense as
// injected SQL: tautologies, UNION and stacked queries, comment truncation after a breakout, time
// and error-based functions, subqueries in comparisons and catalog access.
import { hit } from '../../rules.ts';
import type { Detector, Hit } from '../../types.ts';
import { SQLI_RULES } from './rules.ts';
import { breakoutChecks } from './sql-breakout.ts';
import { booleanChecks, leadingBooleanChecks, selectChecks } from './sql-conditions.ts';
import { hexTexts } from './sql-hex.ts';
import { type SqlToken, tokenizeSql } from './sql-lexer.ts';
import {
  isCall,
  isCharChain,
  isTruncation,
  isValue,
  literalComparison,
  significant,
  statementFollow,
  truncated,
} from './sql-tokens.ts';
import {
  ATTACK_FUNCTIONS,
  BOOLEAN,
  BUILTINS,
  CATALOG,
  CHAR_FUNCTIONS,
  COMPARE,
  OBJECTS,
  ORACLE_PACKAGES,
  PROCEDURES,
  STRONG_FUNCTIONS,
} from './sql-words.ts';

const CONTEXTS = ['', "'", '"'] as const;
/** Functions standard SQL calls without parentheses. */
const NILADIC = new Set(['current_user', 'session_user', 'system_user']);
const SQL_PUNCTUATION = /['"`;=<>()|&#@]|--|\/\*/;
export const SQL_KEYWORDS =
  /\b(?:or|and|xor|div|union|select|order|group|having|waitfor|shutdown|declare|exec|execute|information_schema|sysobjects|pg_catalog|xp_\w+|sp_\w+)\b/;
/**
 * Other catalog tables and standard SQL's session functions, read in short values only (named
 * alone they count from paranoia 2; a longer text needs other SQL for them to matter, and the JSON
 * screen leaves them out: a longer list of words would slow it).
 */
export const LONE_NAMES =
  /\b(?:syscolumns|sysusers|sysdatabases|msysobjects|pg_shadow|pg_user|pg_database|sqlite_master|all_tables|user_tables|all_users|dba_users|current_user|session_user|system_user)\b/;
export const LONE_NAME_LENGTH = 40;
/** Plain text where a finding can start: `--`, a keyword. */
const PLAIN_SCREEN = new RegExp(`--|${SQL_KEYWORDS.source}`);

/**
 * Text with SQL in it but no keyword or SQL punctuation: a hex literal (`0x6164…`, eight digits or
 * more) or arithmetic with a boolean literal (`1-false`).
 */
export const PLAIN_SIGN = /0x[0-9a-f]{8}|\d\s*[-+*/]\s*(?:true|false)\b/;
/**
 * The JSON screen looks for those signs in texts up to this size only: over a large text of digits
 * and booleans the search costs as much as the screen itself (a 64 KiB body: 13 µs more per request).
 */
const SIGN_SCREEN_LENGTH = 4096;
/** In plain JSON only `-` can be the operator, and a hex literal's `0x` starts a string or follows a space. */
const PLAIN_JSON_SIGN = /0x[0-9a-f]{8}|\d\s?-\s?(?:true|false)\b/;
function analyze(text: string, all: SqlToken[], breakout: boolean, hits: Hit[]): void {
  const tokens = significant(all);
  const n = tokens.length;
  if (breakout && all.length > 0) breakoutChecks(text, all, hits);
  for (let i = 0; i < n; i++) {
    const t = tokens[i]!;
    const next = tokens[i + 1];
    if (t.type === 'word') {
      if (t.text === 'declare' && next?.type === 'var') hits.push(hit(SQLI_RULES['sqli.declare'], t.at));
      if (
        (t.text === 'exec' || t.text === 'execute') &&
        (next?.type === '(' ||
          next?.type === 'var' ||
          (next?.type === 'word' &&
            ((tokens[i + 2]?.type === '.' &&
              (tokens[i + 3]?.type === 'word' || tokens[i + 3]?.type === '.')) ||
              /^[sx]p_/.test(next.text))))
      )
        hits.push(hit(SQLI_RULES['sqli.exec'], t.at));
      // `utl_http.request(…)`, `dbms_pipe.receive_message`: Oracle packages for out-of-band and delays.
      if (ORACLE_PACKAGES.has(t.text) && next?.type === '.' && tokens[i + 2]?.type === 'word')
        hits.push(hit(SQLI_RULES['sqli.function'], t.at));
      // `backup database master to disk='\\host\share\x.bak'`: a database copied to a path of the attacker's.
      if (
        t.text === 'backup' &&
        (next?.text === 'database' || next?.text === 'log') &&
        tokens[i + 2]?.type === 'word' &&
        tokens[i + 3]?.text === 'to' &&
        tokens[i + 4]?.type === 'word' &&
        tokens[i + 5]?.text === '='
      )
        hits.push(hit(SQLI_RULES['sqli.stacked'], t.at));
      // A conditional on a comparison of literals is a boolean oracle: `if(7423=7423,…)`,
      // `IF(1=2) SELECT …`, `iif(…)` (CASE WHEN is read below).
      if ((t.text === 'if' || t.text === 'iif') && next?.type === '(' && literalComparison(tokens, i + 2))
        hits.push(hit(SQLI_RULES['sqli.tautology'], t.at));
      if (CHAR_FUNCTIONS.has(t.text) && isCharChain(tokens, i))
        hits.push(hit(SQLI_RULES['sqli.char-chain'], t.at));
      // A value that is one function call (`version()`, `char(65)`), or names a catalog table alone.
      if (i === 0 && n <= 8 && isCall(tokens, 0) && (ATTACK_FUNCTIONS.has(t.text) || BUILTINS.has(t.text)))
        hits.push(hit(SQLI_RULES['sqli.function.lone'], t.at));
      // `current_user`: standard SQL's session functions are called without parentheses.
      if (n === 1 && NILADIC.has(t.text)) hits.push(hit(SQLI_RULES['sqli.function.lone'], t.at));
      // Catalog names no other text uses (`master`, `sys` and `mysql` are branch names and words).
      if (CATALOG.has(t.text) && (t.text.includes('_') || t.text.startsWith('sys')) && t.text !== 'sys')
        hits.push(hit(SQLI_RULES['sqli.catalog.name'], t.at));
      if (t.text === 'union') {
        let j = i + 1;
        while (tokens[j]?.text === 'all' || tokens[j]?.text === 'distinct' || tokens[j]?.type === '(') j++;
        if (tokens[j]?.text === 'select') hits.push(hit(SQLI_RULES['sqli.union'], t.at));
        continue;
      }
      if (next?.type === '(' && ATTACK_FUNCTIONS.has(t.text)) {
        const prev = tokens[i - 1];
        const arg = tokens[i + 2];
        const strong =
          STRONG_FUNCTIONS.has(t.text) &&
          (arg?.type === 'num' ||
            arg?.type === 'str' ||
            arg?.type === 'var' ||
            (arg?.type === 'word' && tokens[i + 3]?.type === '('));
        const inExpr =
          prev !== undefined &&
          (prev.type === 'op' ||
            prev.type === '(' ||
            prev.type === ',' ||
            BOOLEAN.has(prev.text) ||
            COMPARE.has(prev.text) ||
            prev.text === 'select' ||
            prev.text === 'by');
        // Prose writes "a benchmark (5 seconds)": a call is adjacent, or sits in an expression; a call
        // whose query is then cut off by a comment (`sleep(__time__)#`) is one too.
        if (
          (strong && (isCall(tokens, i) || inExpr || breakout)) ||
          (STRONG_FUNCTIONS.has(t.text) && isCall(tokens, i) && isTruncation(text, all[all.length - 1]))
        )
          hits.push(hit(SQLI_RULES['sqli.function'], t.at));
        else if (STRONG_FUNCTIONS.has(t.text))
          hits.push(hit(SQLI_RULES[inExpr || breakout ? 'sqli.function' : 'sqli.function.prose'], t.at));
        else if (inExpr && (breakout || i <= 3) && isCall(tokens, i))
          hits.push(hit(SQLI_RULES['sqli.function.call'], t.at));
        continue;
      }
      // `create function sys_exec returns string soname 'lib_mysqludf_sys.so'`: a MySQL function
      // loaded from a shared library (a UDF that runs commands).
      if (t.text === 'soname' && tokens[i - 2]?.text === 'returns' && next?.type === 'str')
        hits.push(hit(SQLI_RULES['sqli.stacked'], t.at));
      // `1 procedure analyse()`: MySQL's column statistics, an error-based and fingerprinting probe.
      if (t.text === 'procedure' && next?.text === 'analyse' && isCall(tokens, i + 1))
        hits.push(hit(SQLI_RULES['sqli.function'], t.at));
      if (PROCEDURES.has(t.text)) {
        hits.push(hit(SQLI_RULES['sqli.procedure'], t.at));
        continue;
      }
      if (
        t.text === 'waitfor' &&
        (next?.text === 'delay' || next?.text === 'time') &&
        tokens[i + 2]?.type === 'str'
      ) {
        hits.push(hit(SQLI_RULES['sqli.time'], t.at));
        continue;
      }
      if (CATALOG.has(t.text) && (next?.type === '.' || tokens[i - 1]?.text === 'from')) {
        const qualified =
          next?.type === '.' && (tokens[i + 2]?.type === 'word' || tokens[i + 2]?.type === '.');
        if (qualified || tokens[i - 1]?.text === 'from')
          hits.push(
            hit(
              SQLI_RULES[
                t.text === 'master' || t.text === 'mysql' || t.text === 'sys'
                  ? 'sqli.catalog.system'
                  : 'sqli.catalog'
              ],
              t.at,
            ),
          );
      }
      if (t.text === 'select') selectChecks(tokens, i, hits);
      if (BOOLEAN.has(t.text) && (i > 0 || breakout))
        booleanChecks(tokens, i, breakout, hits, truncated(all));
      else if (BOOLEAN.has(t.text) && i === 0) leadingBooleanChecks(text, all, tokens, hits);
      // ` like '%'`: a value that is a pattern match appended to the query's condition.
      if (i === 0 && t.text === 'like' && next?.type === 'str' && n === 2)
        hits.push(hit(SQLI_RULES['sqli.tautology.weak'], t.at));
      if ((t.text === 'where' || t.text === 'having') && literalComparison(tokens, i + 1))
        hits.push(hit(SQLI_RULES['sqli.tautology'], t.at));
      // `case when (7689=7689) then 1 else 0x28 end`: a conditional on a comparison of literals is a
      // boolean oracle (its branch shows in the answer or an error); prose has no such condition.
      if (t.text === 'case' && next?.text === 'when') {
        const open = tokens[i + 2]?.type === '(' ? 1 : 0;
        if (literalComparison(tokens, i + 2 + open)) hits.push(hit(SQLI_RULES['sqli.tautology'], t.at));
      }
      // A value that is one whole statement, ended by `;` or a comment: `select current_user;`,
      // `create table t (c text);`, `copy t from '/etc/passwd';`. Prose rarely ends a clause that
      // starts with a statement word in a semicolon, and the word must be followed as SQL follows it.
      if (i === 0 && truncated(all) && !breakout && wholeStatement(tokens))
        hits.push(hit(SQLI_RULES['sqli.stacked'], t.at));
      if (
        (i === 0 || tokens[i - 1]?.type === ')') &&
        (t.text === 'order' || t.text === 'group') &&
        next?.text === 'by' &&
        tokens[i + 2]?.type === 'num'
      ) {
        // With a comment after it, or as the whole value (`order by 3`, `order by 1,2`), the clause is
        // a column-count probe; followed by more words it may be prose.
        let end = i + 3;
        while (tokens[end]?.type === ',' && tokens[end + 1]?.type === 'num') end += 2;
        const whole = i === 0 && end >= tokens.length;
        hits.push(
          hit(
            SQLI_RULES[all.some((x) => x.type === 'comment') || whole ? 'sqli.clause' : 'sqli.clause.order'],
            t.at,
          ),
        );
      }
      // `1 limit 1,1--`: a row limit appended after the value, the rest of the query cut off.
      if (
        t.text === 'limit' &&
        i === 1 &&
        isValue(tokens[0]) &&
        next?.type === 'num' &&
        (tokens.length === i + 2 || (tokens[i + 2]?.type === ',' && tokens.length === i + 4)) &&
        isTruncation(text, all[all.length - 1])
      )
        hits.push(hit(SQLI_RULES['sqli.clause'], t.at));
    } else if (t.type === 'op' && BOOLEAN.has(t.text) && (i > 0 || breakout)) {
      booleanChecks(tokens, i, breakout, hits);
    } else if (t.type === ';' && next?.type === 'word') {
      const follow = statementFollow(next.text);
      const call = ATTACK_FUNCTIONS.has(next.text) && tokens[i + 2]?.type === '(';
      if (call || follow?.(tokens[i + 2], tokens[i + 3])) hits.push(hit(SQLI_RULES['sqli.stacked'], t.at));
    } else if (t.type === 'var' && /^@@[a-z_]/.test(t.text)) {
      // `@@version`; a diff hunk header (`@@ -1 +1 @@`) names no variable.
      hits.push(hit(SQLI_RULES['sqli.system-variable'], t.at));
    }
  }
}

/**
 * Statements whose shape words never take: `select` of a server function or variable
 * (`select current_user`), `create <object> <name> (`, `drop <object> <name>`, `copy <name>
 * from|to '<file>'`, `backup database <name> to`.
 */
function wholeStatement(tokens: SqlToken[]): boolean {
  const [a, b, c, d] = tokens;
  switch (a?.text) {
    case 'select':
      return (
        b !== undefined &&
        (BUILTINS.has(b.text) || b.type === 'var') &&
        (c === undefined || c.type !== 'word')
      );
    case 'create':
      return b !== undefined && OBJECTS.has(b.text) && c?.type === 'word' && d?.type === '(';
    case 'drop':
      return (
        b !== undefined && OBJECTS.has(b.text) && c?.type === 'word' && (d === undefined || d.type === ';')
      );
    case 'copy':
      return b?.type === 'word' && (c?.text === 'from' || c?.text === 'to') && d?.type === 'str';
    case 'backup':
      return (b?.text === 'database' || b?.text === 'log') && c?.type === 'word' && d?.text === 'to';
    default:
      return false;
  }
}
// A number (or nothing), then a run of quotes, then at most a comment mark or `;`: `1'`, `''`,
// `7"--`. A quote between digits is a thousands separator (`1'000`), `#fff` a colour.
const SQL_PROBE = /^\s{0,4}\d{0,8}\s{0,4}['"`][\s'"`]{0,8}(?:--|#|\/\*|;)?\s{0,4}$/;
// `1-false`, `2*true`: arithmetic with a boolean literal, a numeric-context probe (`1-false` is 1).
const BOOLEAN_ARITHMETIC = /^\s{0,4}-?\d{1,8}\s{0,4}[-+*/]\s{0,4}(?:true|false)\s{0,4}$/;
// `1/*'*/`, `1/*!1111'*/`, `//*`, `')/*`: a number, quote, parenthesis or slash, then only a comment
// (closed, holding at most a quote and digits, or left open to cut the rest): a probe of how the
// query takes a comment. `*/*` (a media range) and a lone `/*` (a glob) are not.
const COMMENT_PROBE = /^\s{0,4}[\d'"`);/]{1,8}\s{0,4}\/\*(?:!?\d{0,6}['"`]?\*\/)?\s{0,4}$/;
const SMART_QUOTE = /[\u2018\u2019\u201b\u2032\u00b4\u2013\u2014]/;
const DASHES = /[\u2013\u2014]/g;
const SMART_QUOTES = /[\u2018\u2019\u201b\u2032\u00b4]/g;
/** A letter, a block comment, a letter: a word a comment was put into. */
const SPLIT_WORD = /[a-z]\/\*[^*]{0,40}\*\/[a-z]/;

/** The text with every comment that sits between two letters removed (linear: one pass). */
function joinSplitWords(text: string): string {
  let out = '';
  let i = 0;
  for (let open = text.indexOf('/*'); open >= 0; open = text.indexOf('/*', i)) {
    const close = text.indexOf('*/', open + 2);
    if (close < 0) break;
    const letter = (c: number) => c >= 97 && c <= 122;
    const inside = letter(text.charCodeAt(open - 1)) && letter(text.charCodeAt(close + 2));
    out += text.slice(i, open) + (inside ? '' : text.slice(open, close + 2));
    i = close + 2;
  }
  return out + text.slice(i);
}

/** Comments read for procedure names; the rest are whitespace. */
const MAX_COMMENTS_READ = 16;
const COMMENT_READ = 200;

/**
 * `--sp_password`: MSSQL leaves a statement that names `sp_password` out of its trace log, so a
 * payload ends with that comment to hide itself. A procedure named in a comment is read too.
 */
function commentChecks(text: string, tokens: SqlToken[], hits: Hit[]): void {
  if (!text.includes('p_')) return;
  let read = 0;
  for (const t of tokens) {
    if (t.type !== 'comment') continue;
    if (++read > MAX_COMMENTS_READ) return;
    for (const word of text.slice(t.at, t.at + COMMENT_READ).match(PROCEDURE_WORD) ?? [])
      if (PROCEDURES.has(word)) {
        hits.push(hit(SQLI_RULES['sqli.procedure'], t.at));
        return;
      }
  }
}
const PROCEDURE_WORD = /[sx]p_[a-z_]{2,30}/g;

/** How many ASCII letters `text` holds, counting up to `enough`. */
function letterCount(text: string, enough: number): number {
  let count = 0;
  for (let i = 0; i < text.length && count < enough; i++) {
    const c = text.charCodeAt(i);
    if (c >= 97 && c <= 122) count++;
  }
  return count;
}

/**
 * `0x77616974666f722064656c6179…` (`waitfor delay…`): a hex literal that spells SQL decides; one
 * that spells other text (`where name=0x61646d696e`, a string without quotes) counts from paranoia 2.
 */
function hexChecks(text: string, hits: Hit[]): void {
  for (const { at, text: spelled } of hexTexts(text)) {
    const lower = spelled.toLowerCase();
    const inner: Hit[] = [];
    for (const quote of CONTEXTS) {
      if (quote !== '' && !lower.includes(quote)) continue;
      analyze(lower, tokenizeSql(lower, quote), quote !== '', inner);
    }
    if (inner.some((h) => h.score >= 3 && h.paranoia === 1))
      hits.push(hit(SQLI_RULES['sqli.hex-string'], at));
    else if (letterCount(lower, 3) >= 3) hits.push(hit(SQLI_RULES['sqli.hex-text'], at));
  }
}

/** The SQL injection detector. */
export const sqliDetector: Detector = {
  category: 'sqli',
  rules: Object.values(SQLI_RULES),
  plainText: true,
  // In plain text (no quotes, operators or parentheses) only `--`, keywords and, in shorter texts, a
  // hex literal or boolean arithmetic can start a finding.
  plainScreen: (lower) =>
    PLAIN_SCREEN.test(lower) || (lower.length <= SIGN_SCREEN_LENGTH && PLAIN_JSON_SIGN.test(lower)),
  detect(views, kind) {
    const hits: Hit[] = [];
    const lower = views.lower;
    // Typographic quotes stand for `'` where an application folds them (or a collation matches
    // them) before the text reaches SQL: `’ or ‘1’=’1`. Prose keeps them as they are.
    // Typographic dashes (`–`, `—`) are punctuation, not letters of the word before them.
    const text = SMART_QUOTE.test(lower) ? lower.replace(SMART_QUOTES, "'").replace(DASHES, '-') : lower;
    // Without SQL punctuation only keyword structures can fire; skip text that has none of them.
    if (
      !SQL_PUNCTUATION.test(text) &&
      !SQL_KEYWORDS.test(text) &&
      !PLAIN_SIGN.test(text) &&
      !(text.length <= LONE_NAME_LENGTH && LONE_NAMES.test(text))
    )
      return hits;
    // `1'`, `''`, `"`, `1' --`: a value that is only quotes after a number is the first probe for a
    // syntax error. From paranoia 2. (A path segment split out of Markdown keeps a code span's
    // backtick, `24\``: in a path a backtick is not read as a quote.)
    if (
      text.length <= 24 &&
      (((kind !== 'path' || !text.includes('`')) && SQL_PROBE.test(text)) ||
        BOOLEAN_ARITHMETIC.test(text) ||
        COMMENT_PROBE.test(text))
    )
      hits.push(hit(SQLI_RULES['sqli.probe'], 0));
    for (const quote of CONTEXTS) {
      if (quote !== '' && !text.includes(quote)) continue;
      const tokens = tokenizeSql(text, quote);
      analyze(text, tokens, quote !== '', hits);
      if (quote === '') commentChecks(text, tokens, hits);
    }
    // `1'+or+'1'='1`: a value with no space whose words are joined by `+` (a URL's space, sent
    // where no layer decodes it) is read with spaces too.
    if (text.includes('+') && !/\s/.test(text) && SQL_KEYWORDS.test(text)) {
      const spaced = text.replaceAll('+', ' ');
      for (const quote of CONTEXTS)
        if (quote === '' || spaced.includes(quote))
          analyze(spaced, tokenizeSql(spaced, quote), quote !== '', hits);
    }
    // `\'; desc users; --`: where a backslash is a character (standard SQL), `\'` closes the string.
    if (text.includes("\\'")) analyze(text, tokenizeSql(text, "'", false), true, hits);
    if (text.includes('\\"')) analyze(text, tokenizeSql(text, '"', false), true, hits);
    if (text.includes('0x')) hexChecks(text, hits);
    // `uni/**/on sel/**/ect`: a comment inside a word is nothing to SQL, but a filter that deletes
    // comments joins the word again. The text is read once more with such comments removed.
    if (text.includes('/*') && SPLIT_WORD.test(text)) {
      const joined = joinSplitWords(text);
      const before = hits.length;
      for (const quote of CONTEXTS) {
        if (quote !== '' && !joined.includes(quote)) continue;
        analyze(joined, tokenizeSql(joined, quote), quote !== '', hits);
      }
      // Offsets refer to the joined text: point them at the start of the value.
      for (let k = before; k < hits.length; k++) hits[k] = { ...hits[k]!, at: 0 };
    }
    // A member name is a name: `current_user`, `all_users` name fields of APIs, not a probe.
    return kind === 'key' ? hits.filter((h) => !NAME_RULES.has(h.rule)) : hits;
  },
};
const NAME_RULES: ReadonlySet<string> = new Set([
  SQLI_RULES['sqli.function.lone'].id,
  SQLI_RULES['sqli.catalog.name'].id,
]);
