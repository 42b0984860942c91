// W3C Trace Context (https://www.w3.org/TR/trace-context/): the `traceparent` header parsed strictly
// (§3.2: version 00 is exactly 55 characters, lower-case hex, ids not all zeros; a higher version may
// add fields after a dash), written back, and a `tracestate` bounded before anything reads it.

/** A parsed `traceparent`. */
export interface TraceParent {
  readonly traceId: string;
  readonly parentId: string;
  readonly flags: number;
}

// §3.3.1.1: vendors may cut tracestate beyond 512 characters; more than that is not worth reading.
const TRACESTATE_MAX = 512;

function isLowerHex(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false;
  }
  return true;
}

function allZeros(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) !== 0x30) return false;
  return true;
}

/** Parses a `traceparent` value; undefined when it is not one (several headers count as invalid). */
export function parseTraceParent(value: string | string[] | undefined): TraceParent | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (text.length < 55 || text.length > 256) return undefined;
  if (text[2] !== '-' || text[35] !== '-' || text[52] !== '-') return undefined;
  if (!isLowerHex(text, 0, 2) || !isLowerHex(text, 3, 35) || !isLowerHex(text, 36, 52)) return undefined;
  if (!isLowerHex(text, 53, 55)) return undefined;
  const version = text.slice(0, 2);
  if (version === 'ff') return undefined;
  if (version === '00' ? text.length !== 55 : text.length > 55 && text[55] !== '-') return undefined;
  const traceId = text.slice(3, 35);
  const parentId = text.slice(36, 52);
  if (allZeros(traceId) || allZeros(parentId)) return undefined;
  return { traceId, parentId, flags: Number.parseInt(text.slice(53, 55), 16) };
}

/** Writes a version-00 `traceparent`. */
export function formatTraceParent(traceId: string, spanId: string, flags: number): string {
  return `00-${traceId}-${spanId}-${(flags & 0xff).toString(16).padStart(2, '0')}`;
}

/** A `tracestate` value fit to read further (one header, bounded, printable ASCII), else undefined. */
export function boundedTraceState(value: string | string[] | undefined): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > TRACESTATE_MAX) return undefined;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return undefined;
  }
  return value;
}
