// Request-target normalization that routing and the upstream both see, so that no spelling of a path
// (`/a/../admin`, `//admin`, `/%2e%2e/admin`, `/admin%2f..`) reaches a route it does not match.

/** The outcome of normalizing a request target. */
export type NormalizedTarget =
  | { readonly ok: true; readonly path: string; readonly rawQuery: string }
  | { readonly ok: false; readonly reason: string };

const HEX = '0123456789ABCDEF';

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 65 && code <= 70) return code - 55;
  if (code >= 97 && code <= 102) return code - 87;
  return -1;
}

// RFC 3986 §2.3: unreserved characters, whose percent-encodings are equivalent to the characters.
function isUnreserved(byte: number): boolean {
  return (
    (byte >= 65 && byte <= 90) ||
    (byte >= 97 && byte <= 122) ||
    (byte >= 48 && byte <= 57) ||
    byte === 45 ||
    byte === 46 ||
    byte === 95 ||
    byte === 126
  );
}

function isDotOrEmpty(name: string): boolean {
  return name === '' || name === '.' || name === '..';
}

function fail(reason: string): NormalizedTarget {
  return { ok: false, reason };
}

/**
 * Normalizes an origin-form request target (RFC 9112 §3.2.1) into a canonical path and the raw query.
 * Escapes of unreserved characters are decoded (RFC 3986 §6.2.2.2), other escapes upper-cased;
 * encoded `/`, `\`, NUL and control characters and double encodings (`%252e`) are refused, because
 * upstreams disagree on what they mean (CVE-2021-41773, CVE-2007-0450); dot segments are resolved
 * (RFC 3986 §5.2.4, never above the root) and empty segments merged. A segment that is a dot
 * segment or empty once its path parameters (`;…`) are dropped is refused (CVE-2020-1938 family).
 */
export function normalizeTarget(target: string, maxLength = 65_536): NormalizedTarget {
  if (target.length === 0 || target.charCodeAt(0) !== 47) return fail('not origin-form');
  if (target.length > maxLength) return fail('too long');
  const queryAt = target.indexOf('?');
  const rawPath = queryAt === -1 ? target : target.slice(0, queryAt);
  const rawQuery = queryAt === -1 ? '' : target.slice(queryAt + 1);
  if (rawQuery.includes('#') || rawPath.includes('#')) return fail('fragment in target');

  const segments: string[] = [];
  let segment = '';
  let trailingSlash = false;
  let refused: string | undefined;
  const closeSegment = (): void => {
    if (segment.includes(';') && isDotOrEmpty(segment.slice(0, segment.indexOf(';')))) {
      // `..;x=1`, `.;`, `;jsessionid=1`: Tomcat, Jetty and Spring drop path parameters before resolving
      // dot segments, so `/pub/..;/admin` is `/admin` to them while a router sees a `..;` segment under
      // `/pub`. Neither spelling has a legitimate use: refuse rather than guess the upstream's reading.
      refused = 'dot segment with path parameters';
    } else if (segment === '..') {
      segments.pop();
      trailingSlash = true;
    } else if (segment === '.') {
      trailingSlash = true;
    } else if (segment !== '') {
      segments.push(segment);
      trailingSlash = false;
    } else {
      trailingSlash = true;
    }
    segment = '';
  };

  for (let i = 1; i < rawPath.length; i++) {
    const code = rawPath.charCodeAt(i);
    if (code === 47) {
      closeSegment();
      continue;
    }
    if (code === 92) return fail('backslash in path');
    if (code < 0x21 || code === 0x7f) return fail('control character in path');
    if (code !== 37) {
      segment += rawPath[i];
      continue;
    }
    const high = hexValue(rawPath.charCodeAt(i + 1));
    const low = hexValue(rawPath.charCodeAt(i + 2));
    if (high < 0 || low < 0) return fail('invalid percent-encoding');
    const byte = high * 16 + low;
    i += 2;
    if (byte === 47 || byte === 92) return fail('encoded slash in path');
    if (byte < 0x20 || byte === 0x7f) return fail('encoded control character in path');
    if (byte === 37 && hexValue(rawPath.charCodeAt(i + 1)) >= 0 && hexValue(rawPath.charCodeAt(i + 2)) >= 0) {
      return fail('double percent-encoding in path');
    }
    segment += isUnreserved(byte) ? String.fromCharCode(byte) : `%${HEX[high]}${HEX[low]}`;
  }
  if (rawPath.length > 1) closeSegment();
  else trailingSlash = false;
  if (refused !== undefined) return fail(refused);

  let path = `/${segments.join('/')}`;
  if (trailingSlash && segments.length > 0) path += '/';
  return { ok: true, path, rawQuery };
}

// A method token (RFC 9110 §9: tchar) followed by a space, at the start of a request line.
function startsRequestLine(bytes: Buffer, from: number): boolean {
  const end = Math.min(bytes.length, from + 32);
  for (let i = from; i < end; i++) {
    const c = bytes[i]!;
    if (c === 32) return i > from;
    const tchar =
      (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 95;
    if (!tchar) return false;
  }
  return false;
}

/**
 * Which limit a header overflow (llhttp `HPE_HEADER_OVERFLOW`, counted over the request line and the
 * headers together) broke: a request line that is still open where parsing stopped is a long URL
 * (414, RFC 9110 §15.5.15), anything else the header section (431, RFC 6585 §5). `rawPacket` is the
 * chunk being parsed; when it holds neither the line start nor a line break the header answer stands.
 */
export function headerOverflowCode(
  rawPacket: Buffer | undefined,
  bytesParsed: number | undefined,
): 'RAMPART_HTTP_URL_TOO_LONG' | 'RAMPART_HTTP_HEADERS_TOO_LARGE' {
  if (rawPacket === undefined) return 'RAMPART_HTTP_HEADERS_TOO_LARGE';
  const end = Math.min(bytesParsed ?? rawPacket.length, rawPacket.length);
  const newline = rawPacket.lastIndexOf(10, end - 1);
  if (newline === -1 && startsRequestLine(rawPacket, 0)) return 'RAMPART_HTTP_URL_TOO_LONG';
  // A line break followed by a new request line: a pipelined request whose target is too long.
  if (newline !== -1 && newline + 1 < end && startsRequestLine(rawPacket, newline + 1))
    return 'RAMPART_HTTP_URL_TOO_LONG';
  return 'RAMPART_HTTP_HEADERS_TOO_LARGE';
}
