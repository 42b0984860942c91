// Syslog over UDP, TCP or TLS: RFC 5424 messages carrying the formatted event as JSON. TCP and TLS keep
// one connection, reconnected after a failure, and frame by octet counting; UDP sends one datagram per
// message and drops (and counts) a message larger than a datagram may be.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { isIP, type Socket, connect as tcpConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { ExportItem } from '../export-item.ts';
import type { Formatted } from '../schemas/format.ts';
import { createSink, type Sink, type SinkContext } from './sink.ts';
import { type Facility, octetCounted, syslogHeader, syslogMessage } from './syslog-format.ts';

/** Settings of a syslog sink. */
export interface SyslogSinkSettings {
  readonly protocol: 'udp' | 'tcp' | 'tls';
  readonly host: string;
  readonly port: number;
  readonly facility: Facility;
  readonly appName?: string;
  /** Connect and write timeout. */
  readonly timeoutMs: number;
  /** TLS: PEM CA certificates to trust instead of the system's; the server name to check. */
  readonly ca?: string;
  readonly serverName?: string;
  /** UDP: the largest datagram sent (RFC 5426 §3.2: at least 2048 should be accepted). */
  readonly maxDatagramBytes?: number;
}

const UDP_MAX = 65_507;

function withTimeout<T>(promise: Promise<T>, ms: number, what: string, onTimeout: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(new Error(`syslog ${what} timed out after ${ms} ms`));
    }, ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A TCP or TLS stream to the receiver, opened on first use and after each failure. */
function streamConnection(settings: SyslogSinkSettings) {
  let socket: Socket | undefined;
  const open = (): Promise<Socket> =>
    new Promise<Socket>((resolve, reject) => {
      const s =
        settings.protocol === 'tls'
          ? tlsConnect({
              host: settings.host,
              port: settings.port,
              ...(settings.ca === undefined ? {} : { ca: settings.ca }),
              servername: settings.serverName ?? (isIP(settings.host) === 0 ? settings.host : undefined),
            })
          : tcpConnect({ host: settings.host, port: settings.port });
      const ready = settings.protocol === 'tls' ? 'secureConnect' : 'connect';
      s.once(ready, () => {
        s.off('error', reject);
        s.on('error', () => s.destroy());
        s.once('close', () => {
          if (socket === s) socket = undefined;
        });
        // Nothing is expected back; reading keeps a closing receiver's FIN noticed.
        s.resume();
        resolve(s);
      });
      s.once('error', reject);
      s.setNoDelay(true);
    });
  return {
    async write(buffer: Buffer): Promise<void> {
      if (socket === undefined || socket.destroyed) {
        const opening = open();
        socket = await withTimeout(opening, settings.timeoutMs, 'connect', () => {
          opening.then((s) => s.destroy()).catch(() => {});
        });
      }
      const s = socket;
      const written = new Promise<void>((resolve, reject) => {
        s.write(buffer, (error) => (error ? reject(error) : resolve()));
      });
      try {
        await withTimeout(written, settings.timeoutMs, 'write', () => s.destroy());
      } catch (error) {
        s.destroy();
        if (socket === s) socket = undefined;
        throw error;
      }
    },
    async close(): Promise<void> {
      const s = socket;
      socket = undefined;
      if (s === undefined || s.destroyed) return;
      await new Promise<void>((resolve) => s.end(resolve));
      s.destroy();
    },
  };
}

function datagramConnection(settings: SyslogSinkSettings) {
  let socket: UdpSocket | undefined;
  return {
    send(message: Buffer): Promise<void> {
      socket ??= createSocket(isIP(settings.host) === 6 ? 'udp6' : 'udp4');
      socket.unref();
      const s = socket;
      return new Promise<void>((resolve, reject) => {
        s.send(message, settings.port, settings.host, (error) => (error ? reject(error) : resolve()));
      });
    },
    close(): Promise<void> {
      const s = socket;
      socket = undefined;
      return new Promise<void>((resolve) => (s === undefined ? resolve() : s.close(() => resolve())));
    },
  };
}

/** Creates a syslog sink. */
export function createSyslogSink(context: SinkContext, settings: SyslogSinkSettings): Sink {
  const header = syslogHeader(settings.facility, settings.appName);
  const messages = (formatted: readonly Formatted[], items: readonly ExportItem[]) =>
    formatted.map((each, i) => syslogMessage(header, items[i]!, each.json));

  if (settings.protocol === 'udp') {
    const udp = datagramConnection(settings);
    const max = Math.min(settings.maxDatagramBytes ?? 8192, UDP_MAX);
    return createSink<Buffer[]>(context, {
      encode: (formatted, items) => messages(formatted, items).map((message) => Buffer.from(message)),
      async send(batch) {
        let rejected = 0;
        for (const datagram of batch) {
          if (datagram.length > max) rejected++;
          else await udp.send(datagram);
        }
        return { rejected, reason: 'too_large' };
      },
      close: () => udp.close(),
    });
  }
  const stream = streamConnection(settings);
  return createSink<Buffer>(context, {
    encode: (formatted, items) => Buffer.concat(messages(formatted, items).map(octetCounted)),
    async send(batch) {
      await stream.write(batch);
      return undefined;
    },
    close: () => stream.close(),
  });
}
