// Parses rampart.yaml into a document that keeps source positions, refusing what a config never needs
// (tags, several documents, alias bombs, deep nesting), and maps config paths back to file:line:column.
import { dirname } from 'node:path';
import { type Document, isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { type ConfigError, type ConfigErrorCode, formatPath, type PathSegment, parsePath } from './errors.ts';

/** Largest config file accepted, in bytes. */
export const MAX_CONFIG_BYTES = 4 * 1024 * 1024;
/** Alias expansions allowed when building the value: shared blocks fine, billion laughs refused. */
export const MAX_ALIAS_COUNT = 100;
/** Deepest nesting of mappings and sequences; the schema needs far less. */
export const MAX_DEPTH = 64;
const MAX_YAML_ERRORS = 10;

/** A parsed config file: the YAML document with positions, for reporting errors at paths. */
export interface ConfigSource {
  /** The file name as given (used in messages). */
  readonly file: string;
  /** Directory that `file:` secret references and policy files are relative to. */
  readonly baseDir: string;
  readonly document: Document.Parsed;
  readonly lineCounter: LineCounter;
}

export type ParseResult =
  | { readonly ok: true; readonly source: ConfigSource; readonly value: unknown }
  | { readonly ok: false; readonly errors: ConfigError[] };

/** Parses config text; `baseDir` defaults to the file's directory. */
export function parseConfigSource(text: string, file: string, baseDir = dirname(file)): ParseResult {
  if (Buffer.byteLength(text, 'utf8') > MAX_CONFIG_BYTES) {
    return { ok: false, errors: [wholeFileError(file, 'file-too-large', tooLargeMessage())] };
  }
  const lineCounter = new LineCounter();
  // YAML 1.2 core schema: no merge keys, no custom tags; duplicate keys are errors (uniqueKeys).
  const document = parseDocument(text, {
    lineCounter,
    schema: 'core',
    customTags: [],
    merge: false,
    uniqueKeys: true,
    prettyErrors: false,
  });
  const source: ConfigSource = { file, baseDir, document, lineCounter };
  const errors: ConfigError[] = [];
  let syntax = false;
  for (const error of document.errors.slice(0, MAX_YAML_ERRORS)) {
    const code: ConfigErrorCode = error.code === 'DUPLICATE_KEY' ? 'yaml-duplicate-key' : 'yaml-syntax';
    // After the first syntax error the parser reads the rest out of step and reports what follows
    // from it (an unclosed bracket gives eight messages): only the first is a real one.
    if (code === 'yaml-syntax') {
      if (syntax) continue;
      syntax = true;
    }
    const { line, col } = lineCounter.linePos(error.pos[0]);
    errors.push({ code, file, line, column: col, path: '', message: firstLine(error.message) });
  }
  if (errors.length > 0) return { ok: false, errors };
  errors.push(...inspectNodes(source));
  if (errors.length > 0) return { ok: false, errors };
  try {
    return { ok: true, source, value: document.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
  } catch (error) {
    // toJS throws a ReferenceError for an alias bomb or an alias to an anchor defined later.
    const message = error instanceof ReferenceError ? error.message : 'the document cannot be read';
    return { ok: false, errors: [wholeFileError(file, 'yaml-alias', message)] };
  }
}

/** Refuses explicit tags and nesting beyond MAX_DEPTH; iterative, so deep input cannot overflow the stack. */
function inspectNodes(source: ConfigSource): ConfigError[] {
  const errors: ConfigError[] = [];
  const root = source.document.contents;
  if (root === null) return errors;
  const stack: Array<{ node: unknown; depth: number }> = [{ node: root, depth: 1 }];
  while (stack.length > 0 && errors.length < MAX_YAML_ERRORS) {
    const { node, depth } = stack.pop()!;
    if (isScalar(node) || isMap(node) || isSeq(node)) {
      if (node.tag !== undefined) {
        errors.push(nodeError(source, node, 'yaml-tag', 'YAML tags are not supported; quote the value'));
      }
    }
    if (!isMap(node) && !isSeq(node)) continue;
    if (depth > MAX_DEPTH) {
      errors.push(nodeError(source, node, 'yaml-too-deep', `nested deeper than ${MAX_DEPTH} levels`));
      continue;
    }
    for (const item of node.items) {
      if (isMap(node)) {
        const pair = item as { key: unknown; value: unknown };
        stack.push({ node: pair.key, depth: depth + 1 }, { node: pair.value, depth: depth + 1 });
      } else {
        stack.push({ node: item, depth: depth + 1 });
      }
    }
  }
  return errors;
}

/** Where a path points in the source: the value's node, or the key's node when `at: 'key'`. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

/**
 * The position of a config path (`routes[1].policies.ip-filter.allow[0]`, or its segments) in the file.
 * A path that does not exist in the file (a default, say) resolves to its deepest existing ancestor.
 */
export function positionOf(
  source: ConfigSource,
  path: string | readonly PathSegment[],
  at: 'value' | 'key' = 'value',
): Position {
  const segments = typeof path === 'string' ? parsePath(path) : path;
  let node: unknown = source.document.contents;
  let offset = rangeStart(node) ?? 0;
  for (let i = 0; i < segments.length; i++) {
    node = resolveAlias(source, node);
    const segment = segments[i]!;
    let next: unknown;
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => isScalar(item.key) && String(item.key.value) === String(segment),
      );
      if (pair === undefined) break;
      const last = i === segments.length - 1;
      next = pair.value;
      const keyOffset = rangeStart(pair.key);
      if (last && at === 'key' && keyOffset !== undefined) {
        offset = keyOffset;
        break;
      }
      offset = rangeStart(pair.value) ?? keyOffset ?? offset;
    } else if (isSeq(node) && typeof segment === 'number') {
      next = node.items[segment];
      if (next === undefined) break;
      offset = rangeStart(next) ?? offset;
    } else {
      break;
    }
    node = next;
  }
  const { line, col } = source.lineCounter.linePos(offset);
  return { line, column: col };
}

/**
 * Builds a config error at a path, for checks that run after schema validation (semantic checks,
 * policy `create` failures): `errorAt(source, 'routes[1].policies.ip-filter.allow[0]', 'not a CIDR')`.
 */
export function errorAt(
  source: ConfigSource,
  path: string | readonly PathSegment[],
  message: string,
  code: ConfigErrorCode = 'invalid',
  at: 'value' | 'key' = 'value',
): ConfigError {
  const segments = typeof path === 'string' ? parsePath(path) : path;
  const { line, column } = positionOf(source, segments, at);
  return { code, file: source.file, line, column, path: formatPath(segments), message };
}

function nodeError(source: ConfigSource, node: Node, code: ConfigErrorCode, message: string): ConfigError {
  const { line, col } = source.lineCounter.linePos(rangeStart(node) ?? 0);
  return { code, file: source.file, line, column: col, path: '', message };
}

function wholeFileError(file: string, code: ConfigErrorCode, message: string): ConfigError {
  return { code, file, line: 1, column: 1, path: '', message };
}

/** The message for a file over MAX_CONFIG_BYTES. */
export function tooLargeMessage(): string {
  return `config file is larger than ${MAX_CONFIG_BYTES / (1024 * 1024)} MiB`;
}

function resolveAlias(source: ConfigSource, node: unknown): unknown {
  return isAlias(node) ? node.resolve(source.document) : node;
}

function rangeStart(node: unknown): number | undefined {
  if (isScalar(node) || isMap(node) || isSeq(node) || isAlias(node)) return node.range?.[0];
  return undefined;
}

function firstLine(message: string): string {
  const end = message.indexOf('\n');
  return (end === -1 ? message : message.slice(0, end)).replace(/:$/, '');
}
