// Query strings and urlencoded forms (WHATWG URL §5.1): names become `key` inputs, values `query`
// (or `body`) inputs, each decoded once the way the origin would; detectors decode further.
import { decodeComponentOnce } from '../decode/percent.ts';
import { DUPLICATES_LOCATION } from '../detectors/protocol/protocol.ts';
import type { Input, InputKind } from '../types.ts';
import { MAX_INPUTS, segment } from './limits.ts';

function decodeComponent(text: string): string {
  const plus = text.includes('+') ? text.replaceAll('+', ' ') : text;
  if (!plus.includes('%')) return plus;
  try {
    return decodeURIComponent(plus);
  } catch {
    // Malformed escapes: keep the text; the engine's lenient decoder reads what it can.
    return plus;
  }
}

/** Inputs of an `a=1&b=2` string; `prefix` is `query` or `body`. */
export function inputsFromUrlencoded(raw: string, prefix = 'query', kind: InputKind = 'query'): Input[] {
  const inputs: Input[] = [];
  if (raw.length === 0) return inputs;
  let start = 0;
  while (start <= raw.length) {
    let end = raw.indexOf('&', start);
    if (end < 0) end = raw.length;
    const pair = raw.slice(start, end);
    start = end + 1;
    if (pair.length === 0) continue;
    if (inputs.length >= MAX_INPUTS) {
      inputs.push({ location: `${prefix}.#rest`, value: raw.slice(end), kind });
      break;
    }
    const eq = pair.indexOf('=');
    const name = decodeComponent(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? '' : decodeComponent(pair.slice(eq + 1));
    const location = `${prefix}.${segment(name)}`;
    inputs.push({ location, value: name, kind: 'key' });
    if (value.length > 0) inputs.push({ location, value, kind });
  }
  return inputs;
}

/**
 * Inputs of a raw query string (without `?`). Names given more than once are reported as one
 * more input at `query.#duplicates` (their names, comma-separated) for the parameter-pollution check.
 */
export function inputsFromQuery(rawQuery: string): Input[] {
  const inputs = inputsFromUrlencoded(
    rawQuery.startsWith('?') ? rawQuery.slice(1) : rawQuery,
    'query',
    'query',
  );
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const input of inputs) {
    if (input.kind !== 'key') continue;
    if (seen.has(input.value)) repeated.add(input.value);
    seen.add(input.value);
  }
  if (repeated.size > 0)
    inputs.push({ location: DUPLICATES_LOCATION, value: [...repeated].join(','), kind: 'key' });
  return inputs;
}

/** Path segments of only these characters carry nothing the whole path does not show. */
const PLAIN_SEGMENT = /^[A-Za-z0-9._~-]*$/;
/** At most this many segments are inspected one by one. */
const MAX_SEGMENTS = 64;

/** The raw path (without query) as one input: traversal is a property of the whole path. */
export function inputsFromPath(rawPath: string): Input[] {
  const q = rawPath.indexOf('?');
  const path = q < 0 ? rawPath : rawPath.slice(0, q);
  return path.length > 1 ? [{ location: 'path', value: path, kind: 'path' }] : [];
}

/**
 * Each segment of the raw path with characters beyond unreserved ones, decoded once, as its own
 * input (`/api/%3Bid` → `;id`), the way a route parameter reaches the application. `skip` holds
 * segment indexes (of the path split on `/`) that need no inspection.
 */
export function inputsFromPathSegments(rawPath: string, skip: ReadonlySet<number> = new Set()): Input[] {
  const q = rawPath.indexOf('?');
  const parts = (q < 0 ? rawPath : rawPath.slice(0, q)).split('/');
  const inputs: Input[] = [];
  for (let i = 0; i < parts.length && inputs.length < MAX_SEGMENTS; i++) {
    const part = parts[i]!;
    if (part.length === 0 || PLAIN_SEGMENT.test(part) || skip.has(i)) continue;
    inputs.push({ location: 'path', value: decodeComponentOnce(part), kind: 'path' });
  }
  return inputs;
}
