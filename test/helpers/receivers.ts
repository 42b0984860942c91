// Real receivers for the sink tests, on 127.0.0.1: a syslog server over TCP or TLS (octet-counting
// framing, RFC 6587) or UDP, and an HTTP server that records what it is sent. A test awaits what it
// expects (`waitFor`) instead of sleeping.
import { createSocket } from 'node:dgram';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo, createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';

const SAFETY_NET_MS = 10_000;

/** Things received, in order, and a way to await them. */
export interface Received<T> {
  readonly items: T[];
  /** Resolves with the items once `count` have arrived (fails after a safety net). */
  waitFor(count: number): Promise<T[]>;
}

function received<T>(): Received<T> & { push(item: T): void } {
  const items: T[] = [];
  const waiters: Array<{ count: number; resolve: (items: T[]) => void }> = [];
  return {
    items,
    push(item) {
      items.push(item);
      for (const waiter of [...waiters]) {
        if (items.length >= waiter.count) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(items);
        }
      }
    },
    waitFor(count) {
      if (items.length >= count) return Promise.resolve(items);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`waited for ${count} items, got ${items.length}`)),
          SAFETY_NET_MS,
        );
        timer.unref();
        waiters.push({
          count,
          resolve: (all) => {
            clearTimeout(timer);
            resolve(all);
          },
        });
      });
    },
  };
}

/** A running syslog receiver. */
export interface SyslogReceiver extends Received<string> {
  readonly port: number;
  close(): Promise<void>;
}

// Octet counting: `LEN SP MSG`, repeated. Returns what is left of an incomplete frame.
function parseFrames(buffer: Buffer, emit: (message: string) => void): Buffer {
  let rest = buffer;
  for (;;) {
    const space = rest.indexOf(0x20);
    if (space <= 0 || space > 10) return rest;
    const length = Number(rest.subarray(0, space).toString());
    if (!Number.isInteger(length) || rest.length < space + 1 + length) return rest;
    emit(rest.subarray(space + 1, space + 1 + length).toString());
    rest = rest.subarray(space + 1 + length);
  }
}

/** Starts a syslog receiver over TCP, or over TLS with `tls` (PEM key and certificate). */
export async function startSyslogStreamReceiver(tls?: {
  key: string;
  cert: string;
}): Promise<SyslogReceiver> {
  const messages = received<string>();
  const sockets = new Set<Socket>();
  const onSocket = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let pending: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = parseFrames(Buffer.concat([pending, chunk]), (message) => messages.push(message));
    });
  };
  const server: Server = tls === undefined ? createTcpServer(onSocket) : createTlsServer(tls, onSocket);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    ...messages,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Starts a syslog receiver over UDP. */
export async function startSyslogUdpReceiver(): Promise<SyslogReceiver> {
  const messages = received<string>();
  const socket = createSocket('udp4');
  socket.on('message', (message) => messages.push(message.toString()));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    ...messages,
    port: socket.address().port,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

/** A request an HTTP receiver got. */
export interface ReceivedHttp {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

/** A running HTTP receiver. */
export interface HttpReceiver extends Received<ReceivedHttp> {
  readonly url: string;
  /** The statuses of the next answers, in order (then 200). */
  readonly statuses: number[];
  /** The body of every 200 answer (default `{}`). */
  answerBody: string;
  close(): Promise<void>;
}

/** Starts an HTTP receiver that records every request and answers 200 (or the queued statuses). */
export async function startHttpReceiver(): Promise<HttpReceiver> {
  const requests = received<ReceivedHttp>();
  const statuses: number[] = [];
  const state = { answerBody: '{}' };
  const server = createHttpServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const status = statuses.shift() ?? 200;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(status === 200 ? state.answerBody : '{}');
      requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    ...requests,
    url: `http://127.0.0.1:${port}`,
    statuses,
    get answerBody() {
      return state.answerBody;
    },
    set answerBody(value: string) {
      state.answerBody = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
