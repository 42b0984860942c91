// NoSQL (MongoDB-style) operator injection: operator member names (`$ne`, `$where`, `$regex`) as JSON
// keys, as bracket query names (`password[$ne]=`), or inside values that carry JSON or query syntax,
// and JavaScript in `$where`-style values.
import { hit } from '../../rules.ts';
import type { Detector, Hit } from '../../types.ts';
import { NOSQLI_RULES } from './rules.ts';

const OPERATORS = new Set([
  'ne',
  'eq',
  'gt',
  'gte',
  'lt',
  'lte',
  'in',
  'nin',
  'regex',
  'where',
  'exists',
  'or',
  'and',
  'nor',
  'not',
  'expr',
  'elemmatch',
  'function',
  'accumulator',
  'type',
  'size',
  'all',
  'text',
  'search',
  'lookup',
  'jsonschema',
  'mod',
  'options',
  'comment',
  'slice',
  'set',
  'unset',
  'push',
  'rename',
  'inc',
  'merge',
  'out',
  'group',
  'match',
]);
const SCRIPT_OPERATORS = new Set(['where', 'function', 'accumulator', 'expr']);
/**
 * Members an API takes a query language in: Strapi's `filters[title][$eq]=…`, a JSON `{"filter":
 * {"$and": […]}}`, CouchDB's `selector`. Operators there are the API's own syntax, not a scalar
 * turned into an object; server-side JavaScript still counts.
 */
const FILTER_MEMBERS = new Set(['filters', 'filter', 'where', 'criteria', 'conditions', 'selector']);

/** The first member name of a key (`filters[title][$eq]` → `filters`; at `body.filter.$and` → `filter`). */
function rootMember(text: string, location: string): string {
  const dot = location.indexOf('.');
  const path = location.startsWith('query.') ? text : dot < 0 ? '' : location.slice(dot + 1);
  let end = 0;
  while (end < path.length && path[end] !== '.' && path[end] !== '[') end++;
  return path.slice(0, end).toLowerCase();
}

const JS_BREAKOUT =
  /['"]\s*(?:;\s*(?:return\b|while\s*\(|for\s*\(\s*;|sleep\s*\(|db\.|this\.|[a-z_]\w{0,20}\s*=\s*new\s+date)|\|\|\s*['"\d]|&&\s*this\.)|;\s*return\s+true\b|\bwhile\s*\(\s*(?:true|1)\s*\)\s*\{\s*\}|^\s*(?:\|\||&&)\s*(?:\d+|'[^']{0,20}'|"[^"]{0,20}")\s*===?\s*(?:\d+|'[^']{0,20}'|"[^"]{0,20}")|\bdo\s*\{[^}]{0,120}\}\s*while\s*\(/;
// Mongo shell calls: `db.users.find(`, `db.getCollectionNames()`, `db.dropDatabase()`.
const DB_CALL =
  /(?:^|[^a-z0-9_.])db\.(?:[a-z_][a-z0-9_]{0,40}\.(?:find|findone|insert|insertone|update|updateone|remove|deleteone|deletemany|drop|aggregate|count|mapreduce)|getcollectionnames|getcollection|dropdatabase|getsiblingdb|eval|runcommand|admincommand|getname|version|serverstatus)\s*\(/;

function isNameChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95;
}

/** Finds `$op` names in `text`; in values only where JSON or bracket syntax surrounds them. */
function operatorAt(text: string, anywhere: boolean): { at: number; op: string } | undefined {
  let i = text.indexOf('$');
  let guard = 0;
  while (i >= 0 && guard++ < 1000) {
    let j = i + 1;
    while (j < text.length && j - i < 20 && isNameChar(text.charCodeAt(j))) j++;
    const op = text.slice(i + 1, j);
    if (OPERATORS.has(op)) {
      const before = i > 0 ? text[i - 1]! : '';
      const after = text[j] ?? '';
      const quotedKey =
        (before === '[' || before === '"' || before === "'" || before === '{') &&
        (after === ']' || after === '[' || after === '"' || after === "'" || after === ':');
      // Unquoted object keys of JavaScript/BSON shells: `{ $ne: 1 }`, `', $where: '1 == 1'`.
      const bareKey = after === ':' && !isNameChar(before.charCodeAt(0));
      if (anywhere || quotedKey || bareKey) {
        return { at: i, op };
      }
    }
    i = text.indexOf('$', i + 1);
  }
  return undefined;
}

/** The NoSQL injection detector. */
export const nosqliDetector: Detector = {
  category: 'nosqli',
  rules: Object.values(NOSQLI_RULES),
  detect(views, kind, location) {
    const text = views.lower;
    const hits: Hit[] = [];
    if (!text.includes('$')) {
      // JavaScript breakouts into `$where` strings: `'; return true; var x='`, `' || '1'=='1`,
      // `'; while(true){}; '`, `';sleep(5000);'`.
      const js = JS_BREAKOUT.exec(text);
      if (js !== null) hits.push(hit(NOSQLI_RULES['nosqli.js-injection'], js.index));
      const db = text.includes('db.') ? DB_CALL.exec(text) : null;
      if (db !== null) {
        // The value itself, or a statement after a breakout; in prose (Mongo docs) a weaker hint.
        const at = text.indexOf('db.', db.index);
        const before = text.slice(0, at).trimEnd();
        const leading = before.length === 0 || /[;'"|&]$/.test(before);
        hits.push(hit(NOSQLI_RULES[leading ? 'nosqli.db-call' : 'nosqli.db-call.text'], at));
      }
      return hits;
    }
    const found = operatorAt(text, kind === 'key');
    if (found !== undefined) {
      const strong = kind === 'key' || text.includes('=') || text.includes('{');
      const rule = SCRIPT_OPERATORS.has(found.op)
        ? 'nosqli.script-operator'
        : kind === 'key' && FILTER_MEMBERS.has(rootMember(text, location))
          ? 'nosqli.operator.filter'
          : strong
            ? 'nosqli.operator'
            : 'nosqli.operator.text';
      hits.push(hit(NOSQLI_RULES[rule], found.at));
    }
    return hits;
  },
};
