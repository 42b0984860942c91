// The original request an authorization request describes. nginx `auth_request` (by convention)
// sends X-Original-Method / X-Original-URI; Traefik ForwardAuth sends X-Forwarded-Method / -Uri /
// -Host / -Proto; both only count from a trusted proxy. Envoy `ext_authz` sends the original method
// and headers with the original path after its `path_prefix`.
import type { HeaderMap } from '../lib/headers.ts';

/** The request to judge. */
export interface OriginalRequest {
  readonly method: string;
  /** Origin-form target: path and query. */
  readonly uri: string;
  /** The Host the client asked for (routes may match by host). */
  readonly host: string | undefined;
  /** Whether the client reached the proxy over TLS, when the proxy says so. */
  readonly secure: boolean | undefined;
}

const MAX_URI = 16_384;

function single(headers: Readonly<HeaderMap>, name: string): string | undefined {
  const value = headers[name];
  const text = Array.isArray(value) ? value[0] : value;
  return text === undefined || text === '' ? undefined : text;
}

/** An HTTP method token as RFC 9110 §9.1 writes the registered ones: upper-case letters. */
function isMethod(value: string): boolean {
  if (value.length === 0 || value.length > 20) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 65 || c > 90) return false;
  }
  return true;
}

function isOriginForm(uri: string): boolean {
  return uri.length <= MAX_URI && uri.startsWith('/') && !uri.startsWith('//');
}

/** From a proxy's X-Original-* / X-Forwarded-* headers; undefined when they name no usable target. */
export function originalFromHeaders(
  headers: Readonly<HeaderMap>,
  ownMethod: string,
): OriginalRequest | undefined {
  const method = (
    single(headers, 'x-original-method') ??
    single(headers, 'x-forwarded-method') ??
    ownMethod
  ).toUpperCase();
  const uri = single(headers, 'x-original-uri') ?? single(headers, 'x-forwarded-uri');
  if (uri === undefined || !isOriginForm(uri) || !isMethod(method)) return undefined;
  const proto = single(headers, 'x-forwarded-proto')?.toLowerCase();
  return {
    method,
    uri,
    host:
      single(headers, 'x-original-host') ?? single(headers, 'x-forwarded-host') ?? single(headers, 'host'),
    secure: proto === undefined ? undefined : proto === 'https',
  };
}

/** From an Envoy check request: the normalized path after `prefix`, the query, the request's method and host. */
export function originalFromEnvoy(
  path: string,
  rawQuery: string,
  prefix: string,
  method: string,
  headers: Readonly<HeaderMap>,
): OriginalRequest | undefined {
  const rest = path.slice(prefix.length);
  const uri = `${rest === '' ? '/' : rest}${rawQuery === '' ? '' : `?${rawQuery}`}`;
  if (!isOriginForm(uri) || !isMethod(method)) return undefined;
  return { method, uri, host: single(headers, 'host'), secure: undefined };
}

/** Whether `path` is `prefix` itself or below it. */
export function isUnder(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`);
}
