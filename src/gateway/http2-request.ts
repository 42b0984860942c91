// An HTTP/2 request made fit for the HTTP/1.1 request path and the HTTP/1.1 upstream. node:http2
// (nghttp2) already resets streams with connection-specific fields, unknown, repeated or late
// pseudo-headers, upper-case names, or DATA that disagrees with content-length, and drops fields whose
// value holds CR, LF or NUL (RFC 9113 §8.2). What it lets through and a downgrade must not is refused
// here, with the same codes as HTTP/1.1: CONNECT, a :path that is not origin-form, an :authority that
// is not a host or disagrees with Host, repeated singleton fields — and, as a second fence, everything
// nghttp2 checks. Policies and the upstream then see ordinary headers: no pseudo-headers, Host set.
import type { IncomingMessage } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import type { ErrorCode } from '../errors/codes.ts';
import { isValidHost } from './framing.ts';

// RFC 9113 §8.2.2: connection-specific fields are malformed in HTTP/2 (TE only as `trailers`).
const CONNECTION_SPECIFIC = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
]);
const REQUEST_PSEUDO = new Set([':method', ':scheme', ':path', ':authority']);
// One server reads the first of two, another the last (framing.ts for HTTP/1.1).
const SINGLETONS = new Set(['authorization', 'proxy-authorization', 'content-length', 'host']);

const problems = new WeakMap<object, ErrorCode>();

// tchar of RFC 9110 §5.6.2 without upper case (RFC 9113 §8.2.1).
const NAME_SYMBOLS = "!#$%&'*+-.^_`|~";

function isNameChar(name: string, i: number): boolean {
  const code = name.charCodeAt(i);
  return (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || NAME_SYMBOLS.includes(name[i]!);
}

function isFieldName(name: string): boolean {
  if (name.length === 0) return false;
  for (let i = 0; i < name.length; i++) if (!isNameChar(name, i)) return false;
  return true;
}

// RFC 9113 §8.2.1: no NUL, CR or LF anywhere, no leading or trailing space or tab.
function isFieldValue(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code === 0 || code === 10 || code === 13) return false;
  }
  const first = value.charCodeAt(0);
  const last = value.charCodeAt(value.length - 1);
  return value.length === 0 || (first !== 32 && first !== 9 && last !== 32 && last !== 9);
}

// Origin-form only (RFC 9113 §8.3.1): no absolute URI, no `*`, no space or control byte.
function isOriginFormPath(path: string): boolean {
  if (path.charCodeAt(0) !== 47) return false;
  for (let i = 0; i < path.length; i++) {
    const code = path.charCodeAt(i);
    if (code <= 32 || code === 127) return false;
  }
  return true;
}

function isDigits(value: string): boolean {
  if (value.length === 0 || value.length > 15) return false;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 48 || code > 57) return false;
  }
  return true;
}

/** The first problem of an HTTP/2 request's raw fields, or undefined. */
export function http2FieldProblem(raw: readonly string[]): ErrorCode | undefined {
  const pseudo = new Map<string, string>();
  const counts = new Map<string, number>();
  let regularSeen = false;
  let problem: ErrorCode | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    if (!isFieldValue(value)) return 'RAMPART_HTTP_BAD_REQUEST';
    if (name.charCodeAt(0) === 58) {
      if (regularSeen || !REQUEST_PSEUDO.has(name) || pseudo.has(name)) return 'RAMPART_HTTP_BAD_REQUEST';
      pseudo.set(name, value);
      continue;
    }
    regularSeen = true;
    if (!isFieldName(name)) return 'RAMPART_HTTP_BAD_REQUEST';
    if (CONNECTION_SPECIFIC.has(name) || (name === 'te' && value.toLowerCase() !== 'trailers')) {
      problem ??= 'RAMPART_HTTP_AMBIGUOUS_REQUEST';
    }
    if (SINGLETONS.has(name)) {
      const seen = (counts.get(name) ?? 0) + 1;
      counts.set(name, seen);
      if (seen > 1) problem ??= 'RAMPART_HTTP_AMBIGUOUS_REQUEST';
      if (name === 'content-length' && !isDigits(value)) problem ??= 'RAMPART_HTTP_AMBIGUOUS_REQUEST';
    }
  }
  if (problem !== undefined) return problem;
  const method = pseudo.get(':method');
  if (method === 'CONNECT') return 'RAMPART_HTTP_METHOD_REFUSED';
  const scheme = pseudo.get(':scheme');
  const path = pseudo.get(':path');
  if (method === undefined || path === undefined || (scheme !== 'http' && scheme !== 'https')) {
    return 'RAMPART_HTTP_BAD_REQUEST';
  }
  if (!isOriginFormPath(path)) return 'RAMPART_HTTP_BAD_PATH';
  const authority = pseudo.get(':authority');
  const host = hostField(raw);
  if (authority !== undefined && (authority.includes('@') || !isValidHost(authority)))
    return 'RAMPART_HTTP_BAD_REQUEST';
  // RFC 9113 §8.3.1: a Host naming another entity than :authority makes the request malformed.
  if (authority !== undefined && host !== undefined && authority.toLowerCase() !== host.toLowerCase()) {
    return 'RAMPART_HTTP_AMBIGUOUS_REQUEST';
  }
  const target = authority ?? host;
  if (target === undefined || !isValidHost(target)) return 'RAMPART_HTTP_BAD_REQUEST';
  return undefined;
}

function hostField(raw: readonly string[]): string | undefined {
  for (let i = 0; i < raw.length; i += 2) if (raw[i] === 'host') return raw[i + 1];
  return undefined;
}

/**
 * Rewrites an HTTP/2 request's `headers` and `rawHeaders` as HTTP/1.1 has them (no pseudo-headers,
 * Host from :authority) and records its problem for `http2Problem`. Method and URL still come from the
 * pseudo-headers (node:http2 reads them from its own copy).
 */
export function adaptHttp2Request(req: Http2ServerRequest): void {
  const raw = req.rawHeaders;
  const problem = http2FieldProblem(raw);
  if (problem !== undefined) problems.set(req, problem);
  const original = req.headers;
  const headers: Record<string, string | string[] | undefined> = {};
  for (const name in original) if (name.charCodeAt(0) !== 58) headers[name] = original[name];
  const rawHeaders: string[] = [];
  for (let i = 0; i < raw.length; i += 2)
    if (raw[i]!.charCodeAt(0) !== 58) rawHeaders.push(raw[i]!, raw[i + 1]!);
  const authority = original[':authority'];
  if (headers.host === undefined && typeof authority === 'string') {
    headers.host = authority;
    rawHeaders.unshift('host', authority);
  }
  Object.defineProperty(req, 'headers', { value: headers, enumerable: true, configurable: true });
  Object.defineProperty(req, 'rawHeaders', { value: rawHeaders, enumerable: true, configurable: true });
}

/**
 * Makes an HTTP/2 response say `writableFinished` only once its answer was ended and flushed:
 * node:http2 reports a stream the client reset as finished, which would log a reset stream as answered
 * and leave its upstream call running (request-end.ts aborts it only for an unfinished answer).
 */
export function adaptHttp2Response(res: Http2ServerResponse): void {
  Object.defineProperty(res, 'writableFinished', {
    get: () => res.writableEnded && res.stream.writableFinished,
    configurable: true,
  });
}

/** The code to refuse an (adapted) HTTP/2 request with, or undefined. */
export function http2Problem(req: IncomingMessage): ErrorCode | undefined {
  return problems.get(req);
}

/** Whether an HTTP/2 request has a body: its HEADERS frame did not end the stream. */
export function http2HasBody(req: IncomingMessage): boolean {
  return !(req as unknown as Http2ServerRequest).stream.endAfterHeaders;
}
