// The reference the gateway is measured against: a bare reverse proxy on node:http + undici.Pool,
// streaming bodies both ways, no policies, no logging. Run as a child process.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';

// Hop-by-hop fields are for one connection only (RFC 9110 §7.6.1) and never forwarded.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
]);

function forwardHeaders(headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>) {
  const out: Record<string, string | string[]> = {};
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  }
  return out;
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

async function proxy(pool: Pool, req: IncomingMessage, res: ServerResponse): Promise<void> {
  // pool.stream writes the upstream body straight into `res`: no intermediate Readable.
  await pool.stream(
    {
      method: (req.method ?? 'GET') as 'GET',
      path: req.url ?? '/',
      headers: forwardHeaders(req.headers),
      body: hasBody(req) ? req : null,
    },
    ({ statusCode, headers }) => {
      res.writeHead(statusCode, forwardHeaders(headers));
      return res;
    },
  );
}

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    upstream: { type: 'string' },
    connections: { type: 'string', default: '128' },
  },
});
if (values.upstream === undefined) throw new Error('--upstream URL is required');
const pool = new Pool(values.upstream, { connections: Number(values.connections), pipelining: 1 });
const server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
  proxy(pool, req, res).catch(() => {
    if (!res.headersSent) res.writeHead(502, { 'content-length': 0 }).end();
    else res.destroy();
  });
});
server.listen(Number(values.port), '127.0.0.1', () => {
  process.stdout.write(`bare proxy listening on ${JSON.stringify(server.address())}\n`);
});
process.once('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void pool.close();
});
