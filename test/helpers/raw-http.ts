// A raw HTTP/1.1 client for tests that must send bytes no well-behaved client would (smuggling,
// malformed headers, slow clients): writes exact bytes, collects the answer, bounded in time and size.
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';

/** What came back on a raw connection. */
export interface RawExchange {
  /** Everything the server sent, as latin1 text (byte for byte). */
  readonly text: string;
  /** Whether the server closed (or reset) the connection before the time limit. */
  readonly closed: boolean;
  /** Whether the time limit ended the wait. */
  readonly timedOut: boolean;
}

/** A response parsed out of raw text. */
export interface RawResponse {
  readonly status: number;
  /** Lower-case names; repeated fields joined with ', '. */
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** Options for one raw exchange. */
export interface RawOptions {
  /** Give up waiting after this long (default 3 s); the socket is then destroyed. */
  readonly timeoutMs?: number;
  /** Stop collecting after this many bytes (default 1 MiB). */
  readonly maxBytes?: number;
  /** Write the request in these pieces with `gapMs` between them, instead of at once. */
  readonly gapMs?: number;
}

/** Splits a URL like `http://127.0.0.1:1234` into host and port. */
function addressOf(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port) };
}

/**
 * Opens a TCP connection to `url`, writes `chunks` (one write each, `gapMs` apart, stopping once the
 * server closed), and collects what comes back until the server closes or the time limit passes.
 */
export function rawRequest(
  url: string,
  chunks: string | readonly (string | Buffer)[],
  options: RawOptions = {},
): Promise<RawExchange> {
  const timeoutMs = options.timeoutMs ?? 3_000;
  const maxBytes = options.maxBytes ?? 1024 * 1024;
  const pieces = typeof chunks === 'string' ? [chunks] : chunks;
  const { host, port } = addressOf(url);
  return new Promise((resolve) => {
    const received: Buffer[] = [];
    let size = 0;
    let closed = false;
    let settled = false;
    let writer: NodeJS.Timeout | undefined;
    const socket: Socket = connect({ host, port });
    const done = (timedOut: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(writer);
      socket.destroy();
      resolve({ text: Buffer.concat(received).toString('latin1'), closed, timedOut });
    };
    const timer = setTimeout(() => done(true), timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      if (size >= maxBytes) return;
      received.push(chunk.subarray(0, maxBytes - size));
      size += chunk.length;
    });
    socket.on('error', () => {
      closed = true;
      done(false);
    });
    socket.on('close', () => {
      closed = true;
      done(false);
    });
    // The server may half-close; the exchange is over when it ends its side.
    socket.on('end', () => {
      closed = true;
      done(false);
    });
    socket.on('connect', () => {
      let index = 0;
      const writeNext = (): void => {
        if (settled || closed || socket.destroyed) return;
        const piece = pieces[index++];
        if (piece === undefined) return;
        socket.write(piece);
        if (index < pieces.length) writer = setTimeout(writeNext, options.gapMs ?? 0);
      };
      writeNext();
    });
  });
}

/** Parses the first response out of raw text; throws when there is no complete status line. */
export function parseRawResponse(text: string): RawResponse {
  const headEnd = text.indexOf('\r\n\r\n');
  if (headEnd === -1) throw new Error(`no complete response head in ${JSON.stringify(text.slice(0, 200))}`);
  const [statusLine = '', ...lines] = text.slice(0, headEnd).split('\r\n');
  const status = Number(statusLine.split(' ')[1]);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon === -1) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  let body = text.slice(headEnd + 4);
  const length = headers['content-length'];
  if (length !== undefined) body = body.slice(0, Number(length));
  return { status, headers, body };
}

/**
 * Asserts an RFC 9457 answer: the status, `application/problem+json`, the `code` member, and a
 * `requestId` member equal to the request id header. Returns the parsed problem.
 */
export function assertProblem(
  response: { status: number; headers: Record<string, string | undefined>; body: string },
  status: number,
  code: string,
  requestIdHeader = 'x-request-id',
): Record<string, unknown> {
  assert.equal(response.status, status, `status (body: ${response.body.slice(0, 300)})`);
  assert.equal(response.headers['content-type'], 'application/problem+json');
  const problem = JSON.parse(response.body) as Record<string, unknown>;
  assert.equal(problem.code, code);
  assert.equal(typeof problem.requestId, 'string');
  assert.equal(problem.requestId, response.headers[requestIdHeader]);
  return problem;
}

/** Header fields in order, exactly as a test wants them on the wire. */
export type HeaderList = readonly (readonly [string, string])[];

/**
 * Sends one request to `url` with `Host: gateway.test` and `Connection: close` (unless the caller sets
 * Connection), a Content-Length when `body` is given, and parses the answer.
 */
export async function sendRaw(
  url: string,
  method: string,
  target: string,
  headers: HeaderList = [],
  body = '',
): Promise<RawResponse> {
  const lines = [`${method} ${target} HTTP/1.1`, 'Host: gateway.test'];
  for (const [name, value] of headers) lines.push(`${name}: ${value}`);
  if (!headers.some(([name]) => name.toLowerCase() === 'connection')) lines.push('Connection: close');
  if (body !== '') lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  const exchange = await rawRequest(url, `${lines.join('\r\n')}\r\n\r\n${body}`);
  return parseRawResponse(exchange.text);
}
