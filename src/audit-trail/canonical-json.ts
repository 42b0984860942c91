// Canonical JSON (the JSON Canonicalization Scheme, RFC 8785, for the values audit records hold):
// members sorted by UTF-16 code units, no whitespace, ECMAScript number and string serialization.
// The same value always gives the same text, so its SHA-256 is the value's fingerprint whichever
// store kept it (a PostgreSQL jsonb column reorders members; the hash does not change).

/** A value canonical JSON can hold. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue | undefined };

// Deeper than any config (src/config/source.ts allows 64 levels) or record.
const MAX_DEPTH = 128;

/** The canonical text of `value`; members whose value is `undefined` are left out. */
export function canonicalJson(value: JsonValue): string {
  return write(value, 0);
}

function write(value: JsonValue, depth: number): string {
  if (depth > MAX_DEPTH) throw new RangeError('canonical JSON: nested too deeply');
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    // RFC 8785 §3.2.2.3: NaN and the infinities have no JSON form.
    if (!Number.isFinite(value)) throw new RangeError('canonical JSON: numbers must be finite');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((item: JsonValue) => write(item, depth + 1)).join(',')}]`;
  const object = value as { readonly [key: string]: JsonValue | undefined };
  // RFC 8785 §3.2.3: members sorted by their names as arrays of UTF-16 code units (sort's default order).
  const keys = Object.keys(object)
    .filter((key) => object[key] !== undefined)
    .sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${write(object[key] as JsonValue, depth + 1)}`).join(',')}}`;
}
