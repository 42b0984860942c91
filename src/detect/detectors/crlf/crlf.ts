// CRLF / header injection and response splitting: a line break (also the encodings some servers
// truncate to CR/LF, like U+560A) followed by a header field or an HTTP status line (RFC 9112 §2.2).
import { hit } from '../../rules.ts';
import type { Detector, Hit } from '../../types.ts';
import { CRLF_RULES } from './rules.ts';

const HEADER_NAMES = new Set([
  'set-cookie',
  'location',
  'content-type',
  'content-length',
  'content-security-policy',
  'refresh',
  'link',
  'access-control-allow-origin',
  'access-control-allow-credentials',
  'access-control-allow-headers',
  'x-xss-protection',
  'transfer-encoding',
  'cache-control',
  'cookie',
  'content-disposition',
  'strict-transport-security',
  'www-authenticate',
  'proxy-authorization',
  'content-encoding',
]);

// Code points whose low byte is CR or LF and that some stacks truncate to one byte (the
// `%E5%98%8A%E5%98%8D` trick); a fixed list, so Latin letters like U+010D stay innocent.
const LINE_BREAKS = new Set([10, 13, 0x560a, 0x560d, 0x010a, 0x0085, 0x2028, 0x2029]);

const ANY_BREAK = /[\n\r\u560a\u560d\u010a\u0085\u2028\u2029]/;

function isTokenChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 95;
}

/** The CRLF detector. */
export const crlfDetector: Detector = {
  category: 'crlf',
  rules: Object.values(CRLF_RULES),
  detect(views, kind) {
    const hits: Hit[] = [];
    if (!ANY_BREAK.test(views.decoded)) return hits;
    // ASCII-only lower-casing keeps U+010A (which full lower-casing turns into U+010B).
    const text = views.decoded.replace(/[A-Z]+/g, (m) => m.toLowerCase());
    const n = text.length;
    for (let i = 0; i < n; i++) {
      if (!LINE_BREAKS.has(text.charCodeAt(i))) continue;
      if (kind === 'header' || kind === 'cookie') {
        hits.push(hit(CRLF_RULES['crlf.header-break'], i));
        return hits;
      }
      let j = i + 1;
      while (
        j < n &&
        (LINE_BREAKS.has(text.charCodeAt(j)) || text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)
      )
        j++;
      // `%%0a0a` leaves `0a` behind once the inner escape is decoded (a filter that strips the
      // inner one would leave `%0a`): either way the header follows.
      if (text.startsWith('0a', j) || text.startsWith('0d', j)) j += 2;
      const start = j;
      while (j < n && j - start < 64 && isTokenChar(text.charCodeAt(j))) j++;
      const name = text.slice(start, j);
      if (
        text.charCodeAt(j) === 58 &&
        (HEADER_NAMES.has(name) || (name.startsWith('x-') && name.length > 3))
      ) {
        hits.push(hit(CRLF_RULES['crlf.header-injection'], i));
        return hits;
      }
      if (
        text.startsWith('http/1.', start) ||
        text.startsWith('<html', start) ||
        text.startsWith('<script', start)
      ) {
        hits.push(hit(CRLF_RULES['crlf.response-splitting'], i));
        return hits;
      }
      i = Math.max(i, start - 1);
    }
    return hits;
  },
};
