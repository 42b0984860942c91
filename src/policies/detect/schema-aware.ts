// Schema-aware inspection: the fields an OpenAPI contract types narrowly (numbers, booleans, enums,
// uuids, dates, anchored patterns, short strings) are left to the validator; only free text is scanned.

import type { Input } from '../../detect/index.ts';
import { deref, formatOf, isObject, jsonOf, type Operation } from '../../openapi/index.ts';
import type { PolicyContext, PolicyDeps } from '../policy.ts';
import { sharedSpec, versionCacheOf } from '../spec-index.ts';

/** Strings of at most this many characters are short enough to count as validated, not free text. */
/**
 * String formats whose validator leaves no room for an injection payload. Not `email`: its local part
 * admits `'`, `=`, `{`, `|` and `/` (`admin'--@example.com` is a valid address). Not a short
 * `maxLength` either: `' OR 1=1--`, `;id` and `{{7*7}}` are short.
 */
const NARROW_FORMATS = new Set(['uuid', 'date', 'date-time', 'ipv4']);
/** Schemas nest (and recurse through `$ref`) at most this deep before they count as free text. */
const MAX_SCHEMA_DEPTH = 12;

/** Narrow JSON members below an object or array (`true`: the whole value is narrow). */
interface JsonTree {
  readonly members: ReadonlyMap<string, JsonNode>;
  readonly items: JsonNode | undefined;
}
type JsonNode = true | JsonTree;

/** What one operation lets the engine skip. */
export interface NarrowFields {
  /** Input locations dropped whole: `query.limit`, `header.x-request-id`, `cookie.theme`, `body.age` (forms). */
  readonly locations: ReadonlySet<string>;
  /** The operation's path template split on `/`, and the indexes of its narrowly typed `{param}` segments. */
  readonly template: readonly string[];
  readonly pathSegments: readonly number[];
  /** Narrow members of a JSON body, when the operation accepts one. */
  readonly json: JsonTree | undefined;
}

function resolved(document: unknown, raw: unknown): Record<string, unknown> | undefined {
  try {
    const schema = deref<unknown>(document, raw);
    return isObject(schema) ? schema : undefined;
  } catch {
    return undefined;
  }
}

// A JSON Schema `pattern` matches anywhere in the value (2020-12 §6.3.3): only `^…$` constrains all of it.
/** Whether a class body (`a-z0-9_`) admits only letters, digits, `_` and `-`. */
function wordClass(body: string): boolean {
  if (body.length === 0 || body.startsWith('^')) return false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (body[i + 1] === '-' && i + 2 < body.length) {
      // A range stays within one kind: `a-z`, `A-F`, `0-9` (`0-z` spans punctuation).
      const to = body[i + 2]!;
      const kind = (x: string) => (/[a-z]/.test(x) ? 1 : /[A-Z]/.test(x) ? 2 : /[0-9]/.test(x) ? 3 : 0);
      if (kind(c) === 0 || kind(c) !== kind(to) || c > to) return false;
      i += 2;
    } else if (!/[A-Za-z0-9_-]/.test(c)) return false;
  }
  return true;
}

/**
 * Whether a pattern, anchored at both ends, admits only letters, digits, `_` and `-`: literal word
 * characters, classes of them, `\d`, `\w`, groups, alternation and quantifiers. `^.+$`, `^[^<]*$`
 * or `^[\w ]+$` are anchored and still carry free text, so they are not narrow.
 */
function anchored(pattern: string): boolean {
  if (!pattern.startsWith('^') || !pattern.endsWith('$') || pattern.endsWith('\\$')) return false;
  const body = pattern.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '[') {
      const end = body.indexOf(']', i + 1);
      if (end < 0 || !wordClass(body.slice(i + 1, end))) return false;
      i = end;
    } else if (c === '\\') {
      if (body[i + 1] !== 'd' && body[i + 1] !== 'w') return false;
      i++;
    } else if (c === '{') {
      const end = body.indexOf('}', i + 1);
      if (end < 0 || !/^\d+(?:,\d*)?$/.test(body.slice(i + 1, end))) return false;
      i = end;
    } else if (!/[A-Za-z0-9_()|+*?-]/.test(c)) return false;
  }
  return body.length > 0;
}

/** Whether a value valid against `raw` cannot carry free text. */
export function isNarrow(document: unknown, raw: unknown, depth = 0): boolean {
  const schema = depth > MAX_SCHEMA_DEPTH ? undefined : resolved(document, raw);
  if (schema === undefined) return false;
  if ('const' in schema) return true;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) {
    if (schema.enum.every((v) => v === null || typeof v !== 'object')) return true;
  }
  const types =
    typeof schema.type === 'string'
      ? [schema.type]
      : Array.isArray(schema.type)
        ? schema.type.filter((t) => t !== 'null')
        : [];
  if (types.length > 0 && types.every((t) => t === 'integer' || t === 'number' || t === 'boolean'))
    return true;
  if (types.length === 1 && types[0] === 'string') {
    if (typeof schema.format === 'string' && NARROW_FORMATS.has(schema.format)) return true;
    if (typeof schema.pattern === 'string' && anchored(schema.pattern)) return true;
  }
  if (types.length === 1 && types[0] === 'array' && schema.items !== undefined) {
    return isNarrow(document, schema.items, depth + 1);
  }
  // allOf: every member applies, so one narrow member narrows the value.
  if (Array.isArray(schema.allOf) && schema.allOf.some((s) => isNarrow(document, s, depth + 1))) return true;
  for (const key of ['anyOf', 'oneOf'] as const) {
    const options = schema[key];
    if (
      Array.isArray(options) &&
      options.length > 0 &&
      options.every((s) => isNarrow(document, s, depth + 1))
    ) {
      return true;
    }
  }
  return false;
}

function jsonNodeOf(document: unknown, raw: unknown, depth: number): JsonNode | undefined {
  if (isNarrow(document, raw, depth)) return true;
  const schema = depth > MAX_SCHEMA_DEPTH ? undefined : resolved(document, raw);
  if (schema === undefined) return undefined;
  const members = new Map<string, JsonNode>();
  const parts = [schema, ...(Array.isArray(schema.allOf) ? schema.allOf : [])];
  for (const part of parts) {
    const object = part === schema ? schema : resolved(document, part);
    if (object === undefined || !isObject(object.properties)) continue;
    for (const [name, member] of Object.entries(object.properties)) {
      // Replacing `__proto__` on a copy would set its prototype instead of a member: leave it scanned.
      if (name === '__proto__' || members.get(name) === true) continue;
      const node = jsonNodeOf(document, member, depth + 1);
      if (node !== undefined) members.set(name, node);
    }
  }
  const items = schema.items === undefined ? undefined : jsonNodeOf(document, schema.items, depth + 1);
  return members.size > 0 || items !== undefined ? { members, items } : undefined;
}

function fieldsOf(document: unknown, operation: Operation): NarrowFields | undefined {
  const locations = new Set<string>();
  const template = operation.path.split('/');
  const pathSegments: number[] = [];
  for (const parameter of operation.parameters) {
    if (parameter.schema === undefined || !isNarrow(document, parameter.schema)) continue;
    if (parameter.in === 'path') {
      const at = template.indexOf(`{${parameter.name}}`);
      if (at >= 0) pathSegments.push(at);
    } else {
      locations.add(`${parameter.in}.${parameter.name}`);
    }
  }
  let json: JsonTree | undefined;
  const content = operation.requestBody?.content;
  for (const [type, entry] of Object.entries(isObject(content) ? content : {})) {
    if (!isObject(entry) || entry.schema === undefined) continue;
    const format = formatOf(type.split(';')[0]!.trim().toLowerCase());
    const node = format === 'json' || format === 'form' ? jsonNodeOf(document, entry.schema, 0) : undefined;
    if (node === undefined || node === true) continue;
    if (format === 'json') json = node;
    else for (const [name, member] of node.members) if (member === true) locations.add(`body.${name}`);
  }
  if (locations.size === 0 && pathSegments.length === 0 && json === undefined) return undefined;
  return { locations, template, pathSegments, json };
}

/** Replaces narrow members by `null` in a copy (the parsed value is shared through `jsonOf`). */
function pruned(value: unknown, node: JsonTree, depth = 0): unknown {
  if (depth > MAX_SCHEMA_DEPTH) return value;
  if (Array.isArray(value)) {
    const items = node.items;
    if (items === undefined) return value;
    return value.map((item) => (items === true ? null : pruned(item, items, depth + 1)));
  }
  if (!isObject(value)) return value;
  let copy: Record<string, unknown> | undefined;
  for (const [name, child] of node.members) {
    if (!Object.hasOwn(value, name)) continue;
    const before = value[name];
    const after = child === true ? null : pruned(before, child, depth + 1);
    if (after === before) continue;
    copy ??= { ...value };
    copy[name] = after;
  }
  return copy ?? value;
}

function withoutPathParams(input: Input, fields: NarrowFields): Input {
  const q = input.value.indexOf('?');
  const segments = (q < 0 ? input.value : input.value.slice(0, q)).split('/');
  // Aligned from the end: a gateway route prefix may precede the spec's path.
  const offset = segments.length - fields.template.length;
  if (offset < 0) return input;
  for (const at of fields.pathSegments) segments[offset + at] = '0';
  return { ...input, value: segments.join('/') };
}

/** Removes what `fields` covers from a request's inputs; `body` is the raw request body. */
export function narrowInputs(
  inputs: readonly Input[],
  fields: NarrowFields,
  body: Buffer | undefined,
): Input[] {
  const out: Input[] = [];
  for (const input of inputs) {
    if (fields.locations.has(input.location)) continue;
    if (input.kind === 'path' && fields.pathSegments.length > 0) {
      out.push(withoutPathParams(input, fields));
    } else if (input.json === true && fields.json !== undefined && body !== undefined) {
      const parsed = jsonOf(body, input.value);
      const value = parsed.ok ? pruned(parsed.value, fields.json) : undefined;
      out.push(
        value === undefined || (parsed.ok && value === parsed.value)
          ? input
          : { ...input, value: JSON.stringify(value), jsonValue: () => ({ ok: true, value }) },
      );
    } else {
      out.push(input);
    }
  }
  return out;
}

/** A contract's narrow fields per operation, compiled once; `fieldsFor` finds a request's. */
export interface SchemaAwareness {
  readonly operations: number;
  /** The narrow fields of the request's operation (matched once per request, shared with other policies). */
  fieldsFor(ctx: PolicyContext): NarrowFields | undefined;
}

/**
 * Loads `spec` (relative to the config's directory, as openapi-validate does) and compiles its narrow
 * fields, once per config version over the version's shared operation index of the spec.
 */
export function compileSchemaAwareness(spec: string, deps: PolicyDeps): SchemaAwareness {
  const shared = sharedSpec(deps, spec);
  const byOperation = versionCacheOf(deps).once(`detect:narrow:${shared.path}`, () => {
    const fields = new Map<Operation, NarrowFields>();
    for (const operation of shared.index.operations) {
      const narrow = fieldsOf(shared.file.document, operation);
      if (narrow !== undefined) fields.set(operation, narrow);
    }
    return fields;
  });
  return {
    operations: byOperation.size,
    fieldsFor(ctx) {
      if (byOperation.size === 0) return undefined;
      const found = ctx.matchOperation(shared.index);
      return found.kind === 'found' ? byOperation.get(found.operation) : undefined;
    },
  };
}
