// `_method` in request bodies: Rails, Laravel, Symfony and Express's method-override turn a POST whose
// body says `_method=DELETE` into a DELETE after the gateway routed and authorized a POST. On routes that
// do not allow overrides the parameter is removed from form bodies and a JSON body carrying it refused.
import type { IncomingMessage } from 'node:http';
import { pipeline, type Readable } from 'node:stream';
import type { HeaderMap } from '../policies/policy.ts';
import { withoutMethodOverride } from './json-override-scan.ts';
import { MultipartPartFilter } from './multipart-filter.ts';
import type { GatewayRequest } from './request.ts';
import { sendProblem } from './writer.ts';

const OVERRIDE = '_method';

/** The body kinds a framework reads `_method` from. */
export type OverrideBodyKind = 'form' | 'multipart' | 'json' | undefined;

/** Answers 400 to a JSON body with a top-level `_method`, as a security event; the connection closes. */
export function refuseOverride(x: GatewayRequest): Promise<void> {
  x.flag('gateway', {
    rule: 'method-override-in-body',
    location: 'body._method',
    reason: 'top-level _method member in a JSON body on a route without allowMethodOverride',
    severity: 'medium',
  });
  // The body may be unread (a streamed one fails part-way): it must not be parsed as the next request.
  x.mustClose = true;
  return sendProblem(x, 'RAMPART_HTTP_METHOD_OVERRIDE_REFUSED');
}

/** The kind of a body by its media type (parameters ignored, case-insensitive). */
export function overrideBodyKind(contentType: string | string[] | undefined): OverrideBodyKind {
  if (typeof contentType !== 'string') return undefined;
  const semicolon = contentType.indexOf(';');
  const type = (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') return 'form';
  if (type === 'multipart/form-data') return 'multipart';
  if (type === 'application/json' || type.endsWith('+json')) return 'json';
  return undefined;
}

/** JSON bodies up to this size are buffered to be screened (one or two socket reads); larger ones stream. */
const SCREEN_BY_BUFFER_MAX_JSON = 16 * 1024;

/**
 * Whether the gateway buffers this body only to screen it: form bodies always (they are small; over
 * the buffering limit they are refused with 413), JSON ones when their declared length is small (a
 * larger or chunked one is screened as it streams, `screenStreamedBody`, which costs a native search
 * per chunk unless the body could name `_method`). Multipart bodies are screened while they stream.
 */
export function buffersToScreen(req: IncomingMessage, maxBufferedBytes: number): boolean {
  const kind = overrideBodyKind(req.headers['content-type']);
  if (kind === 'form') return true;
  if (kind !== 'json') return false;
  const length = Number(req.headers['content-length']);
  return Number.isInteger(length) && length <= Math.min(maxBufferedBytes, SCREEN_BY_BUFFER_MAX_JSON);
}

function decodeName(raw: string): string {
  try {
    return decodeURIComponent(raw.replaceAll('+', ' '));
  } catch {
    return raw;
  }
}

function stripFormOverride(body: Buffer): Buffer {
  const text = body.toString('latin1');
  const pairs = text.split('&');
  const kept = pairs.filter((pair) => {
    const equals = pair.indexOf('=');
    return decodeName(equals === -1 ? pair : pair.slice(0, equals)).toLowerCase() !== OVERRIDE;
  });
  return kept.length === pairs.length ? body : Buffer.from(kept.join('&'), 'latin1');
}

function boundaryOf(contentType: string): string | undefined {
  for (const param of contentType.split(';').slice(1)) {
    const equals = param.indexOf('=');
    if (equals === -1 || param.slice(0, equals).trim().toLowerCase() !== 'boundary') continue;
    const value = param.slice(equals + 1).trim();
    const unquoted = value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
    // RFC 2046 §5.1.1: 1 to 70 characters.
    return unquoted.length > 0 && unquoted.length <= 70 ? unquoted : undefined;
  }
  return undefined;
}

// The form-data name of a part's header block (RFC 7578 §4.2), `name*=` included.
function partName(headers: string): string | undefined {
  for (const line of headers.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon === -1 || line.slice(0, colon).trim().toLowerCase() !== 'content-disposition') continue;
    for (const param of line.slice(colon + 1).split(';')) {
      const equals = param.indexOf('=');
      if (equals === -1) continue;
      const key = param.slice(0, equals).trim().toLowerCase();
      if (key !== 'name' && key !== 'name*') continue;
      let value = param.slice(equals + 1).trim();
      if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
      if (key === 'name*') value = decodeName(value.slice(value.lastIndexOf("'") + 1));
      return value.toLowerCase();
    }
  }
  return undefined;
}

function stripMultipartOverride(body: Buffer, contentType: string): Buffer {
  const boundary = boundaryOf(contentType);
  if (boundary === undefined) return body;
  const delimiter = Buffer.from(`--${boundary}`, 'latin1');
  const kept: Buffer[] = [];
  let removed = false;
  let at = body.indexOf(delimiter);
  if (at === -1) return body;
  kept.push(body.subarray(0, at));
  while (at !== -1) {
    const next = body.indexOf(delimiter, at + delimiter.length);
    const part = body.subarray(at, next === -1 ? body.length : next);
    const headersEnd = part.indexOf('\r\n\r\n');
    const name = headersEnd === -1 ? undefined : partName(part.subarray(0, headersEnd).toString('latin1'));
    if (name === OVERRIDE && next !== -1) removed = true;
    else kept.push(part);
    at = next;
  }
  return removed ? Buffer.concat(kept) : body;
}

function jsonOverrides(body: Buffer): boolean {
  // Cheap pre-check: the member name, or an escape that could spell it.
  if (body.indexOf('method') === -1 && body.indexOf('\\u') === -1) return false;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return false;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return false;
  // JSON member names are case-sensitive, and so are the frameworks that read `_method` from them.
  return Object.hasOwn(parsed, OVERRIDE);
}

/**
 * A streamed body on a route that does not allow method overrides: a multipart one is passed through a
 * filter that drops `_method` parts (its length changes, so `Content-Length` is removed from the
 * upstream headers and the body goes chunked); a JSON one is read chunk by chunk through a scan that
 * fails with MethodOverrideInBodyError at a top-level `_method` (before the upstream has the whole
 * body); any other is returned as it is.
 */
export function screenStreamedBody(
  body: Readable,
  contentType: string | string[] | undefined,
  upstreamHeaders: HeaderMap,
): Readable {
  const kind = overrideBodyKind(contentType);
  if (kind === 'json') return withoutMethodOverride(body);
  if (kind !== 'multipart') return body;
  const boundary = boundaryOf(contentType as string);
  if (boundary === undefined) return body;
  delete upstreamHeaders['content-length'];
  // pipeline() destroys the filter when the client's body ends early, so the upstream is not left waiting.
  return pipeline(
    body,
    new MultipartPartFilter(boundary, (headers) => partName(headers) === OVERRIDE),
    () => {},
  );
}

/**
 * The body to forward on a route that does not allow method overrides: forms and multipart bodies
 * without their `_method` parameter (the same buffer when there is none), or `undefined` when a JSON
 * body carries a top-level `_method` member (refused: a JSON body cannot be edited byte-faithfully).
 */
export function screenMethodOverride(
  body: Buffer,
  contentType: string | string[] | undefined,
): Buffer | undefined {
  const kind = overrideBodyKind(contentType);
  if (kind === 'form') return stripFormOverride(body);
  if (kind === 'multipart') return stripMultipartOverride(body, contentType as string);
  if (kind === 'json') return jsonOverrides(body) ? undefined : body;
  return body;
}
