// The benchmark's upstream: a tiny node:http server. GET answers a small JSON body, POST /consume
// reads the body and answers its size, POST /echo streams the body back. Run as a child process.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { parseArgs } from 'node:util';

const SMALL = Buffer.from(JSON.stringify({ id: 42, name: 'rampart', tags: ['bench', 'json'], ok: true }));

function handle(req: IncomingMessage, res: ServerResponse): void {
  if (req.method === 'GET' || req.method === 'HEAD') {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': SMALL.length });
    res.end(req.method === 'HEAD' ? undefined : SMALL);
    return;
  }
  if (req.url === '/echo') {
    const headers: Record<string, string> = {
      'content-type': req.headers['content-type'] ?? 'application/json',
    };
    if (req.headers['content-length'] !== undefined)
      headers['content-length'] = req.headers['content-length'];
    res.writeHead(200, headers);
    req.pipe(res);
    return;
  }
  let received = 0;
  req.on('data', (chunk: Buffer) => {
    received += chunk.length;
  });
  req.on('end', () => {
    const body = `{"received":${received}}`;
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
}

const { values } = parseArgs({ options: { port: { type: 'string', default: '0' } } });
const server = createServer({ keepAliveTimeout: 60_000 }, handle);
server.listen(Number(values.port), '127.0.0.1', () => {
  process.stdout.write(`upstream listening on ${JSON.stringify(server.address())}\n`);
});
process.once('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
});
