// Answers the gateway writes itself: RFC 9457 problem+json with the code and request id, on a
// response object or, before HTTP parsing succeeded, straight onto the socket.
import type { Socket } from 'node:net';
import { ERROR_CODES, type ErrorCode } from '../errors/codes.ts';
import { PROBLEM_CONTENT_TYPE, problemFor, renderProblem } from '../errors/gateway-error.ts';
import type { HeaderMap } from '../policies/policy.ts';

/** A local reply before it is written: status, headers (lower-case) and body. */
export interface LocalReply {
  code: ErrorCode;
  status: number;
  headers: HeaderMap;
  body: Buffer;
}

/** Builds the problem+json reply for a code. */
export function problemReply(
  code: ErrorCode,
  requestId: string,
  options: {
    status?: number | undefined;
    detail?: string | undefined;
    headers?: Readonly<Record<string, string>> | undefined;
    extensions?: Readonly<Record<string, unknown>> | undefined;
  } = {},
): LocalReply {
  const problem = problemFor(code, requestId, options.detail, options.extensions);
  if (options.status !== undefined) problem.status = options.status;
  const body = Buffer.from(renderProblem(problem));
  return {
    code,
    status: options.status ?? ERROR_CODES[code].status,
    headers: {
      ...options.headers,
      'content-type': PROBLEM_CONTENT_TYPE,
      'content-length': String(body.length),
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
    body,
  };
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  413: 'Content Too Large',
  414: 'URI Too Long',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Writes a problem reply on a socket whose request could not be parsed, then closes it. */
export function writeRawProblem(
  socket: Socket,
  code: ErrorCode,
  requestId: string,
  requestIdHeader: string,
): void {
  const reply = problemReply(code, requestId);
  const head = [`HTTP/1.1 ${reply.status} ${REASONS[reply.status] ?? 'Error'}`];
  for (const [name, value] of Object.entries(reply.headers)) head.push(`${name}: ${String(value)}`);
  head.push(`${requestIdHeader}: ${requestId}`, 'connection: close', '', '');
  // Closed once written: HTTP servers allow half-open sockets, and a client that never closes its side
  // (after CONNECT, say, whose socket the server no longer tracks) would otherwise hold shutdown forever.
  socket.end(Buffer.concat([Buffer.from(head.join('\r\n')), reply.body]), () => socket.destroy());
}
