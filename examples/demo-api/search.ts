// The user search of the demo API's modes. Planted flaw (vulnerable): the search text is pasted into
// a SQL-like filter (`name LIKE '%<q>%'`) evaluated by a tiny interpreter, so quotes change the query.
import type { User } from './store.ts';

/** The longest search text accepted. */
export const MAX_QUERY_LENGTH = 100;

type Token =
  | { readonly kind: 'str'; readonly value: string }
  | { readonly kind: 'word'; readonly value: string }
  | { readonly kind: 'op'; readonly value: string };

/** An error shaped like a database driver's, the kind verbose error pages leak. */
class SqlError extends Error {}

function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === ' ') i++;
    else if (c === '-' && sql[i + 1] === '-') break;
    else if (c === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= sql.length) throw new SqlError(`SQLITE_ERROR: unrecognized token: "'${value.slice(0, 40)}"`);
        if (sql[i] === "'" && sql[i + 1] === "'") {
          value += "'";
          i += 2;
        } else if (sql[i] === "'") {
          i++;
          break;
        } else value += sql[i++];
      }
      tokens.push({ kind: 'str', value });
    } else if (c === '=') {
      tokens.push({ kind: 'op', value: '=' });
      i++;
    } else {
      let word = '';
      while (i < sql.length && /[A-Za-z0-9_]/.test(sql[i]!)) word += sql[i++];
      if (word === '') throw new SqlError(`SQLITE_ERROR: near "${c}": syntax error`);
      tokens.push({ kind: 'word', value: word });
    }
  }
  return tokens;
}

function like(text: string, pattern: string): boolean {
  const parts = pattern.toLowerCase().split('%');
  const subject = text.toLowerCase();
  let at = 0;
  for (const [index, part] of parts.entries()) {
    const found = subject.indexOf(part, at);
    if (found < 0 || (index === 0 && found !== 0)) return false;
    at = found + part.length;
  }
  return parts.at(-1) === '' || at === subject.length;
}

/** Evaluates `operand (=|LIKE) operand` joined by AND/OR (AND binds tighter) against one user. */
function evaluate(tokens: readonly Token[], user: User): boolean {
  let pos = 0;
  const operand = (): string => {
    const token = tokens[pos++];
    if (token === undefined) throw new SqlError('SQLITE_ERROR: incomplete input');
    if (token.kind === 'str') return token.value;
    if (token.kind === 'word' && /^[0-9]+$/.test(token.value)) return token.value;
    if (token.kind === 'word' && ['name', 'email', 'role'].includes(token.value.toLowerCase())) {
      return String(user[token.value.toLowerCase()] ?? '');
    }
    throw new SqlError(`SQLITE_ERROR: no such column: ${token.value.slice(0, 40)}`);
  };
  const comparison = (): boolean => {
    const left = operand();
    const op = tokens[pos++];
    const right = operand();
    if (op?.kind === 'op') return left === right;
    if (op?.kind === 'word' && op.value.toUpperCase() === 'LIKE') return like(left, right);
    throw new SqlError('SQLITE_ERROR: syntax error');
  };
  const conjunction = (): boolean => {
    let value = comparison();
    while (tokens[pos]?.kind === 'word' && tokens[pos]!.value.toUpperCase() === 'AND') {
      pos++;
      value = comparison() && value;
    }
    return value;
  };
  let value = conjunction();
  while (tokens[pos]?.kind === 'word' && tokens[pos]!.value.toUpperCase() === 'OR') {
    pos++;
    value = conjunction() || value;
  }
  if (pos !== tokens.length) throw new SqlError('SQLITE_ERROR: syntax error');
  return value;
}

/** Planted flaw: builds the filter by string concatenation, as a careless SQL query would. */
export function searchUnsafe(users: readonly User[], q: string): User[] {
  const tokens = tokenize(`name LIKE '%${q}%'`);
  return users.filter((user) => evaluate(tokens, user));
}

/** The fixed search: the text is a literal, case-insensitive substring of the name. */
export function searchSafe(users: readonly User[], q: string): User[] {
  const wanted = q.toLowerCase();
  return users.filter((user) => user.name.toLowerCase().includes(wanted));
}
