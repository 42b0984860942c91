// Redaction of secrets before anything reaches a log line: header maps, query strings, free text.
// Everything here scans its input once, left to right, without regular expressions.
import type { HeaderMap } from '../lib/headers.ts';

/** What replaces a secret value. */
export const REDACTED = '[REDACTED]';

/** Header names always redacted (lower case). */
export const SENSITIVE_HEADERS: readonly string[] = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'api-key',
  'apikey',
  'x-auth-token',
];

// A header whose name contains one of these is redacted as well (x-access-token, x-csrf-token, …).
const HEADER_NEEDLES: readonly string[] = ['token', 'secret', 'password', 'api-key', 'api_key', 'apikey'];

// A query parameter (or `name=` in free text) whose name contains one of these has its value redacted.
const QUERY_NEEDLES: readonly string[] = [
  'token',
  'key',
  'secret',
  'password',
  'passwd',
  'signature',
  'auth',
  'session',
  'code',
  'credential',
  'jwt',
];

// Where header maps appear in log entries: `{ headers }`, `{ req: { headers } }`, …
const HEADER_PARENTS: readonly string[] = ['', 'req.', 'request.', 'res.', 'response.', 'upstream.'];

/** Redaction compiled once from the configured extra names (headers or query parameters). */
export interface Redactor {
  /** Whether a header value is redacted (name in any case). */
  isSensitiveHeader(name: string): boolean;
  /** Whether a query parameter's value is redacted (name decoded or raw, any case). */
  isSensitiveParam(name: string): boolean;
  /** A copy of the header map with sensitive values replaced. */
  redactHeaders(headers: Readonly<HeaderMap>): HeaderMap;
  /** The raw query string (without `?`) with values of sensitive parameters replaced. */
  redactQuery(rawQuery: string): string;
  /** A URL or request target with its query redacted. */
  redactUrl(url: string): string;
  /** pino `redact` paths for the sensitive header names under `headers` members (fixed parents). */
  readonly pinoPaths: readonly string[];
}

function containsAny(lowerName: string, needles: readonly string[]): boolean {
  for (const needle of needles) if (lowerName.includes(needle)) return true;
  return false;
}

// Header names are RFC 9110 tokens; anything else cannot be a safe pino path and is not a header.
function isToken(name: string): boolean {
  if (name.length === 0 || name.length > 128) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const ok = (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a) || c === 0x2d || c === 0x5f || c === 0x2e;
    if (!ok) return false;
  }
  return true;
}

/** A query name or value decoded as a form parser reads it (`+` as space); the raw text if malformed. */
export function decodeFormText(raw: string): string {
  if (!raw.includes('%') && !raw.includes('+')) return raw;
  try {
    return decodeURIComponent(raw.replaceAll('+', ' '));
  } catch {
    return raw;
  }
}

/** Builds a redactor; `extraNames` are header or parameter names to redact besides the defaults. */
export function createRedactor(extraNames: readonly string[] = []): Redactor {
  const extras = new Set(extraNames.map((name) => name.toLowerCase()));
  const headers = new Set([...SENSITIVE_HEADERS, ...extras]);

  const isSensitiveHeader = (name: string): boolean => {
    const lower = name.toLowerCase();
    return headers.has(lower) || containsAny(lower, HEADER_NEEDLES);
  };
  const isSensitiveParam = (name: string): boolean => {
    const lower = decodeFormText(name).toLowerCase();
    return extras.has(lower) || containsAny(lower, QUERY_NEEDLES);
  };

  const redactQuery = (rawQuery: string): string => {
    if (rawQuery.length === 0) return rawQuery;
    let out = '';
    let changed = false;
    let start = 0;
    // One pass over `&`-separated pairs (WHATWG URL application/x-www-form-urlencoded parsing).
    while (start <= rawQuery.length) {
      let end = rawQuery.indexOf('&', start);
      if (end === -1) end = rawQuery.length;
      const pair = rawQuery.slice(start, end);
      const eq = pair.indexOf('=');
      if (eq !== -1 && eq < pair.length - 1 && isSensitiveParam(pair.slice(0, eq))) {
        out += `${pair.slice(0, eq + 1)}${REDACTED}`;
        changed = true;
      } else {
        out += pair;
      }
      if (end < rawQuery.length) out += '&';
      start = end + 1;
    }
    return changed ? out : rawQuery;
  };

  const redactUrl = (url: string): string => {
    const q = url.indexOf('?');
    if (q === -1) return url;
    const hash = url.indexOf('#', q + 1);
    const query = hash === -1 ? url.slice(q + 1) : url.slice(q + 1, hash);
    const rest = hash === -1 ? '' : url.slice(hash);
    return `${url.slice(0, q + 1)}${redactQuery(query)}${rest}`;
  };

  const redactHeaders = (map: Readonly<HeaderMap>): HeaderMap => {
    const out: HeaderMap = {};
    for (const [name, value] of Object.entries(map)) {
      if (value === undefined) continue;
      out[name] = isSensitiveHeader(name) ? REDACTED : value;
    }
    return out;
  };

  // Fixed paths only: a leading `*` wildcard makes pino's redaction about 8x slower per line.
  const pinoPaths: string[] = [];
  for (const name of headers) {
    if (!isToken(name)) continue;
    for (const prefix of HEADER_PARENTS) pinoPaths.push(`${prefix}headers["${name}"]`);
  }

  return { isSensitiveHeader, isSensitiveParam, redactHeaders, redactQuery, redactUrl, pinoPaths };
}

const defaultRedactor = createRedactor();

/** The raw query (without `?`) with values of sensitive parameters replaced by `[REDACTED]`. */
export function redactQuery(rawQuery: string): string {
  return defaultRedactor.redactQuery(rawQuery);
}

/** A URL or request target with the values of sensitive query parameters replaced. */
export function redactUrl(url: string): string {
  return defaultRedactor.redactUrl(url);
}

/** A copy of a header map with the default sensitive headers replaced. */
export function redactHeaders(headers: Readonly<HeaderMap>): HeaderMap {
  return defaultRedactor.redactHeaders(headers);
}
