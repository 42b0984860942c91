// Nested members of URL-encoded forms written with brackets, as OpenAPI's deepObject encoding and
// the Rails/PHP/Stripe convention do: `metadata[plan]=pro`, `items[0][price]=p_1`, `expand[]=customer`.
// Each key is read into the nested value its member's schema describes; leaves are coerced to their
// declared types. Bounded: at most MAX_SEGMENTS brackets per key, array indexes only in order.
import { coerceScalar } from './parameters.ts';
import { deref, isObject } from './pointer.ts';

const MAX_SEGMENTS = 8;

/** `items[0][price]` → `['items', '0', 'price']`; undefined when the key is not a bracket path. */
export function bracketPath(key: string): string[] | undefined {
  const open = key.indexOf('[');
  if (open <= 0 || !key.endsWith(']')) return undefined;
  const path = [key.slice(0, open)];
  let at = open;
  while (at < key.length) {
    if (key[at] !== '[' || path.length > MAX_SEGMENTS) return undefined;
    const close = key.indexOf(']', at);
    if (close === -1) return undefined;
    const segment = key.slice(at + 1, close);
    if (segment.includes('[')) return undefined;
    path.push(segment);
    at = close + 1;
  }
  return path;
}

function resolved(document: unknown, schema: unknown): Record<string, unknown> | undefined {
  try {
    const value = deref<unknown>(document, schema);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function isArraySchema(schema: Record<string, unknown> | undefined): boolean {
  const type = schema?.type;
  return type === 'array' || (Array.isArray(type) && type.includes('array'));
}

/** The schema of `segment` below `schema`: items, a declared member, additionalProperties, or an option's. */
export function childSchema(document: unknown, schema: unknown, segment: string, depth = 0): unknown {
  const node = resolved(document, schema);
  if (node === undefined || depth > MAX_SEGMENTS) return undefined;
  if (isArraySchema(node)) return node.items;
  if (isObject(node.properties) && Object.hasOwn(node.properties, segment)) return node.properties[segment];
  if (isObject(node.additionalProperties)) return node.additionalProperties;
  for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
    const options = node[key];
    if (!Array.isArray(options)) continue;
    for (const option of options) {
      const child = childSchema(document, option, segment, depth + 1);
      if (child !== undefined) return child;
    }
  }
  return undefined;
}

/** Whether `name` is a member the schema (or an allOf/anyOf/oneOf option of it) declares by that name. */
export function declaresMember(document: unknown, schema: unknown, name: string, depth = 0): boolean {
  const node = resolved(document, schema);
  if (node === undefined || depth > MAX_SEGMENTS) return false;
  if (isObject(node.properties) && Object.hasOwn(node.properties, name)) return true;
  for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
    const options = node[key];
    if (Array.isArray(options) && options.some((option) => declaresMember(document, option, name, depth + 1)))
      return true;
  }
  return false;
}

/** Whether the schema (or one of its options) describes an array. */
function expectsArray(document: unknown, schema: unknown, depth = 0): boolean {
  const node = resolved(document, schema);
  if (node === undefined || depth > MAX_SEGMENTS) return false;
  if (isArraySchema(node)) return true;
  for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
    const options = node[key];
    if (Array.isArray(options) && options.some((option) => expectsArray(document, option, depth + 1)))
      return true;
  }
  return false;
}

/**
 * Sets `raw` at `path` (a bracket path's segments after its member name) inside `container`, the
 * member's value so far (created when undefined). Returns the new container, or undefined when the
 * path does not fit what is there (an index out of order, an object where an array is, …).
 */
export function setBracketValue(
  document: unknown,
  schema: unknown,
  container: unknown,
  path: readonly string[],
  raw: string,
): unknown {
  const [segment, ...rest] = path as [string, ...string[]];
  const asArray = segment === '' || (/^\d{1,4}$/.test(segment) && expectsArray(document, schema));
  const here = container ?? (asArray ? [] : Object.create(null));
  const child = childSchema(document, schema, segment);
  let slot: string | number;
  if (asArray) {
    if (!Array.isArray(here)) return undefined;
    slot = segment === '' ? here.length : Number(segment);
    if (slot > here.length) return undefined;
  } else {
    if (Array.isArray(here) || !isObject(here)) return undefined;
    slot = segment;
  }
  const target = here as Record<string | number, unknown>;
  const value =
    rest.length === 0
      ? coerceScalar(document, child, raw)
      : setBracketValue(document, child, target[slot], rest, raw);
  if (value === undefined) return undefined;
  target[slot] = value;
  return here;
}

/** A deep copy with plain objects (members named `__proto__` stay own members, never prototypes). */
export function plainCopy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plainCopy);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, member]) => [key, plainCopy(member)]));
  return value;
}
