// What a WebSocket handshake must be before the gateway opens one upstream (RFC 6455 §4.1, §4.2.1),
// and whether its Origin may open it: the browser's own origin, or one the route lists. Browsers send
// cookies with a cross-site handshake and no CORS check guards it (cross-site WebSocket hijacking).
import type { IncomingMessage } from 'node:http';
import type { ErrorCode } from '../errors/codes.ts';
import { type OriginList, parseOrigin } from '../lib/origin-list.ts';
import { hasBody } from './request.ts';

/** A handshake the gateway accepts: the subprotocols the client offered, in its order. */
export interface Handshake {
  readonly protocols: readonly string[];
}

const MAX_PROTOCOLS = 32;

/** Whether the request asks for a WebSocket (`Upgrade: websocket`, any case), whatever else is wrong. */
export function isWebSocketUpgrade(req: IncomingMessage): boolean {
  const upgrade = req.headers.upgrade;
  return typeof upgrade === 'string' && upgrade.length === 9 && upgrade.toLowerCase() === 'websocket';
}

function isBase64Char(code: number): boolean {
  return (
    (code >= 65 && code <= 90) ||
    (code >= 97 && code <= 122) ||
    (code >= 48 && code <= 57) ||
    code === 43 ||
    code === 47
  );
}

// §4.1: a base64-encoded 16-byte nonce, so 22 characters and `==`.
function isValidKey(key: string | undefined): boolean {
  if (key?.length !== 24 || !key.endsWith('==')) return false;
  for (let i = 0; i < 22; i++) if (!isBase64Char(key.charCodeAt(i))) return false;
  return true;
}

// RFC 9110 §5.6.2 tchar.
function isToken(text: string): boolean {
  if (text.length === 0 || text.length > 64) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const ok =
      (c >= 48 && c <= 57) ||
      (c >= 65 && c <= 90) ||
      (c >= 97 && c <= 122) ||
      "!#$%&'*+-.^_`|~".includes(text[i]!);
    if (!ok) return false;
  }
  return true;
}

function hasToken(value: string | string[] | undefined, token: string): boolean {
  if (value === undefined) return false;
  const text = Array.isArray(value) ? value.join(',') : value;
  return text.split(',').some((part) => part.trim().toLowerCase() === token);
}

/** The handshake of `req`, or the code to refuse it with. */
export function readHandshake(req: IncomingMessage): Handshake | ErrorCode {
  const { headers } = req;
  if (req.method !== 'GET' || !hasToken(headers.connection, 'upgrade') || hasBody(req)) {
    return 'RAMPART_WEBSOCKET_BAD_HANDSHAKE';
  }
  if (!isValidKey(headers['sec-websocket-key']) || headers['sec-websocket-version'] !== '13') {
    return 'RAMPART_WEBSOCKET_BAD_HANDSHAKE';
  }
  const offered = headers['sec-websocket-protocol'];
  if (offered === undefined) return { protocols: [] };
  const protocols = offered.split(',').map((part) => part.trim());
  if (
    protocols.length > MAX_PROTOCOLS ||
    !protocols.every(isToken) ||
    new Set(protocols).size !== protocols.length
  ) {
    return 'RAMPART_WEBSOCKET_BAD_HANDSHAKE';
  }
  return { protocols };
}

function defaultPort(scheme: string): string {
  return scheme === 'https' || scheme === 'wss' ? '443' : '80';
}

/**
 * Whether an `Origin` may open a WebSocket: none (not a browser), one in `allowed`, or the origin of
 * the gateway itself (its host and port are the request's Host).
 */
export function isOriginAllowed(
  origin: string | undefined,
  host: string | undefined,
  allowed: OriginList | undefined,
): boolean {
  if (origin === undefined) return true;
  if (allowed?.allows(origin) === true) return true;
  const parsed = parseOrigin(origin);
  if (parsed === undefined || host === undefined) return false;
  const own = parseOrigin(`${parsed.scheme}://${host}`);
  if (own === undefined) return false;
  const port = (value: string) => (value === '' ? defaultPort(parsed.scheme) : value);
  return own.host === parsed.host && port(own.port) === port(parsed.port);
}
