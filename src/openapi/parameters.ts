// Reads parameter values from a request according to their OpenAPI style and explode form
// (OpenAPI 3 §4.8.12.4: matrix, label, form, simple, spaceDelimited, pipeDelimited, deepObject) and
// coerces strings to the types their schemas declare, so the schemas can be checked as JSON.
import type { Parameter, ParameterLocation } from './operations.ts';
import { deref, isObject } from './pointer.ts';
import { memberSegment, type Violation } from './violations.ts';

/** The raw request parts parameters come from. */
export interface ParameterInput {
  readonly path: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/** Parsed parameter values by location, ready for the schema check. */
export type ParameterValues = Record<ParameterLocation, Record<string, unknown>>;

/** At most this many query members are looked at: request-limits bounds the URL anyway. */
const MAX_QUERY_MEMBERS = 1000;

type Kind = 'array' | 'object' | 'integer' | 'number' | 'boolean' | 'string' | 'any';

function kindOf(document: unknown, schema: unknown, depth = 0): Kind {
  const value = safeDeref(document, schema);
  if (!isObject(value)) return 'any';
  // `anyOf: [{type: boolean}, {type: 'null'}]` (3.1's nullable): the kind of the options that are not null.
  for (const key of ['anyOf', 'oneOf'] as const) {
    const options = value[key];
    if (value.type !== undefined || !Array.isArray(options) || depth > 8) continue;
    const kinds = new Set(
      options
        .filter((option) => !isNullSchema(document, option))
        .map((option) => kindOf(document, option, depth + 1)),
    );
    if (kinds.size === 1) return [...kinds][0]!;
  }
  let type = value.type;
  if (Array.isArray(type)) type = type.find((t) => t !== 'null');
  if (type === undefined && isObject(value.properties)) return 'object';
  if (type === 'array' || type === 'object' || type === 'integer' || type === 'number') return type;
  if (type === 'boolean' || type === 'string') return type;
  return 'any';
}

function isNullSchema(document: unknown, schema: unknown): boolean {
  const value = safeDeref(document, schema);
  return isObject(value) && value.type === 'null';
}

function safeDeref(document: unknown, schema: unknown): unknown {
  try {
    return deref(document, schema);
  } catch {
    return undefined;
  }
}

const NUMBER = /^-?(0|[1-9][0-9]{0,300})(\.[0-9]{1,300})?([eE][+-]?[0-9]{1,4})?$/;

/** Coerces one string to the scalar kind its schema declares; leaves it as is when it does not fit. */
export function coerceScalar(document: unknown, schema: unknown, raw: string): unknown {
  switch (kindOf(document, schema)) {
    case 'integer':
    case 'number':
      return NUMBER.test(raw) ? Number(raw) : raw;
    case 'boolean':
      return raw === 'true' ? true : raw === 'false' ? false : raw;
    default:
      return raw;
  }
}

function itemSchema(document: unknown, schema: unknown): unknown {
  const value = safeDeref(document, schema);
  return isObject(value) ? value.items : undefined;
}

function propertySchema(document: unknown, schema: unknown, name: string): unknown {
  const value = safeDeref(document, schema);
  if (!isObject(value) || !isObject(value.properties)) return undefined;
  return Object.hasOwn(value.properties, name) ? value.properties[name] : undefined;
}

function pairs(document: unknown, schema: unknown, list: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i + 1 < list.length; i += 2) {
    const key = list[i]!;
    out[key] = coerceScalar(document, propertySchema(document, schema, key), list[i + 1]!);
  }
  return out;
}

function keyValues(document: unknown, schema: unknown, list: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const item of list) {
    const eq = item.indexOf('=');
    const key = eq === -1 ? item : item.slice(0, eq);
    out[key] = coerceScalar(
      document,
      propertySchema(document, schema, key),
      eq === -1 ? '' : item.slice(eq + 1),
    );
  }
  return out;
}

/** Splits a serialized value per kind: arrays into items, objects into members. */
function fromDelimited(document: unknown, p: Parameter, value: string, separator: string): unknown {
  const kind = kindOf(document, p.schema);
  if (kind === 'array') {
    const items = itemSchema(document, p.schema);
    return value === '' ? [] : value.split(separator).map((item) => coerceScalar(document, items, item));
  }
  if (kind === 'object') {
    const list = value.split(separator);
    return p.explode ? keyValues(document, p.schema, list) : pairs(document, p.schema, list);
  }
  return coerceScalar(document, p.schema, value);
}

function fromPath(document: unknown, p: Parameter, raw: string): unknown {
  if (p.style === 'label') {
    const body = raw.startsWith('.') ? raw.slice(1) : raw;
    return fromDelimited(document, p, body, p.explode ? '.' : ',');
  }
  if (p.style === 'matrix') {
    const prefix = `;${p.name}=`;
    // An exploded object is one `;member=value` pair per member: `;lat=50;long=20`.
    if (kindOf(document, p.schema) === 'object' && p.explode) {
      return keyValues(
        document,
        p.schema,
        raw.split(';').filter((part) => part !== ''),
      );
    }
    if (kindOf(document, p.schema) === 'array' && p.explode) {
      const items = itemSchema(document, p.schema);
      return raw
        .split(';')
        .filter((part) => part !== '')
        .map((part) => coerceScalar(document, items, part.slice(part.indexOf('=') + 1)));
    }
    return fromDelimited(document, p, raw.startsWith(prefix) ? raw.slice(prefix.length) : raw, ',');
  }
  return fromDelimited(document, p, raw, ',');
}

function parseCookies(header: string | string[] | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  const text = Array.isArray(header) ? header.join('; ') : (header ?? '');
  for (const part of text.split(';').slice(0, MAX_QUERY_MEMBERS)) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    const name = part.slice(0, eq).trim();
    if (name !== '' && !cookies.has(name)) cookies.set(name, part.slice(eq + 1).trim());
  }
  return cookies;
}

function fromContent(p: Parameter, raw: string): unknown {
  if (p.contentType !== undefined && /json/i.test(p.contentType)) {
    try {
      return JSON.parse(raw);
    } catch {
      return raw;
    }
  }
  return raw;
}

/**
 * Reads the operation's parameters. Query members no parameter consumes are returned in `unknown`;
 * a scalar query parameter given twice is a violation (parameter pollution: which copy counts
 * differs between servers).
 */
export function readParameters(
  document: unknown,
  parameters: readonly Parameter[],
  input: ParameterInput,
): { values: ParameterValues; unknown: string[]; violations: Violation[] } {
  const values: ParameterValues = { path: {}, query: {}, header: {}, cookie: {} };
  const violations: Violation[] = [];
  const consumed = new Set<string>();
  let cookies: Map<string, string> | undefined;
  for (const p of parameters) {
    const where = `${p.in}${memberSegment(p.name)}`;
    if (p.in === 'path') {
      const raw = input.path[p.name];
      if (raw !== undefined)
        values.path[p.name] = p.contentType ? fromContent(p, raw) : fromPath(document, p, raw);
    } else if (p.in === 'header') {
      const raw = input.headers[p.name];
      if (raw !== undefined) {
        const text = Array.isArray(raw) ? raw.join(', ') : raw;
        values.header[p.name] = p.contentType ? fromContent(p, text) : fromDelimited(document, p, text, ',');
      }
    } else if (p.in === 'cookie') {
      cookies ??= parseCookies(input.headers.cookie);
      const raw = cookies.get(p.name);
      if (raw !== undefined)
        values.cookie[p.name] = p.contentType ? fromContent(p, raw) : fromDelimited(document, p, raw, ',');
    } else {
      const value = readQuery(document, p, input.query, consumed, violations, where);
      if (value !== undefined) values.query[p.name] = value;
    }
  }
  const unknown: string[] = [];
  let seen = 0;
  for (const key of input.query.keys()) {
    if (++seen > MAX_QUERY_MEMBERS) break;
    if (!consumed.has(key) && !unknown.includes(key)) unknown.push(key);
  }
  return { values, unknown, violations };
}

function readQuery(
  document: unknown,
  p: Parameter,
  query: URLSearchParams,
  consumed: Set<string>,
  violations: Violation[],
  where: string,
): unknown {
  const kind = kindOf(document, p.schema);
  if (p.style === 'deepObject') {
    const out: Record<string, unknown> = {};
    let found = false;
    for (const [key, raw] of query) {
      if (!key.startsWith(`${p.name}[`) || !key.endsWith(']')) continue;
      consumed.add(key);
      found = true;
      const member = key.slice(p.name.length + 1, -1);
      out[member] = coerceScalar(document, propertySchema(document, p.schema, member), raw);
    }
    return found ? out : undefined;
  }
  if (kind === 'object' && p.explode && p.style === 'form') {
    const value = safeDeref(document, p.schema);
    const names = isObject(value) && isObject(value.properties) ? Object.keys(value.properties) : [];
    const out: Record<string, unknown> = {};
    for (const name of names) {
      const raw = query.get(name);
      if (raw === null) continue;
      consumed.add(name);
      out[name] = coerceScalar(document, propertySchema(document, p.schema, name), raw);
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  const all = query.getAll(p.name);
  if (all.length === 0) return undefined;
  consumed.add(p.name);
  if (p.contentType !== undefined) return fromContent(p, all[0]!);
  if (kind === 'array') {
    const items = itemSchema(document, p.schema);
    if (p.explode && p.style === 'form') return all.map((item) => coerceScalar(document, items, item));
    const separator = p.style === 'spaceDelimited' ? ' ' : p.style === 'pipeDelimited' ? '|' : ',';
    return all
      .flatMap((joined) => joined.split(separator))
      .map((item) => coerceScalar(document, items, item));
  }
  if (all.length > 1) violations.push({ location: where, message: 'must be given once' });
  return fromDelimited(document, p, all[0]!, ',');
}
