// Path patterns for authorize rules, matched segment by segment in linear time: literal segments,
// `*` (one segment), `:name` or `{name}` (one segment, captured) and a final `**` (any rest, or none).
// Paths are canonicalized first so case, a trailing slash, percent-encoding or `;params` cannot
// slip a request past a rule written for the plain form.

/** A compiled pattern. */
export interface PathPattern {
  readonly source: string;
  /** Captured parameters when `path` (already canonical) matches, else undefined. */
  match(segments: readonly string[]): Record<string, string> | undefined;
}

type Segment =
  | { kind: 'literal'; value: string }
  | { kind: 'any' }
  | { kind: 'param'; name: string }
  | { kind: 'rest' };

const MAX_SEGMENTS = 64;

function decodeSegment(segment: string): string {
  if (!segment.includes('%')) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * Splits a normalized path into canonical segments: matrix parameters (`;jsessionid=…`, which some
 * servers ignore) cut, percent-escapes decoded (so `%2F` and `%61dmin` are seen as the server will),
 * empty segments dropped (trailing or doubled slashes). Case is kept (patterns compare literals
 * case-insensitively unless told otherwise), so captured parameters keep their case.
 */
export function canonicalSegments(path: string): string[] {
  const out: string[] = [];
  for (const raw of path.split('/', MAX_SEGMENTS * 2)) {
    const semicolon = raw.indexOf(';');
    const segment = decodeSegment(semicolon === -1 ? raw : raw.slice(0, semicolon));
    // A decoded `/` inside a segment splits it, as an upstream that decodes %2F would.
    for (const part of segment.split('/')) if (part !== '' && part !== '.') out.push(part);
  }
  return out;
}

/** Compiles `/users/:id`, `/admin/**`, `/files/*` (throws on a misplaced `**`). */
export function compilePathPattern(source: string, caseSensitive: boolean): PathPattern {
  if (!source.startsWith('/')) throw new Error(`path pattern "${source}" must start with /`);
  const segments: Segment[] = source
    .split('/')
    .filter((part) => part !== '')
    .map((part, index, all) => {
      if (part === '**') {
        if (index !== all.length - 1) throw new Error(`path pattern "${source}": ** only at the end`);
        return { kind: 'rest' };
      }
      if (part === '*') return { kind: 'any' };
      if (part.startsWith(':')) return { kind: 'param', name: part.slice(1) };
      if (part.startsWith('{') && part.endsWith('}')) return { kind: 'param', name: part.slice(1, -1) };
      return { kind: 'literal', value: caseSensitive ? part : part.toLowerCase() };
    });
  const hasRest = segments.at(-1)?.kind === 'rest';
  const fixed = hasRest ? segments.length - 1 : segments.length;
  return {
    source,
    match(path) {
      if (hasRest ? path.length < fixed : path.length !== fixed) return undefined;
      let params: Record<string, string> | undefined;
      for (let i = 0; i < fixed; i++) {
        const want = segments[i]!;
        const have = path[i]!;
        if (want.kind === 'literal') {
          if (want.value !== (caseSensitive ? have : have.toLowerCase())) return undefined;
        } else if (want.kind === 'param') {
          params ??= {};
          params[want.name] = have;
        }
      }
      return params ?? {};
    },
  };
}
