// Header and cookie inputs: selected headers by name, and each cookie value (RFC 6265 §4.2.1).
import { decodeComponentOnce } from '../decode/percent.ts';
import type { Input } from '../types.ts';
import { MAX_INPUTS, segment } from './limits.ts';

/** Headers inspected unless configured otherwise: the ones applications commonly log or reflect. */
export const DEFAULT_HEADERS: readonly string[] = [
  'user-agent',
  'referer',
  'x-forwarded-host',
  'x-api-version',
  'origin',
];

type Headers = Readonly<Record<string, string | string[] | undefined>>;

const HIGH_LATIN1 = /[\u0080-\u00ff]/;
const ABOVE_LATIN1 = /[^\u0000-\u00ff]/;

/**
 * A field value as the application reads it. Node hands header bytes over as latin1 (RFC 9110 §5.5
 * obs-text); applications read them as UTF-8, so valid UTF-8 is re-read as such (a name like
 * `Renée` must not look like `RenÃ©`, whose mojibake trips detectors).
 */
export function fieldValueText(value: string): string {
  if (!HIGH_LATIN1.test(value) || ABOVE_LATIN1.test(value)) return value;
  const text = Buffer.from(value, 'latin1').toString('utf8');
  return text.includes('\ufffd') ? value : text;
}

/** Inputs of the named headers (lower-case names); repeated headers give one input each. */
export function inputsFromHeaders(headers: Headers, names: readonly string[] = DEFAULT_HEADERS): Input[] {
  const inputs: Input[] = [];
  for (const name of names) {
    const value = headers[name];
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) {
      if (one.length > 0)
        inputs.push({ location: `header.${name}`, value: fieldValueText(one), kind: 'header' });
    }
  }
  return inputs;
}

/**
 * Headers that carry protocol metadata set by browsers, clients and proxies, not application data:
 * left out when all headers are inspected (paranoia ≥ 2). Credentials are never inspected, so
 * their values cannot reach a finding's excerpt or a log.
 */
export const BENIGN_HEADERS: ReadonlySet<string> = new Set([
  'accept',
  'accept-encoding',
  'accept-language',
  'accept-ranges',
  'authorization',
  'proxy-authorization',
  'cookie',
  'cache-control',
  'connection',
  'content-length',
  'content-encoding',
  'content-type',
  'date',
  'dnt',
  'etag',
  'expect',
  'host',
  'if-match',
  'if-modified-since',
  'if-none-match',
  'if-range',
  'if-unmodified-since',
  'keep-alive',
  'pragma',
  'priority',
  'range',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'upgrade-insecure-requests',
  'traceparent',
  'tracestate',
  'baggage',
  'x-request-id',
  'x-correlation-id',
  'x-amzn-trace-id',
  'x-forwarded-proto',
  'x-forwarded-port',
  'x-api-key',
  'x-auth-token',
  'x-csrf-token',
  'x-xsrf-token',
  'sec-gpc',
  'sec-purpose',
]);
/** Prefixes of header families that are protocol metadata (client hints, fetch metadata, B3 tracing). */
const BENIGN_PREFIXES = ['sec-ch-', 'sec-fetch-', 'sec-websocket-', 'x-b3-', 'access-control-request-'];

/** Whether a header is left out when all headers are inspected. */
export function isBenignHeader(name: string): boolean {
  return BENIGN_HEADERS.has(name) || BENIGN_PREFIXES.some((prefix) => name.startsWith(prefix));
}

/** At most this many headers are inspected when all are. */
const MAX_HEADERS = 128;

/**
 * Inputs of every header except the benign ones (paranoia ≥ 2), plus the named ones even if benign.
 * Header names must be lower-case, as Node delivers them.
 */
export function inputsFromAllHeaders(headers: Headers, names: readonly string[] = DEFAULT_HEADERS): Input[] {
  const wanted = new Set(names);
  const chosen: string[] = [];
  for (const name of Object.keys(headers)) {
    if (chosen.length >= MAX_HEADERS) break;
    if (wanted.has(name) || !isBenignHeader(name)) chosen.push(name);
  }
  return inputsFromHeaders(headers, chosen);
}

/** Headers whose syntax the protocol checks read (RFC 9110): media type, ranges, lengths, codings. */
export const PROTOCOL_HEADERS: readonly string[] = [
  'content-type',
  'content-length',
  'transfer-encoding',
  'content-encoding',
  'range',
  'request-range',
];

/** Where a request that carries both Content-Length and Transfer-Encoding is reported. */
export const FRAMING_CONFLICT_LOCATION = 'header.#framing';

/**
 * Inputs of the protocol headers present, for the protocol anomaly checks; a request framed both
 * by Content-Length and Transfer-Encoding (RFC 9112 §6.1, request smuggling) adds one more input.
 */
export function inputsFromProtocolHeaders(headers: Headers): Input[] {
  const inputs = inputsFromHeaders(headers, PROTOCOL_HEADERS);
  if (headers['content-length'] !== undefined && headers['transfer-encoding'] !== undefined)
    inputs.push({
      location: FRAMING_CONFLICT_LOCATION,
      value: 'content-length, transfer-encoding',
      kind: 'header',
    });
  return inputs;
}

/**
 * A cookie value as the application reads it: percent-decoded once, as cookie parsers do (the
 * `cookie` package behind Express, PHP's `$_COOKIE`, Rack), since servers set values encoded
 * (RFC 6265 §4.1.1 allows no space, `;`, `,` or `"` in them). Malformed escapes are kept.
 */
const cookieValueText = decodeComponentOnce;

/** Inputs of a Cookie header: one per cookie, named `cookie.<name>`, its value decoded once. */
export function inputsFromCookies(cookieHeader: string | string[] | undefined): Input[] {
  const inputs: Input[] = [];
  if (cookieHeader === undefined) return inputs;
  const all = Array.isArray(cookieHeader) ? cookieHeader.join('; ') : cookieHeader;
  for (const pair of all.split(';')) {
    if (inputs.length >= MAX_INPUTS) break;
    const eq = pair.indexOf('=');
    if (eq < 0) {
      // A pair without `=` still reaches the application: a nameless cookie holding the text
      // (RFC 6265bis §5.6; browsers), or a name with an empty value (PHP). Inspected as a value.
      const text = pair.trim();
      if (text.length > 0)
        inputs.push({ location: 'cookie', value: cookieValueText(fieldValueText(text)), kind: 'cookie' });
      continue;
    }
    const name = pair.slice(0, eq).trim();
    let value = pair.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    const location = `cookie.${segment(name)}`;
    inputs.push({ location, value: name, kind: 'key' });
    if (value.length > 0)
      inputs.push({ location, value: cookieValueText(fieldValueText(value)), kind: 'cookie' });
  }
  return inputs;
}
