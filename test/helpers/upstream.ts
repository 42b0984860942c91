// A real upstream for integration tests: records what it received and answers per a handler.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the upstream saw it. */
export interface ReceivedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly rawHeaders: readonly string[];
  readonly bodyBytes: number;
  readonly body: Buffer | undefined;
}

/** A running test upstream. */
export interface TestUpstream {
  readonly url: string;
  readonly port: number;
  readonly received: ReceivedRequest[];
  readonly server: Server;
  close(): Promise<void>;
}

type Handler = (req: IncomingMessage, res: ServerResponse, body: Buffer | undefined) => void;

const echo: Handler = (req, res, body) => {
  const payload = JSON.stringify({ method: req.method, url: req.url, bytes: body?.length ?? 0 });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
};

/**
 * Starts an upstream on 127.0.0.1:0. Bodies up to `keepBodyBytes` are kept for assertions; larger ones
 * are only counted, so a test can stream hundreds of megabytes through it.
 */
export async function startUpstream(
  handler: Handler = echo,
  options: { keepBodyBytes?: number } = {},
): Promise<TestUpstream> {
  const keep = options.keepBodyBytes ?? 1024 * 1024;
  const received: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= keep) chunks.push(chunk);
    });
    req.on('end', () => {
      const body = bytes === 0 ? undefined : bytes <= keep ? Buffer.concat(chunks) : undefined;
      received.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        rawHeaders: req.rawHeaders,
        bodyBytes: bytes,
        body,
      });
      handler(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
