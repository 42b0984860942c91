// The HTTP/2 front doors: TLS with ALPN (h2, and http/1.1 for clients without it) and cleartext h2c
// with prior knowledge. Both feed the same request handler as HTTP/1.1, each request adapted first
// (http2-request.ts). Per connection: a stream cap and a header-list cap announced in SETTINGS, and a
// cap on streams the client resets before their answer (rapid reset, CVE-2023-44487): past it the
// connection ends with GOAWAY ENHANCE_YOUR_CALM. Shutdown sends a graceful GOAWAY to every session.
import {
  constants,
  createSecureServer,
  createServer,
  type Http2SecureServer,
  type Http2Server,
  type Http2ServerRequest,
  type Http2ServerResponse,
  type Http2Session,
  type SecureServerOptions,
} from 'node:http2';
import type { RampartConfig } from '../config/schema.ts';
import { parseBytes } from '../lib/bytes.ts';
import { parseDuration } from '../lib/durations.ts';
import type { Clock, PolicyLogger } from '../policies/policy.ts';
import type { RequestHandler } from './handler.ts';
import { adaptHttp2Request, adaptHttp2Response } from './http2-request.ts';
import { canonicalIp } from './trusted-proxies.ts';

/** HTTP/2 limits per connection. */
export interface Http2Limits {
  readonly maxConcurrentStreams: number;
  readonly maxHeaderListSize: number;
  readonly maxStreamResets: number;
  readonly streamResetWindowMs: number;
  /** A session with no open stream and no traffic for this long gets a GOAWAY (HTTP/1.1's keep-alive). */
  readonly idleTimeoutMs: number;
  /** A stream whose request has not ended after this long without traffic is reset (requestTimeout). */
  readonly requestTimeoutMs: number;
}

type ServerSettings = NonNullable<RampartConfig['server']>;

/** The limits the config asks for (header list: `server.maxHeaderBytes` unless set). */
export function http2Limits(
  settings: ServerSettings,
  timeouts: { readonly idleTimeoutMs: number; readonly requestTimeoutMs: number },
): Http2Limits {
  const http2 = settings.http2;
  return {
    ...timeouts,
    maxConcurrentStreams: http2?.maxConcurrentStreams ?? 100,
    maxHeaderListSize: parseBytes(http2?.maxHeaderListSize ?? settings.maxHeaderBytes ?? '16kb'),
    maxStreamResets: http2?.maxStreamResets ?? 200,
    streamResetWindowMs: parseDuration(http2?.streamResetWindow ?? '10s'),
  };
}

/** What an HTTP/2 listener reports and reads. */
export interface Http2Context {
  readonly clock: Clock;
  readonly log: PolicyLogger;
  /** A connection went over the reset cap (after its GOAWAY went out). */
  rapidReset(clientIp: string, resets: number): void;
}

/** The HTTP/2 sessions of a gateway, across its HTTP/2 listeners. */
export interface Http2Sessions {
  /** Creates a listener: TLS (h2 + http/1.1) with `tls`, else h2c. `http1` options apply to HTTP/1.1 on TLS. */
  createListener(tls: SecureServerOptions | undefined, http1: object): Http2SecureServer | Http2Server;
  /** Sends every session a graceful GOAWAY: streams open now finish, no new ones start. */
  goingAway(): void;
}

/** Creates the HTTP/2 side of a gateway with `limits`. */
export function createHttp2Sessions(limits: Http2Limits, context: Http2Context): Http2Sessions {
  const sessions = new Set<Http2Session>();
  const settings = {
    maxConcurrentStreams: limits.maxConcurrentStreams,
    maxHeaderListSize: limits.maxHeaderListSize,
    enablePush: false,
    enableConnectProtocol: false,
  };
  const watch = (session: Http2Session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
    // A session that errs (a protocol error, a reset socket) is closed by node:http2; nothing to add.
    session.on('error', () => {});
    let windowStart = context.clock.now();
    let resets = 0;
    let open = 0;
    // Fires after idleTimeoutMs without a byte either way; a session with streams open (a slow
    // upstream) is left alone, its streams have their own timeout.
    session.setTimeout(limits.idleTimeoutMs, () => {
      if (open === 0 && !session.closed) session.close();
    });
    session.on('stream', (stream) => {
      open++;
      stream.once('close', () => open--);
      // Like HTTP/1.1's requestTimeout: the request must arrive whole; the answer may take its time.
      if (!stream.endAfterHeaders) {
        stream.setTimeout(limits.requestTimeoutMs, () => stream.close(constants.NGHTTP2_CANCEL));
        stream.once('end', () => stream.setTimeout(0));
      }
      // 'aborted' fires for a reset from the peer before the answer ended, never for the gateway's own.
      stream.once('aborted', () => {
        const now = context.clock.now();
        if (now - windowStart >= limits.streamResetWindowMs) {
          windowStart = now;
          resets = 0;
        }
        resets++;
        if (resets <= limits.maxStreamResets || session.destroyed) return;
        session.goaway(constants.NGHTTP2_ENHANCE_YOUR_CALM);
        session.destroy();
        context.rapidReset(canonicalIp(session.socket?.remoteAddress ?? ''), resets);
      });
    });
  };
  return {
    createListener(tls, http1) {
      const options = {
        ...http1,
        settings,
        maxSessionRejectedStreams: 100,
        maxSessionInvalidFrames: 1000,
        // Header fields beyond the list size are refused by nghttp2; the pair count bounds the map.
        maxHeaderListPairs: 256,
      };
      const server =
        tls === undefined
          ? createServer(options)
          : createSecureServer({ ...tls, ...options, allowHTTP1: true, ALPNProtocols: ['h2', 'http/1.1'] });
      server.on('session', watch);
      return server;
    },
    goingAway() {
      for (const session of sessions) if (!session.closed && !session.destroyed) session.close();
    },
  };
}

/** The handler of an HTTP/2-capable listener: HTTP/2 requests adapted first, HTTP/1.1 ones as they are. */
export function http2Front(handler: RequestHandler): RequestHandler {
  return {
    handle(req, res, expectsContinue, takeover) {
      if (req.httpVersionMajor === 2) {
        adaptHttp2Request(req as unknown as Http2ServerRequest);
        adaptHttp2Response(res as unknown as Http2ServerResponse);
      }
      handler.handle(req, res, expectsContinue, takeover);
    },
    answerInFlight: (socket, code) => handler.answerInFlight(socket, code),
  };
}
