// Schema keywords found in real specs that JSON Schema validators cannot compile: a `pattern` that is
// valid JavaScript but not in unicode mode (`\:`, `\-` outside a class), an empty `enum`. Each is
// dropped from the loaded document (the check is relaxed there, never the whole spec refused, never a
// 500 on the operation) and reported with its pointer, so audit, validate and init can name the place.
// The same walk inlines a keyword map written as a reference (`properties: {$ref: attrs.yml#/x}`):
// JSON Reference tools (DigitalOcean's description relies on them) replace it, JSON Schema would read
// a member named `$ref`.
import { deref, isObject, isRef, pointerOf } from './pointer.ts';

/** One relaxed keyword: where it was and why it could not be kept. */
export interface RelaxedKeyword {
  /** The file that holds the keyword (the spec itself, or a file its `$ref`s name). */
  readonly file: string;
  /** Its JSON pointer inside that file. */
  readonly pointer: string;
  readonly keyword: 'pattern' | 'enum' | '$recursiveRef' | '$recursiveAnchor';
  readonly reason: string;
}

// Members whose values are data, not schemas: a `pattern` inside an example is not a keyword.
const DATA_MEMBERS = new Set(['example', 'examples', 'default', 'const', 'enum', 'x-examples']);
const MAX_REPORTED = 1000;
/** Keywords whose value is a map of schemas by name. */
const SCHEMA_MAPS = ['properties', 'patternProperties', 'dependentSchemas', '$defs', 'definitions'];

/** Replaces a schema map written as `{$ref}` by the map it names; returns the maps to walk no further. */
function inlineMapRefs(
  document: unknown,
  node: Record<string, unknown>,
  walked: WeakSet<object>,
): Set<string> {
  const skip = new Set<string>();
  for (const key of SCHEMA_MAPS) {
    const map = node[key];
    if (!isRef(map)) continue;
    let target: unknown;
    try {
      target = deref(document, map);
    } catch {
      continue; // left as written: the validator reports what it cannot resolve
    }
    if (!isObject(target)) continue;
    node[key] = target;
    // Shared by every place naming it: walked once (a map reachable from itself stays finite).
    if (walked.has(target)) skip.add(key);
    else walked.add(target);
  }
  return skip;
}

function patternProblem(pattern: string): string | undefined {
  try {
    new RegExp(pattern, 'u');
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

interface Frame {
  readonly node: unknown;
  readonly parent: Frame | undefined;
  readonly key: string | number;
}

function pointerTo(frame: Frame, last: string): string {
  const tokens: Array<string | number> = [last];
  for (let at: Frame | undefined = frame; at?.parent !== undefined; at = at.parent) tokens.push(at.key);
  return pointerOf(tokens.reverse());
}

/** Drops the keywords that cannot compile from `document`, in place; returns what it dropped. */
export function relaxUncompilableKeywords(
  document: Record<string, unknown>,
  locate: (pointer: string) => { file: string; pointer: string },
): RelaxedKeyword[] {
  const relaxed: RelaxedKeyword[] = [];
  // Parent links instead of token arrays: the pointer is only built for what is reported.
  const stack: Frame[] = [{ node: document, parent: undefined, key: '' }];
  const walked = new WeakSet<object>();
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const node = frame.node;
    if (Array.isArray(node)) {
      for (let index = 0; index < node.length; index++) {
        const item: unknown = node[index];
        if (item !== null && typeof item === 'object') stack.push({ node: item, parent: frame, key: index });
      }
      continue;
    }
    if (!isObject(node)) continue;
    if (typeof node.pattern === 'string') {
      const problem = patternProblem(node.pattern);
      if (problem !== undefined) {
        delete node.pattern;
        if (relaxed.length < MAX_REPORTED)
          relaxed.push({ ...locate(pointerTo(frame, 'pattern')), keyword: 'pattern', reason: problem });
      }
    }
    if (Array.isArray(node.enum) && node.enum.length === 0) {
      delete node.enum;
      if (relaxed.length < MAX_REPORTED)
        relaxed.push({
          ...locate(pointerTo(frame, 'enum')),
          keyword: 'enum',
          reason: 'an empty enum allows no value',
        });
    }
    // Draft 2019-09 recursion (OpenAI's 3.1 description uses it): not in 3.1's dialect (2020-12),
    // and `#` would name the whole OpenAPI document. The recursive part is left unchecked.
    for (const keyword of ['$recursiveRef', '$recursiveAnchor'] as const) {
      if (!(keyword in node) || typeof node.$ref === 'string') continue;
      delete node[keyword];
      if (relaxed.length < MAX_REPORTED)
        relaxed.push({
          ...locate(pointerTo(frame, keyword)),
          keyword,
          reason: 'draft 2019-09 recursion is not part of the OpenAPI 3.1 (2020-12) dialect',
        });
    }
    const inlinedBefore = inlineMapRefs(document, node, walked);
    for (const key in node) {
      const value = node[key];
      if (value === null || typeof value !== 'object' || DATA_MEMBERS.has(key) || inlinedBefore.has(key))
        continue;
      stack.push({ node: value, parent: frame, key });
    }
  }
  return relaxed;
}
