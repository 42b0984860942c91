// Backslash escapes of JavaScript, JSON and many languages: `\uXXXX`, `\u{X…}` and `\xXX`.

function hex(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  const lower = code | 0x20;
  return lower >= 97 && lower <= 102 ? lower - 87 : -1;
}

function readHex(text: string, from: number, count: number): number {
  let value = 0;
  for (let k = 0; k < count; k++) {
    const d = hex(text.charCodeAt(from + k));
    if (d < 0) return -1;
    value = (value << 4) | d;
  }
  return value;
}

/** Decodes `\uXXXX`, `\u{…}` and `\xXX`; anything else stays as it is. Linear in the input. */
export function decodeEscapes(text: string): string {
  if (text.indexOf('\\') < 0) return text;
  let out = '';
  let i = 0;
  const n = text.length;
  while (i < n) {
    if (text.charCodeAt(i) !== 92) {
      const next = text.indexOf('\\', i);
      const end = next < 0 ? n : next;
      out += text.slice(i, end);
      i = end;
      continue;
    }
    if (i + 1 >= n) {
      out += '\\';
      i++;
      continue;
    }
    const kind = text.charCodeAt(i + 1) | 0x20;
    if (kind === 117 && text.charCodeAt(i + 2) === 123) {
      const close = text.indexOf('}', i + 3);
      if (close > i + 3 && close - i - 3 <= 6) {
        const value = readHex(text, i + 3, close - i - 3);
        if (value >= 0 && value <= 0x10ffff) {
          out += String.fromCodePoint(value);
          i = close + 1;
          continue;
        }
      }
    } else if (kind === 117) {
      const value = readHex(text, i + 2, 4);
      if (value >= 0) {
        out += String.fromCharCode(value);
        i += 6;
        continue;
      }
    } else if (kind === 120) {
      const value = readHex(text, i + 2, 2);
      if (value >= 0) {
        out += String.fromCharCode(value);
        i += 4;
        continue;
      }
    }
    out += '\\';
    i++;
  }
  return out;
}
