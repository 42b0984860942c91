// One JSON parse per body, shared by the policies of a request or response that read it: the parsed
// value is remembered against the body's Buffer (a WeakMap, so it lives exactly as long as the body),
// and a policy that edits the value hands back a new Buffer registered with the edited value.

/** A body read as JSON, or the fact that it is not JSON. */
export type ParsedJson = { readonly ok: true; readonly value: unknown } | { readonly ok: false };

const NOT_JSON: ParsedJson = Object.freeze({ ok: false });
const parsed = new WeakMap<Buffer, ParsedJson>();

/**
 * The JSON value of `body`, parsed once per Buffer. The value is shared: a caller that changes it must
 * then call `replaceJson` (the change becomes the new body) or `forgetJson` (the change is dropped
 * from the cache, the body stays as it was). `text` is the body already decoded as UTF-8, if at hand.
 */
export function jsonOf(body: Buffer, text?: string): ParsedJson {
  const hit = parsed.get(body);
  if (hit !== undefined) return hit;
  let result: ParsedJson;
  try {
    result = { ok: true, value: JSON.parse(text ?? body.toString('utf8')) };
  } catch {
    result = NOT_JSON;
  }
  parsed.set(body, result);
  return result;
}

/** Serializes an edited value into a new body and remembers the value for it. */
export function replaceJson(previous: Buffer, value: unknown): Buffer {
  parsed.delete(previous);
  const body = Buffer.from(JSON.stringify(value), 'utf8');
  parsed.set(body, { ok: true, value });
  return body;
}

/** Drops the cached value of `body` (it was edited in place and the edit is not kept). */
export function forgetJson(body: Buffer): void {
  parsed.delete(body);
}
