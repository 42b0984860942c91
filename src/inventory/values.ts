// What an observed value looks like: the kind of a path segment (integer, uuid, hash, date, email,
// slug or a plain word) and the JSON-Schema type and format of a query, header or body value. Every
// test is a bounded character scan (no regex that can backtrack on what a client sent).

/** The kinds a path segment is classified into; all but `word` are parameters. */
export const SEGMENT_KINDS = ['int', 'uuid', 'hash', 'date', 'email', 'slug', 'word'] as const;
export type SegmentKind = (typeof SEGMENT_KINDS)[number];

/** Kinds that make a segment a parameter on sight (one request is evidence enough). */
export const ID_KINDS: ReadonlySet<SegmentKind> = new Set(['int', 'uuid', 'hash', 'date', 'email']);

/** JSON-Schema types a value is recorded as. */
export type JsonType = 'integer' | 'number' | 'boolean' | 'string' | 'object' | 'array' | 'null';

const MAX_SEGMENT = 256;

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isHex = (c: number): boolean => isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
const isLetter = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90);

function allDigits(text: string, from: number, to: number): boolean {
  if (from >= to) return false;
  for (let i = from; i < to; i++) if (!isDigit(text.charCodeAt(i))) return false;
  return true;
}

/** 8-4-4-4-12 hexadecimal digits (RFC 9562 §4). */
export function isUuid(text: string): boolean {
  if (text.length !== 36) return false;
  for (let i = 0; i < 36; i++) {
    const c = text.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 45) return false;
    } else if (!isHex(c)) return false;
  }
  return true;
}

/** `YYYY-MM-DD` (RFC 3339 full-date), month and day in range. */
export function isDate(text: string): boolean {
  if (text.length !== 10 || text[4] !== '-' || text[7] !== '-') return false;
  if (!allDigits(text, 0, 4) || !allDigits(text, 5, 7) || !allDigits(text, 8, 10)) return false;
  const month = Number(text.slice(5, 7));
  const day = Number(text.slice(8, 10));
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

/** An RFC 3339 date-time: a date, `T`, `hh:mm:ss`, optional fraction, then `Z` or an offset. */
export function isDateTime(text: string): boolean {
  if (text.length < 20 || text.length > 40 || !isDate(text.slice(0, 10))) return false;
  const t = text[10];
  if (t !== 'T' && t !== 't' && t !== ' ') return false;
  if (text[13] !== ':' || text[16] !== ':') return false;
  if (!allDigits(text, 11, 13) || !allDigits(text, 14, 16) || !allDigits(text, 17, 19)) return false;
  let i = 19;
  if (text[i] === '.') {
    i++;
    const start = i;
    while (i < text.length && isDigit(text.charCodeAt(i))) i++;
    if (i === start) return false;
  }
  const rest = text.slice(i);
  if (rest === 'Z' || rest === 'z') return true;
  return (
    rest.length === 6 &&
    (rest[0] === '+' || rest[0] === '-') &&
    rest[3] === ':' &&
    allDigits(rest, 1, 3) &&
    allDigits(rest, 4, 6)
  );
}

/** A whole value that is an address: a bounded local part, `@`, a dotted domain with a letter TLD. */
export function isEmail(text: string): boolean {
  if (text.length > 254) return false;
  const at = text.indexOf('@');
  if (at < 1 || at > 64 || text.indexOf('@', at + 1) !== -1) return false;
  for (let i = 0; i < at; i++) {
    const c = text.charCodeAt(i);
    if (!(isLetter(c) || isDigit(c) || c === 46 || c === 95 || c === 37 || c === 43 || c === 45))
      return false;
  }
  const lastDot = text.lastIndexOf('.');
  if (lastDot < at + 2 || text.length - lastDot - 1 < 2) return false;
  for (let i = at + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!(isLetter(c) || isDigit(c) || c === 46 || c === 45)) return false;
  }
  for (let i = lastDot + 1; i < text.length; i++) if (!isLetter(text.charCodeAt(i))) return false;
  return true;
}

/** Hexadecimal of a digest's or an object id's length (16+ characters, at least one digit). */
function isHash(text: string): boolean {
  if (text.length < 16 || text.length > 128) return false;
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!isHex(c)) return false;
    if (isDigit(c)) digits++;
  }
  return digits > 0 && digits < text.length;
}

/**
 * Slug-like: letters, digits, `-`, `_` and `.` only, and either several words joined by `-`/`_` or
 * letters and digits mixed (`my-first-post`, `sku_1234`, `a1b2c3`). Whether slug-like siblings are a
 * parameter is decided on statistics over many values (path-tree.ts), never on one.
 */
function isSlugLike(text: string): boolean {
  if (text.length < 3) return false;
  let letters = 0;
  let digits = 0;
  let joins = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (isLetter(c)) letters++;
    else if (isDigit(c)) digits++;
    else if (c === 45 || c === 95) joins++;
    else if (c !== 46) return false;
  }
  return (joins > 0 && letters + digits > joins) || (letters > 0 && digits > 0);
}

/** The kind of one path segment (already percent-decoded by the gateway's normalization). */
export function segmentKind(segment: string): SegmentKind {
  if (segment.length === 0 || segment.length > MAX_SEGMENT) return segment.length === 0 ? 'word' : 'slug';
  if (allDigits(segment, 0, segment.length)) return 'int';
  if (isUuid(segment)) return 'uuid';
  if (isDate(segment)) return 'date';
  if (isHash(segment)) return 'hash';
  if (segment.includes('@')) return isEmail(segment) ? 'email' : 'word';
  return isSlugLike(segment) ? 'slug' : 'word';
}

/** The parameter name a kind gets in a learned template. */
export function paramNameOf(kind: SegmentKind): string {
  switch (kind) {
    case 'int':
    case 'uuid':
      return 'id';
    case 'word':
      return 'name';
    default:
      return kind;
  }
}

/** The schema a path parameter of this kind is exported with. */
export function schemaOfKind(kind: SegmentKind): { type: string; format?: string } {
  switch (kind) {
    case 'int':
      return { type: 'integer' };
    case 'uuid':
      return { type: 'string', format: 'uuid' };
    case 'date':
      return { type: 'string', format: 'date' };
    case 'email':
      return { type: 'string', format: 'email' };
    default:
      return { type: 'string' };
  }
}

/** The JSON type of a text value from a query string or a header (all arrive as text). */
export function textType(value: string): JsonType {
  if (value.length === 0 || value.length > 32) return 'string';
  const first = value.charCodeAt(0);
  const start = first === 45 ? 1 : 0;
  if (allDigits(value, start, value.length)) return value.length - start <= 15 ? 'integer' : 'string';
  if (value === 'true' || value === 'false') return 'boolean';
  const dot = value.indexOf('.');
  if (dot > start && allDigits(value, start, dot) && allDigits(value, dot + 1, value.length)) return 'number';
  return 'string';
}

/** The format of a string value worth recording (`uuid`, `date`, `date-time`, `email`), if any. */
export function stringFormat(value: string): string | undefined {
  if (value.length > 254) return undefined;
  if (isUuid(value)) return 'uuid';
  if (isDate(value)) return 'date';
  if (isDateTime(value)) return 'date-time';
  if (isEmail(value)) return 'email';
  return undefined;
}

/** The JSON type of a parsed JSON value. */
export function jsonType(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'number':
      return Number.isInteger(value) ? 'integer' : 'number';
    case 'boolean':
      return 'boolean';
    case 'string':
      return 'string';
    default:
      return 'object';
  }
}
