// Percent-decoding that never throws: `%XX` bytes go through a lenient UTF-8 decoder that also
// accepts overlong forms (`%c0%ae` is '.'), so a filter cannot be bypassed by an encoding the
// origin server would still accept; `%uXXXX` (IIS) is decoded too.

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  const lower = code | 0x20;
  if (lower >= 97 && lower <= 102) return lower - 87;
  return -1;
}

function byteAt(text: string, i: number): number {
  if (text.charCodeAt(i) !== 37 || i + 2 >= text.length) return -1;
  const hi = hexValue(text.charCodeAt(i + 1));
  const lo = hexValue(text.charCodeAt(i + 2));
  return hi < 0 || lo < 0 ? -1 : (hi << 4) | lo;
}

/** How many bytes a UTF-8 sequence with this lead byte has (overlong leads 0xC0/0xC1 accepted). */
function sequenceLength(lead: number): number {
  if (lead >= 0xc0 && lead < 0xe0) return 2;
  if (lead >= 0xe0 && lead < 0xf0) return 3;
  if (lead >= 0xf0 && lead < 0xf8) return 4;
  if (lead >= 0xf8 && lead < 0xfc) return 5;
  if (lead >= 0xfc && lead < 0xfe) return 6;
  return 1;
}

/** Decodes `%XX` and `%uXXXX` escapes; invalid escapes are kept as text. Linear in the input. */
export function percentDecode(text: string): string {
  if (text.indexOf('%') < 0) return text;
  let out = '';
  let i = 0;
  const n = text.length;
  while (i < n) {
    if (text.charCodeAt(i) !== 37) {
      // Copy the run up to the next escape in one slice.
      const next = text.indexOf('%', i);
      const end = next < 0 ? n : next;
      out += text.slice(i, end);
      i = end;
      continue;
    }
    if ((text.charCodeAt(i + 1) | 0x20) === 117 && i + 5 < n) {
      let unit = 0;
      let k = 2;
      for (; k < 6; k++) {
        const d = hexValue(text.charCodeAt(i + k));
        if (d < 0) break;
        unit = (unit << 4) | d;
      }
      if (k === 6) {
        out += String.fromCharCode(unit);
        i += 6;
        continue;
      }
    }
    const lead = byteAt(text, i);
    if (lead < 0) {
      out += '%';
      i++;
      continue;
    }
    if (lead < 0x80) {
      out += String.fromCharCode(lead);
      i += 3;
      continue;
    }
    const len = sequenceLength(lead);
    let cp = lead & (0x7f >> len);
    // Overlong leads (0xC0/0xC1) can only encode ASCII; old IIS decoders masked any second byte
    // (`%c0%2e`, `%c0%ee` read as '.'), so accept it here too.
    const overlong = lead === 0xc0 || lead === 0xc1;
    let k = 1;
    for (; k < len; k++) {
      const b = byteAt(text, i + 3 * k);
      if (b < 0 || (!overlong && (b < 0x80 || b > 0xbf))) break;
      cp = cp * 64 + (b & 0x3f);
    }
    if (len === 1 || k < len || cp > 0x10ffff) {
      // A stray byte: keep its Latin-1 reading rather than dropping evidence.
      out += String.fromCharCode(lead);
      i += 3;
      continue;
    }
    out += String.fromCodePoint(cp);
    i += 3 * len;
  }
  return out;
}

/**
 * `text` percent-decoded once as UTF-8, the way applications read a path segment or a cookie value
 * (`decodeURIComponent`); unchanged when it holds no escape or a malformed one.
 */
export function decodeComponentOnce(text: string): string {
  if (!text.includes('%')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
