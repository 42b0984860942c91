// A WebSocket session once both handshakes are done: messages relayed each way (ws parses, unmasks
// and re-frames them, so each hop keeps its own masking rules, RFC 6455 §5.3), client messages held to
// the route's size and rate, both sides closed when one closes, goes idle, or the gateway goes away.
import type { WebSocket } from 'ws';
import type { GatewayRequest } from './request.ts';
import { MessageRate, type WebSocketSettings } from './websocket-settings.ts';

/** Close codes (RFC 6455 §7.4.1). */
export const CLOSE = {
  normal: 1000,
  goingAway: 1001,
  policyViolation: 1008,
  tooBig: 1009,
  noStatus: 1005,
} as const;

// Past this much queued toward one side, reading from the other pauses until it drains.
const HIGH_WATER_BYTES = 1024 * 1024;

/** A live relay. */
export interface Session {
  readonly x: GatewayRequest;
  /** Closes both sides with `code` (a close frame each, then the close handshake). */
  close(code: number, reason: string): void;
}

// Codes a close frame may carry (RFC 6455 §7.4.2): 1005, 1006 and 1015 are only ever reported.
function sendableCode(code: number): number | undefined {
  if (code === CLOSE.noStatus) return undefined;
  if ((code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999)) {
    return code;
  }
  return CLOSE.goingAway;
}

function closeSide(ws: WebSocket, code: number, reason: string): void {
  if (ws.readyState !== ws.OPEN && ws.readyState !== ws.CONNECTING) return;
  const sendable = sendableCode(code);
  if (sendable === undefined) ws.close();
  else ws.close(sendable, reason);
}

function forward(from: WebSocket, to: WebSocket, data: Buffer, isBinary: boolean): void {
  if (to.readyState !== to.OPEN) return;
  to.send(data, { binary: isBinary }, () => {
    if (from.isPaused && to.bufferedAmount < HIGH_WATER_BYTES) from.resume();
  });
  if (to.bufferedAmount >= HIGH_WATER_BYTES) from.pause();
}

function isTooBig(error: Error): boolean {
  return (error as { code?: string }).code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH';
}

/** Relays between `client` and `upstream` for request `x`; `ended` runs once the client side closed. */
export function relay(
  x: GatewayRequest,
  client: WebSocket,
  upstream: WebSocket,
  settings: WebSocketSettings,
  ended: (session: Session) => void,
): Session {
  const rate = settings.rate === undefined ? undefined : new MessageRate(settings.rate, x.clock.now());
  const session: Session = {
    x,
    close(code, reason) {
      closeSide(client, code, reason);
      closeSide(upstream, code, reason);
    },
  };
  const idle = setTimeout(() => session.close(CLOSE.goingAway, 'idle timeout'), settings.idleTimeoutMs);
  idle.unref();

  client.on('message', (data: Buffer, isBinary: boolean) => {
    if (rate !== undefined && !rate.take(x.clock.now())) {
      x.flag('websocket', {
        rule: 'message-rate',
        location: 'websocket.message',
        reason: 'client messages over the route rate',
        severity: 'medium',
      });
      session.close(CLOSE.policyViolation, 'message rate exceeded');
      return;
    }
    idle.refresh();
    x.bytesIn += data.length;
    forward(client, upstream, data, isBinary);
  });
  upstream.on('message', (data: Buffer, isBinary: boolean) => {
    idle.refresh();
    x.bytesOut += data.length;
    forward(upstream, client, data, isBinary);
  });
  client.on('ping', () => idle.refresh());
  // ws answers a protocol error itself (1009 for a message over maxPayload, 1002, 1007) on that side;
  // the close event then carries the code to the other side.
  client.on('error', (error) => {
    if (isTooBig(error)) {
      x.flag('websocket', {
        rule: 'message-too-large',
        location: 'websocket.message',
        reason: `client message over ${settings.maxMessageBytes} bytes`,
        severity: 'medium',
      });
    } else x.log.debug({ requestId: x.requestId, err: error }, 'websocket client error');
  });
  // ws reports its own side's close of an upstream protocol error as 1006 (abnormal): the client is
  // told the reason instead (1009 for an upstream message over maxUpstreamMessageBytes).
  let upstreamFault: number | undefined;
  upstream.on('error', (error) => {
    if (isTooBig(error)) upstreamFault = CLOSE.tooBig;
    x.log.debug({ requestId: x.requestId, err: error }, 'websocket upstream error');
  });
  client.on('close', (code: number, reason: Buffer) => {
    clearTimeout(idle);
    closeSide(upstream, code, reason.toString());
    ended(session);
  });
  upstream.on('close', (code: number, reason: Buffer) =>
    closeSide(
      client,
      upstreamFault ?? code,
      upstreamFault === undefined ? reason.toString() : 'upstream message too big',
    ),
  );
  return session;
}
