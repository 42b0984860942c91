// Request framing and Host checks node:http leaves to the application: what two servers on the path
// could read differently is refused before routing (RFC 9112 §3.2, §6.1).
import type { IncomingMessage } from 'node:http';
import type { ErrorCode } from '../errors/codes.ts';

function isHostChar(code: number): boolean {
  // reg-name of RFC 3986 §3.2.2 restricted to what DNS names and IPv4 literals use.
  return (
    (code >= 48 && code <= 57) ||
    (code >= 65 && code <= 90) ||
    (code >= 97 && code <= 122) ||
    code === 45 ||
    code === 46
  );
}

function isPort(text: string): boolean {
  if (text.length === 0 || text.length > 5) return false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 48 || code > 57) return false;
  }
  return Number(text) <= 65535;
}

/** Whether a Host header value is `name[:port]` or `[ipv6][:port]`. */
export function isValidHost(value: string): boolean {
  if (value.length === 0 || value.length > 261) return false;
  let end = value.length;
  if (value.charCodeAt(0) === 91) {
    const close = value.indexOf(']');
    if (close < 3) return false;
    for (let i = 1; i < close; i++) {
      const code = value.charCodeAt(i);
      const hex =
        (code >= 48 && code <= 58) ||
        (code >= 65 && code <= 70) ||
        (code >= 97 && code <= 102) ||
        code === 46;
      if (!hex) return false;
    }
    return close === value.length - 1 || (value[close + 1] === ':' && isPort(value.slice(close + 2)));
  }
  const colon = value.indexOf(':');
  if (colon !== -1) {
    if (!isPort(value.slice(colon + 1))) return false;
    end = colon;
  }
  if (end === 0 || end > 253) return false;
  for (let i = 0; i < end; i++) if (!isHostChar(value.charCodeAt(i))) return false;
  return true;
}

function isCredentialField(name: string): boolean {
  return (
    (name.length === 13 && name.toLowerCase() === 'authorization') ||
    (name.length === 19 && name.toLowerCase() === 'proxy-authorization')
  );
}

function repeatedCredential(raw: readonly string[]): boolean {
  let authorization = 0;
  let proxy = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (!isCredentialField(name)) continue;
    if (name.length === 13) authorization++;
    else proxy++;
  }
  return authorization > 1 || proxy > 1;
}

/** The code to refuse a request with, or undefined when its framing and Host are unambiguous. */
export function framingProblem(req: IncomingMessage): ErrorCode | undefined {
  // RFC 9112 §6.1: a Transfer-Encoding in an HTTP/1.0 message means the framing is faulty.
  if (
    req.httpVersionMajor === 1 &&
    req.httpVersionMinor === 0 &&
    req.headers['transfer-encoding'] !== undefined
  ) {
    return 'RAMPART_HTTP_AMBIGUOUS_REQUEST';
  }
  let hosts = 0;
  let credentials = 0;
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 4 && name.toLowerCase() === 'host') hosts++;
    else if (isCredentialField(name)) credentials++;
  }
  // Authorization is a singleton field (RFC 9110 §11.6.2). Node keeps the first of repeated fields and
  // drops the rest, another server takes the last or joins them: a policy would check one credential
  // while an upstream reads another. Refused on every route, so no authn policy can be handed one.
  if (credentials > 1 && repeatedCredential(raw)) return 'RAMPART_HTTP_AMBIGUOUS_REQUEST';
  // RFC 9112 §3.2: a 1.1 request without Host, or with more than one, or with an invalid one, is a 400.
  if (hosts > 1) return 'RAMPART_HTTP_BAD_REQUEST';
  if (hosts === 0) return req.httpVersionMinor >= 1 ? 'RAMPART_HTTP_BAD_REQUEST' : undefined;
  return isValidHost(req.headers.host ?? '') ? undefined : 'RAMPART_HTTP_BAD_REQUEST';
}
