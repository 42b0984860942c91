// Config errors: one per problem, each naming the file, line, column and path, printable as one line.

/** Stable kinds of config problems; tests and tools switch on these, never on message text. */
export const CONFIG_ERROR_CODES = [
  'file-unreadable',
  'file-too-large',
  'yaml-syntax',
  'yaml-duplicate-key',
  'yaml-tag',
  'yaml-alias',
  'yaml-too-deep',
  'schema-required',
  'schema-unknown-key',
  'schema-type',
  'schema-value',
  'unknown-upstream',
  'duplicate-route',
  'duplicate-sink',
  'admin-without-token',
  'secret-unresolved',
  'invalid',
] as const;
export type ConfigErrorCode = (typeof CONFIG_ERROR_CODES)[number];

/** One problem in a config file. `line` and `column` are 1-based; `path` is empty for the whole file. */
export interface ConfigError {
  readonly code: ConfigErrorCode;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly path: string;
  readonly message: string;
}

/** A segment of a config path: a mapping key or a sequence index. */
export type PathSegment = string | number;

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Formats segments as `routes[2].policies.rate-limit.limit`; keys that are not plain are quoted. */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (PLAIN_KEY.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/**
 * Parses a path written by `formatPath` (`routes[1].policies.ip-filter.allow[0]`, `upstreams["a.b"].url`)
 * back into segments. Linear scan; throws a SyntaxError on a malformed path.
 */
export function parsePath(path: string): PathSegment[] {
  const segments: PathSegment[] = [];
  let i = 0;
  while (i < path.length) {
    const ch = path[i];
    if (ch === '.') {
      if (i === 0 || i === path.length - 1) throw new SyntaxError(`malformed config path: ${path}`);
      i++;
    } else if (ch === '[') {
      if (path[i + 1] === '"') {
        const end = findClosingQuote(path, i + 2);
        segments.push(JSON.parse(path.slice(i + 1, end + 1)) as string);
        i = end + 1;
      } else {
        const end = path.indexOf(']', i);
        const digits = path.slice(i + 1, end);
        if (end === -1 || !/^[0-9]{1,9}$/.test(digits))
          throw new SyntaxError(`malformed config path: ${path}`);
        segments.push(Number(digits));
        i = end;
      }
      if (path[i] !== ']') throw new SyntaxError(`malformed config path: ${path}`);
      i++;
    } else {
      let end = i;
      while (end < path.length && path[end] !== '.' && path[end] !== '[') end++;
      segments.push(path.slice(i, end));
      i = end;
    }
  }
  return segments;
}

function findClosingQuote(path: string, from: number): number {
  for (let i = from; i < path.length; i++) {
    if (path[i] === '\\') i++;
    else if (path[i] === '"') return i;
  }
  throw new SyntaxError(`malformed config path: ${path}`);
}

/** One line for terminals and logs: `rampart.yaml:12:5 routes[2].policies.methods.allow[0]: must be …`. */
export function formatConfigError(error: ConfigError): string {
  const where = `${error.file}:${error.line}:${error.column}`;
  return error.path === '' ? `${where} ${error.message}` : `${where} ${error.path}: ${error.message}`;
}
