// A linear, non-recursive JSON scanner (RFC 8259) that measures a document's shape — nesting depth,
// object member count, array items, string bytes — and stops at the first limit, without building values.
import { isUtf8 } from 'node:buffer';

/** Limits the scan stops at. */
export interface JsonShapeLimits {
  /** Deepest allowed nesting of objects and arrays (`{}` is depth 1). */
  readonly maxDepth: number;
  /** Most object members allowed across the whole document. */
  readonly maxKeys: number;
}

/** The measured shape of a valid document. */
export interface JsonShape {
  readonly depth: number;
  readonly keys: number;
  readonly items: number;
  /** Bytes inside string literals (keys and values), escapes counted as written. */
  readonly stringBytes: number;
}

/** Why a scan stopped. */
export type JsonShapeError = 'invalid' | 'too-deep' | 'too-many-keys';

export type JsonShapeResult =
  | ({ readonly ok: true } & JsonShape)
  | { readonly ok: false; readonly error: JsonShapeError; readonly offset: number };

const OBJECT = 1;
const ARRAY = 2;

// What the scanner expects next.
const VALUE = 0;
const VALUE_OR_END = 1;
const AFTER_VALUE = 2;
const KEY_OR_END = 3;
const KEY = 4;
const COLON = 5;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 0x30 && c <= 0x39;
}

function isHex(c: number | undefined): boolean {
  return (
    c !== undefined && ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66))
  );
}

// Returns the offset after the closing quote, or -1; `start` is the offset of the opening quote.
function scanString(bytes: Uint8Array, start: number): number {
  let i = start + 1;
  while (i < bytes.length) {
    const c = bytes[i]!;
    if (c === QUOTE) return i + 1;
    if (c < 0x20) return -1;
    if (c === BACKSLASH) {
      const e = bytes[i + 1];
      if (e === 0x75) {
        if (!isHex(bytes[i + 2]) || !isHex(bytes[i + 3]) || !isHex(bytes[i + 4]) || !isHex(bytes[i + 5]))
          return -1;
        i += 6;
        continue;
      }
      // " \ / b f n r t
      if (
        e !== QUOTE &&
        e !== BACKSLASH &&
        e !== 0x2f &&
        e !== 0x62 &&
        e !== 0x66 &&
        e !== 0x6e &&
        e !== 0x72 &&
        e !== 0x74
      )
        return -1;
      i += 2;
      continue;
    }
    i++;
  }
  return -1;
}

// Returns the offset after the number, or -1 (RFC 8259 §6 grammar).
function scanNumber(bytes: Uint8Array, start: number): number {
  let i = start;
  if (bytes[i] === 0x2d) i++;
  if (bytes[i] === 0x30) i++;
  else if (isDigit(bytes[i])) while (isDigit(bytes[i])) i++;
  else return -1;
  if (bytes[i] === 0x2e) {
    i++;
    if (!isDigit(bytes[i])) return -1;
    while (isDigit(bytes[i])) i++;
  }
  if (bytes[i] === 0x65 || bytes[i] === 0x45) {
    i++;
    if (bytes[i] === 0x2b || bytes[i] === 0x2d) i++;
    if (!isDigit(bytes[i])) return -1;
    while (isDigit(bytes[i])) i++;
  }
  return i;
}

const LITERALS: Record<number, readonly number[]> = {
  116: [0x74, 0x72, 0x75, 0x65], // true
  102: [0x66, 0x61, 0x6c, 0x73, 0x65], // false
  110: [0x6e, 0x75, 0x6c, 0x6c], // null
};

function scanLiteral(bytes: Uint8Array, start: number): number {
  const literal = LITERALS[bytes[start]!];
  if (literal === undefined) return -1;
  for (let k = 0; k < literal.length; k++) if (bytes[start + k] !== literal[k]) return -1;
  return start + literal.length;
}

/**
 * Scans a JSON document once, left to right, with an explicit stack bounded by `maxDepth`, so hostile
 * nesting costs neither recursion nor memory. The bytes must be UTF-8 without a BOM (RFC 8259 §8.1).
 */
export function scanJsonShape(bytes: Uint8Array, limits: JsonShapeLimits): JsonShapeResult {
  if (!isUtf8(bytes)) return { ok: false, error: 'invalid', offset: 0 };
  const stack = new Uint8Array(limits.maxDepth + 1);
  let depth = 0;
  let maxSeen = 0;
  let keys = 0;
  let items = 0;
  let stringBytes = 0;
  let state = VALUE;
  let i = 0;
  const fail = (error: JsonShapeError, offset: number): JsonShapeResult => ({ ok: false, error, offset });
  while (true) {
    // RFC 8259 §2 whitespace: space, tab, line feed, carriage return.
    let c = bytes[i];
    while (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) c = bytes[++i];
    if (c === undefined) break;
    if (state === VALUE || state === VALUE_OR_END) {
      if (state === VALUE_OR_END && c === 0x5d) {
        depth--;
        i++;
        state = AFTER_VALUE;
        continue;
      }
      if (stack[depth] === ARRAY) items++;
      if (c === 0x7b || c === 0x5b) {
        if (depth === limits.maxDepth) return fail('too-deep', i);
        stack[++depth] = c === 0x7b ? OBJECT : ARRAY;
        if (depth > maxSeen) maxSeen = depth;
        state = c === 0x7b ? KEY_OR_END : VALUE_OR_END;
        i++;
        continue;
      }
      let end: number;
      if (c === QUOTE) {
        end = scanString(bytes, i);
        if (end !== -1) stringBytes += end - i - 2;
      } else if (c === 0x2d || isDigit(c)) end = scanNumber(bytes, i);
      else end = scanLiteral(bytes, i);
      if (end === -1) return fail('invalid', i);
      i = end;
      state = AFTER_VALUE;
      continue;
    }
    if (state === AFTER_VALUE) {
      const top = stack[depth];
      if (depth === 0) return fail('invalid', i);
      if (c === 0x2c) state = top === OBJECT ? KEY : VALUE;
      else if ((c === 0x7d && top === OBJECT) || (c === 0x5d && top === ARRAY)) depth--;
      else return fail('invalid', i);
      i++;
      continue;
    }
    if (state === KEY_OR_END && c === 0x7d) {
      depth--;
      i++;
      state = AFTER_VALUE;
      continue;
    }
    if (state === KEY || state === KEY_OR_END) {
      if (c !== QUOTE) return fail('invalid', i);
      if (++keys > limits.maxKeys) return fail('too-many-keys', i);
      const end = scanString(bytes, i);
      if (end === -1) return fail('invalid', i);
      stringBytes += end - i - 2;
      i = end;
      state = COLON;
      continue;
    }
    // COLON
    if (c !== 0x3a) return fail('invalid', i);
    i++;
    state = VALUE;
  }
  if (state !== AFTER_VALUE || depth !== 0) return fail('invalid', i);
  return { ok: true, depth: maxSeen, keys, items, stringBytes };
}
