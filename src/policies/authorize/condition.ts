// Rule conditions: a tiny expression form compiled at load — comparisons of the caller's attributes
// and request values with literals (`claims.admin == true`, `consumer.name == "admin"`,
// `enriched.role in ["Employee", "Manager"]`), joined by `and` (binds tighter) and `or`. One pass over
// the text, one token of look-ahead, no backtracking, bounded size; errors name the column.
import { claimAt } from '../../identity/claims.ts';
import type { Identity, PolicyContext } from '../policy.ts';

/** A literal a condition compares with. */
export type Literal = string | number | boolean | null;

/** What a reference reads: the caller, or the request. */
export interface ConditionInput {
  readonly identity: Identity | undefined;
  readonly ctx: PolicyContext;
  /** Path parameters the rule's pattern captured (they win over the route's). */
  readonly params: Readonly<Record<string, string>>;
}

/** A compiled condition. */
export interface Condition {
  readonly source: string;
  test(input: ConditionInput): boolean;
}

const MAX_LENGTH = 1024;
const MAX_COMPARISONS = 32;
const MAX_LIST = 64;
const MAX_STRING = 256;

type Token =
  | { kind: 'ref'; text: string; at: number }
  | { kind: 'literal'; value: Literal; at: number }
  | { kind: 'op'; text: '==' | '!=' | '[' | ']' | ','; at: number }
  | { kind: 'word'; text: 'and' | 'or' | 'in' | 'not'; at: number }
  | { kind: 'end'; at: number };

/** A reference's roots: who (claims, consumer, enriched) and what (params, query, header). */
const ROOTS = new Set(['claims', 'consumer', 'enriched', 'params', 'query', 'header']);

const isLetter = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
const isDigit = (c: string) => c >= '0' && c <= '9';
const isNameChar = (c: string) =>
  isLetter(c) || isDigit(c) || c === '.' || c === '-' || c === ':' || c === '/';

function fail(source: string, at: number, message: string): never {
  throw new Error(`condition "${source}": at column ${at + 1}: ${message}`);
}

/** Splits the text into tokens in one pass. */
function tokenize(source: string): Token[] {
  if (source.length > MAX_LENGTH) fail(source, MAX_LENGTH, `longer than ${MAX_LENGTH} characters`);
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (c === '"') {
      const start = i;
      let value = '';
      i++;
      while (i < source.length && source[i] !== '"') {
        if (source[i] === '\\' && i + 1 < source.length) i++;
        value += source[i];
        i++;
      }
      if (i >= source.length) fail(source, start, 'unterminated string');
      if (value.length > MAX_STRING) fail(source, start, `string longer than ${MAX_STRING} characters`);
      i++;
      tokens.push({ kind: 'literal', value, at: start });
    } else if (isDigit(c) || (c === '-' && isDigit(source[i + 1] ?? ''))) {
      const start = i;
      i++;
      while (i < source.length && (isDigit(source[i]!) || source[i] === '.')) i++;
      const value = Number(source.slice(start, i));
      if (!Number.isFinite(value)) fail(source, start, 'not a number');
      tokens.push({ kind: 'literal', value, at: start });
    } else if (isLetter(c)) {
      const start = i;
      while (i < source.length && isNameChar(source[i]!)) i++;
      const text = source.slice(start, i);
      if (text === 'true' || text === 'false')
        tokens.push({ kind: 'literal', value: text === 'true', at: start });
      else if (text === 'null') tokens.push({ kind: 'literal', value: null, at: start });
      else if (text === 'and' || text === 'or' || text === 'in' || text === 'not')
        tokens.push({ kind: 'word', text, at: start });
      else tokens.push({ kind: 'ref', text, at: start });
    } else if ((c === '=' || c === '!') && source[i + 1] === '=') {
      tokens.push({ kind: 'op', text: c === '=' ? '==' : '!=', at: i });
      i += 2;
    } else if (c === '[' || c === ']' || c === ',') {
      tokens.push({ kind: 'op', text: c, at: i });
      i++;
    } else {
      fail(source, i, `unexpected character ${JSON.stringify(c)}`);
    }
  }
  tokens.push({ kind: 'end', at: source.length });
  return tokens;
}

type Reader = (input: ConditionInput) => unknown;

/** Compiles a reference (`claims.admin`, `consumer.name`, `params.id`) into a reader. */
function reference(source: string, token: Token & { kind: 'ref' }): Reader {
  const dot = token.text.indexOf('.');
  const root = dot === -1 ? token.text : token.text.slice(0, dot);
  const rest = dot === -1 ? '' : token.text.slice(dot + 1);
  if (!ROOTS.has(root) || rest === '')
    fail(
      source,
      token.at,
      `unknown reference "${token.text}" (use claims.<name>, consumer.id, consumer.name, enriched.<name>, params.<name>, query.<name>, header.<name>)`,
    );
  switch (root) {
    case 'consumer':
      if (rest === 'id') return ({ identity }) => identity?.consumerId;
      if (rest === 'name') return ({ identity }) => identity?.consumerName;
      return fail(source, token.at, 'consumer has only id and name');
    case 'claims':
      return ({ identity }) => (identity?.claims === undefined ? undefined : claimAt(identity.claims, rest));
    case 'enriched':
      return ({ identity }) => {
        const enriched = enrichedOf(identity);
        return enriched === undefined ? undefined : claimAt(enriched, rest);
      };
    case 'params':
      return ({ params, ctx }) => params[rest] ?? ctx.route.params[rest];
    case 'query':
      return ({ ctx }) => {
        const all = ctx.query.getAll(rest);
        return all.length === 1 ? all[0] : undefined;
      };
    default: {
      const name = rest.toLowerCase();
      return ({ ctx }) => {
        const value = ctx.headers[name];
        return typeof value === 'string' ? value : undefined;
      };
    }
  }
}

/**
 * What an identity-enrichment policy added to the identity (members of the upstream's `/me` answer),
 * read without depending on that policy: absent when no such policy ran.
 */
export function enrichedOf(identity: Identity | undefined): Readonly<Record<string, unknown>> | undefined {
  const enriched = (identity as { enriched?: unknown } | undefined)?.enriched;
  return enriched !== null && typeof enriched === 'object'
    ? (enriched as Record<string, unknown>)
    : undefined;
}

/** Strict equality of scalars; objects and arrays never equal anything. */
function same(a: unknown, b: unknown): boolean {
  return a === b && (a === null || typeof a !== 'object');
}

type Test = (input: ConditionInput) => boolean;

/** Parses and compiles `source`; throws with the column of the first problem. */
export function compileCondition(source: string): Condition {
  const tokens = tokenize(source);
  let position = 0;
  let comparisons = 0;
  const peek = () => tokens[position]!;
  const next = () => tokens[position++]!;
  const describe = (token: Token) =>
    token.kind === 'end'
      ? 'the end'
      : token.kind === 'literal'
        ? JSON.stringify(token.value)
        : `"${token.text}"`;

  const operand = (): Reader => {
    const token = next();
    if (token.kind === 'ref') return reference(source, token);
    if (token.kind === 'literal') {
      const value = token.value;
      return () => value;
    }
    return fail(source, token.at, `expected a value or a reference, found ${describe(token)}`);
  };

  const list = (): Literal[] => {
    const open = next();
    if (open.kind !== 'op' || open.text !== '[') fail(source, open.at, `expected [, found ${describe(open)}`);
    const values: Literal[] = [];
    for (;;) {
      const item = next();
      if (item.kind !== 'literal') fail(source, item.at, `expected a literal, found ${describe(item)}`);
      values.push(item.value);
      if (values.length > MAX_LIST) fail(source, item.at, `more than ${MAX_LIST} values`);
      const separator = next();
      if (separator.kind === 'op' && separator.text === ']') return values;
      if (separator.kind !== 'op' || separator.text !== ',')
        fail(source, separator.at, `expected , or ], found ${describe(separator)}`);
    }
  };

  const comparison = (): Test => {
    const start = peek();
    if (++comparisons > MAX_COMPARISONS) fail(source, start.at, `more than ${MAX_COMPARISONS} comparisons`);
    const left = operand();
    const op = next();
    if (op.kind === 'op' && (op.text === '==' || op.text === '!=')) {
      const right = operand();
      return op.text === '=='
        ? (input) => same(left(input), right(input))
        : (input) => !same(left(input), right(input));
    }
    let negate = false;
    let word: Token = op;
    if (word.kind === 'word' && word.text === 'not') {
      negate = true;
      word = next();
    }
    if (word.kind !== 'word' || word.text !== 'in')
      fail(source, word.at, `expected ==, != or in, found ${describe(word)}`);
    const values = list();
    return (input) => {
      const value = left(input);
      return values.some((candidate) => same(value, candidate)) !== negate;
    };
  };

  const conjunction = (): Test => {
    const parts = [comparison()];
    while (peek().kind === 'word' && (peek() as { text: string }).text === 'and') {
      next();
      parts.push(comparison());
    }
    return parts.length === 1 ? parts[0]! : (input) => parts.every((part) => part(input));
  };

  const parts = [conjunction()];
  while (peek().kind === 'word' && (peek() as { text: string }).text === 'or') {
    next();
    parts.push(conjunction());
  }
  const end = peek();
  if (end.kind !== 'end') fail(source, end.at, `expected and, or or the end, found ${describe(end)}`);
  const test = parts.length === 1 ? parts[0]! : (input: ConditionInput) => parts.some((part) => part(input));
  return { source, test };
}
