// WebSockets through the gateway. A handshake is a request like any other: handler.ts runs it through
// routing and the route's request phases (ip-filter, authn, authz, rate limits, detect) and writer.ts
// writes every refusal on the raw socket, with no upgrade. An admitted handshake is checked (RFC 6455
// §4.1, Origin), opens the upstream WebSocket first, and only then is the client's accepted with the
// subprotocol the upstream chose; websocket-relay.ts relays messages until either side closes.
import { type IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import type { ErrorCode } from '../errors/codes.ts';
import { deny, type ResponseView } from '../policies/policy.ts';
import { BodyTooLargeError, readBounded } from './body.ts';
import { upstreamRefusal } from './dispatch.ts';
import { cleanResponseHeaders } from './forward-headers.ts';
import type { RequestHandler } from './handler.ts';
import type { GatewayRequest } from './request.ts';
import { classifyUpstreamError } from './upstream/upstream.ts';
import { upstreamRequestHead } from './upstream-request.ts';
import type { CompiledRoute, ConfigVersion } from './version.ts';
import { isOriginAllowed, readHandshake } from './websocket-handshake.ts';
import { CLOSE, relay, type Session } from './websocket-relay.ts';
import { type WebSocketSettings, websocketSettings } from './websocket-settings.ts';
import { respond, sendProblem, writeAnswer } from './writer.ts';

export { isWebSocketUpgrade } from './websocket-handshake.ts';

// How long each side has to answer a close frame before its socket is destroyed.
const CLOSE_TIMEOUT_MS = 5_000;
const HANDSHAKE_TIMEOUT_MS = 10_000;
// ws 8.23 takes `closeTimeout` (default 30 s); its published types do not list it yet.
const CLOSE_TIMEOUT: object = { closeTimeout: CLOSE_TIMEOUT_MS };

/** The WebSockets of one gateway, across its listeners. */
export interface WebSocketGateway {
  /** The listener's `upgrade` event for a WebSocket handshake. */
  upgrade(handler: RequestHandler, req: IncomingMessage, socket: Socket, head: Buffer): void;
  /** Closes (1001) every session that runs on a version other than `current`: they reconnect to it. */
  reloaded(current: ConfigVersion): void;
  /** Closes (1001) every session: the gateway shuts down. */
  goingAway(): void;
  /** Sessions open now. */
  readonly open: number;
}

/** What opening the upstream side came to. */
type Opened =
  | { readonly kind: 'open'; readonly upstream: WebSocket }
  | { readonly kind: 'answered'; readonly view: ResponseView }
  | { readonly kind: 'failed'; readonly code: ErrorCode }
  | { readonly kind: 'client-gone' };

/** Creates the WebSocket side of a gateway. */
export function createWebSocketGateway(): WebSocketGateway {
  const sessions = new Set<Session>();
  const ended = (session: Session) => sessions.delete(session);
  return {
    upgrade(handler, req, socket, head) {
      // The HTTP server let go of the socket: errors are ours to absorb, and the answer is written by
      // writer.ts through a response bound to it, closed once written (no keep-alive after a refusal).
      socket.on('error', () => socket.destroy());
      const res = new ServerResponse(req);
      res.shouldKeepAlive = false;
      res.assignSocket(socket);
      res.once('finish', () => socket.destroySoon());
      handler.handle(req, res, false, (x, route) =>
        accept(x, route, socket, head).then((session) => {
          if (session !== undefined) sessions.add(session);
        }),
      );
    },
    reloaded(current) {
      for (const session of sessions) {
        if (session.x.version !== current) session.close(CLOSE.goingAway, 'configuration reloaded');
      }
    },
    goingAway() {
      for (const session of sessions) session.close(CLOSE.goingAway, 'gateway shutting down');
    },
    get open() {
      return sessions.size;
    },
  };

  async function accept(
    x: GatewayRequest,
    route: CompiledRoute,
    socket: Socket,
    head: Buffer,
  ): Promise<Session | undefined> {
    const settings = websocketSettings(route, x.version);
    if (settings === undefined) return void (await sendProblem(x, 'RAMPART_WEBSOCKET_NOT_ENABLED'));
    if (x.runtime.draining) return void (await sendProblem(x, 'RAMPART_WEBSOCKET_GOING_AWAY'));
    const handshake = readHandshake(x.req);
    if (typeof handshake === 'string') return void (await sendProblem(x, handshake));
    const origin = x.req.headers.origin;
    if (!isOriginAllowed(origin, x.req.headers.host, settings.origins)) {
      const verdict = deny('RAMPART_WEBSOCKET_ORIGIN_REFUSED', {
        rule: 'origin',
        location: 'header.origin',
        reason: `origin ${String(origin).slice(0, 100)} not allowed`,
      });
      x.policy = 'websocket';
      x.denied('websocket', verdict);
      return void (await sendProblem(x, verdict.code));
    }
    const refusal = upstreamRefusal(route.upstream, x.clock.now());
    if (refusal !== undefined) return void (await sendProblem(x, refusal.code, { headers: refusal.headers }));

    const opened = await openUpstream(x, route, settings, handshake.protocols, socket);
    switch (opened.kind) {
      case 'client-gone':
        return undefined;
      case 'failed':
        return void (await sendProblem(x, opened.code));
      case 'answered': {
        // The upstream refused the upgrade: its answer goes to the client like any proxied answer.
        const view = opened.view;
        const responded = respond(x, view);
        if (!(responded instanceof Promise ? await responded : responded)) {
          writeAnswer(x, view.status, view.headers, view.body, 'upstream');
        }
        return undefined;
      }
      case 'open':
        return acceptClient(x, settings, socket, head, opened.upstream);
    }
  }

  function acceptClient(
    x: GatewayRequest,
    settings: WebSocketSettings,
    socket: Socket,
    head: Buffer,
    upstream: WebSocket,
  ): Session | undefined {
    const server = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      perMessageDeflate: false,
      maxPayload: settings.maxMessageBytes,
      ...CLOSE_TIMEOUT,
      handleProtocols: () => (upstream.protocol === '' ? false : upstream.protocol),
    });
    // The 101 carries the request id like every other answer.
    server.once('headers', (headers: string[]) => {
      headers.push(`${x.version.settings.requestIdHeader}: ${x.requestId}`);
    });
    let session: Session | undefined;
    // ws writes the 101 and calls back at once, or destroys a socket that is no longer usable.
    server.handleUpgrade(x.req, socket, head, (client) => {
      x.upgraded = true;
      x.status = 101;
      session = relay(x, client, upstream, settings, ended);
    });
    if (session === undefined) upstream.terminate();
    return session;
  }
}

/** Opens the upstream WebSocket with the request the proxy would send (hop replaced, policy edits). */
function openUpstream(
  x: GatewayRequest,
  route: CompiledRoute,
  settings: WebSocketSettings,
  protocols: readonly string[],
  socket: Socket,
): Promise<Opened> {
  const head = upstreamRequestHead(x, route);
  // ws makes its own key, version and extension offer; the subprotocols go as the client listed them.
  for (const name of Object.keys(head.headers))
    if (name.startsWith('sec-websocket-')) delete head.headers[name];
  if (socket.destroyed) return Promise.resolve({ kind: 'client-gone' });
  return new Promise((resolve) => {
    const upstream = new WebSocket(`${settings.upstreamOrigin}${head.path}`, [...protocols], {
      headers: head.headers,
      perMessageDeflate: false,
      maxPayload: settings.maxUpstreamMessageBytes,
      handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
      ...CLOSE_TIMEOUT,
      followRedirects: false,
    });
    let settled = false;
    const settle = (opened: Opened) => {
      if (settled) return;
      settled = true;
      socket.off('close', clientGone);
      resolve(opened);
    };
    const clientGone = () => {
      upstream.terminate();
      settle({ kind: 'client-gone' });
    };
    socket.once('close', clientGone);
    upstream.once('open', () => {
      route.upstream.breaker?.success(x.clock.now());
      settle({ kind: 'open', upstream });
    });
    upstream.once('unexpected-response', (request, response) => {
      readBounded(response, x.version.settings.maxResponseBufferBytes).then(
        (body) => {
          request.destroy();
          const headers = cleanResponseHeaders(response.headers);
          settle({
            kind: 'answered',
            view: { status: response.statusCode ?? 502, headers, body, local: false },
          });
        },
        (error: unknown) => {
          request.destroy();
          if (!(error instanceof BodyTooLargeError)) failed(error);
          else settle({ kind: 'failed', code: 'RAMPART_UPSTREAM_ERROR' });
        },
      );
    });
    const failed = (error: unknown) => {
      if (settled) return;
      const timedOut = error instanceof Error && error.message.includes('timed out');
      const failure = timedOut ? 'timeout' : classifyUpstreamError(error);
      route.upstream.breaker?.failure(x.clock.now());
      x.runtime.observer.upstreamFailed(route.upstream.name, failure, x.requestId, error);
      settle({
        kind: 'failed',
        code: failure === 'timeout' ? 'RAMPART_UPSTREAM_TIMEOUT' : 'RAMPART_UPSTREAM_UNAVAILABLE',
      });
    };
    // Stays for the session's life: an upstream error after the open is the relay's to report.
    upstream.on('error', failed);
  });
}
