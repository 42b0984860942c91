// Counts request header fields and their size as they stood on the wire.
import type { HeaderMap } from '../policy.ts';

/** How many header fields a request carried and how many bytes they took. */
export interface HeaderStats {
  count: number;
  bytes: number;
}

// Each field line is `name: value` + CRLF (RFC 9112 §5), so 4 bytes of framing per field.
const FIELD_FRAMING = 4;

/**
 * Measures header fields. Values are latin1 strings (one char per byte), so `.length` is the byte count.
 * Node merges repeated fields into one value, so the count is a lower bound of the fields sent.
 */
export function headerStats(headers: Readonly<HeaderMap>): HeaderStats {
  let count = 0;
  let bytes = 0;
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    if (typeof value === 'string') {
      count++;
      bytes += name.length + value.length + FIELD_FRAMING;
    } else {
      for (const item of value) {
        count++;
        bytes += name.length + item.length + FIELD_FRAMING;
      }
    }
  }
  return { count, bytes };
}
