// Open connections per client address: a cap so one address cannot hold the listener's sockets with
// slow requests (slowloris), trusted proxies exempt because they carry many clients; and every open
// connection, so a shutdown can end those the HTTP server no longer tracks.
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { canonicalIp, type TrustedProxies } from './trusted-proxies.ts';

/** The default cap: far above what one browser (6 per host) or one API client pool opens. */
export const DEFAULT_MAX_CONNECTIONS_PER_IP = 256;

/** What the limiter reads on every new connection (from the running config version). */
export interface ConnectionLimitSettings {
  /** 0 turns the cap off. */
  readonly maxPerIp: number;
  readonly trustedProxies: TrustedProxies;
}

/** Counts open connections per address on one or more listeners. */
export interface ConnectionLimiter {
  /** Counts `socket` and returns true, or returns false (not counted) when its address is at the cap. */
  admit(socket: Socket): boolean;
  /** Open connections of an address (tests, metrics). */
  openFrom(address: string): number;
  /** Destroys every connection still open (the end of a shutdown: nothing may hold it). */
  destroyAll(): void;
}

/**
 * Waits for `work` at most `ms` milliseconds; true when it settled in time. The timer does not keep
 * the process alive.
 */
export async function within(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
    timer.unref();
  });
  const settled = work.then(
    () => true,
    () => true,
  );
  const result = await Promise.race([settled, late]);
  clearTimeout(timer);
  return result;
}

/** Creates a limiter; `settings` is read per connection so a reload changes the cap at once. */
export function createConnectionLimiter(settings: () => ConnectionLimitSettings): ConnectionLimiter {
  const open = new Map<string, number>();
  const sockets = new Set<Socket>();
  return {
    admit(socket) {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      const { maxPerIp, trustedProxies } = settings();
      if (maxPerIp <= 0) return true;
      const ip = canonicalIp(socket.remoteAddress ?? '');
      if (ip === '' || trustedProxies.has(ip)) return true;
      const count = open.get(ip) ?? 0;
      if (count >= maxPerIp) return false;
      open.set(ip, count + 1);
      socket.once('close', () => {
        const left = (open.get(ip) ?? 1) - 1;
        if (left <= 0) open.delete(ip);
        else open.set(ip, left);
      });
      return true;
    },
    openFrom(address) {
      return open.get(canonicalIp(address)) ?? 0;
    },
    destroyAll() {
      for (const socket of sockets) socket.destroy();
    },
  };
}

/**
 * Applies `limiter` to a listener: a refused plain-HTTP connection gets `refuse(socket)` (a problem
 * document, then close); a refused TLS connection is closed before the handshake, since nothing
 * readable can be written on it yet.
 */
export function limitConnections(
  server: Server,
  limiter: ConnectionLimiter,
  secure: boolean,
  refuse: (socket: Socket) => void,
): void {
  server.on('connection', (socket: Socket) => {
    if (limiter.admit(socket)) return;
    if (secure) return void socket.destroy();
    // Stop reading first: the HTTP parser is already attached and would otherwise serve the request.
    socket.pause();
    refuse(socket);
  });
}
