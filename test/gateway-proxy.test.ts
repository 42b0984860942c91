// Proxy correctness through a real gateway and a real upstream on 127.0.0.1.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { startUpstream, type TestUpstream } from './helpers/upstream.ts';

type Json = Record<string, unknown>;

async function json(response: Response): Promise<Json> {
  return (await response.json()) as Json;
}

let upstream: TestUpstream;
let gw: TestGateway;

function config(upstreamUrl: string): string {
  return `
version: 1
server: { http: { port: 0 } }
upstreams:
  app: { url: ${upstreamUrl}/base }
routes:
  - name: items
    match: { path: /items/* }
    upstream: app
    policies:
      request-limits: { maxBodyBytes: 64kb, maxUrlLength: 256, maxHeaders: 30 }
  - name: api
    match: { path: /api/*, methods: [GET, POST] }
    upstream: app
    stripPrefix: /api
  - name: status
    match: { path: /status/:code }
    upstream: app
  - name: watched
    match: { path: /watched }
    upstream: app
    policies:
      ip-filter: { deny: [127.0.0.0/8], mode: monitor }
  - name: guarded
    match: { path: /guarded }
    upstream: app
    policies:
      ip-filter: { deny: [127.0.0.0/8] }
`;
}

describe('gateway-proxy', () => {
  before(async () => {
    upstream = await startUpstream((req, res, body) => {
      const url = req.url ?? '';
      if (url.startsWith('/base/status/')) {
        const code = Number(url.split('/')[3]);
        res.writeHead(
          code,
          code === 304 ? { etag: '"v1"' } : { 'content-type': 'text/plain', 'x-powered-by': 'x' },
        );
        res.end(code === 204 || code === 304 ? undefined : 'status body');
        return;
      }
      if (url.startsWith('/base/items/stream')) {
        res.writeHead(200, { 'content-type': 'text/plain' });
        let sent = 0;
        const timer = setInterval(() => {
          res.write(`chunk-${sent}\n`);
          if (++sent === 5) {
            clearInterval(timer);
            res.end();
          }
        }, 5);
        return;
      }
      const payload = JSON.stringify({
        method: req.method,
        url,
        bytes: body?.length ?? 0,
        echo: body?.toString(),
      });
      res.writeHead(200, {
        'content-type': 'application/json',
        connection: 'x-upstream-secret',
        'x-upstream-secret': '1',
      });
      res.end(payload);
    });
    gw = await startTestGateway(config(upstream.url));
  });

  after(async () => {
    await gw.close();
    await upstream.close();
  });

  function lastReceived() {
    const last = upstream.received.at(-1);
    assert.ok(last !== undefined, 'the upstream received nothing');
    return last;
  }

  describe('forwarding', () => {
    test('forwards the normalized path and the raw query to the upstream base path', async () => {
      const response = await fetch(`${gw.url}/items/a%20b/./c?q=1&x=%2F&x=2`);
      assert.equal(response.status, 200);
      assert.equal((await json(response)).url, '/base/items/a%20b/c?q=1&x=%2F&x=2');
    });

    test('strips a route prefix before forwarding', async () => {
      const response = await fetch(`${gw.url}/api/users?id=7`);
      assert.equal((await json(response)).url, '/base/users?id=7');
    });

    test('generates a request id, returns it and forwards it', async () => {
      const response = await fetch(`${gw.url}/items/1`);
      const id = response.headers.get('x-request-id');
      assert.match(id ?? '', /^[0-9a-f-]{36}$/);
      assert.equal(lastReceived().headers['x-request-id'], id);
    });

    test('sets the upstream Host and removes hop-by-hop headers from the response', async () => {
      const response = await fetch(`${gw.url}/items/1`);
      assert.equal(lastReceived().headers.host, new URL(upstream.url).host);
      assert.equal(response.headers.get('x-upstream-secret'), null);
    });

    test('answers HEAD without a body and passes 204 and 304 through without one', async () => {
      const head = await fetch(`${gw.url}/items/1`, { method: 'HEAD' });
      assert.equal(head.status, 200);
      assert.equal(await head.text(), '');
      const noContent = await fetch(`${gw.url}/status/204`);
      assert.equal(noContent.status, 204);
      assert.equal(await noContent.text(), '');
      const notModified = await fetch(`${gw.url}/status/304`);
      assert.equal(notModified.status, 304);
      assert.equal(notModified.headers.get('etag'), '"v1"');
    });

    test('streams a chunked response through as it comes', async () => {
      const response = await fetch(`${gw.url}/items/stream`);
      assert.equal(await response.text(), 'chunk-0\nchunk-1\nchunk-2\nchunk-3\nchunk-4\n');
    });

    test('streams a chunked request body to the upstream', async () => {
      const parts = ['{"a":', '1,', '"b":2}'];
      const body = new ReadableStream({
        pull(controller) {
          const next = parts.shift();
          if (next === undefined) controller.close();
          else controller.enqueue(new TextEncoder().encode(next));
        },
      });
      const response = await fetch(`${gw.url}/items/post`, {
        method: 'POST',
        body,
        duplex: 'half',
      } as RequestInit);
      assert.deepEqual(JSON.parse(String((await json(response)).echo)), { a: 1, b: 2 });
    });

    test('answers Expect: 100-continue with 100 before the body is sent', async () => {
      const { status, informational, echoed } = await new Promise<{
        status: number;
        informational: number[];
        echoed: string;
      }>((resolve, reject) => {
        const { port } = new URL(gw.url);
        const informational: number[] = [];
        const req = httpRequest(
          {
            host: '127.0.0.1',
            port,
            method: 'PUT',
            path: '/items/continue',
            headers: { expect: '100-continue', 'content-length': '5' },
          },
          (res) => {
            let text = '';
            res.on('data', (chunk) => {
              text += chunk;
            });
            res.on('end', () =>
              resolve({ status: res.statusCode ?? 0, informational, echoed: JSON.parse(text).echo }),
            );
          },
        );
        req.on('information', (info) => informational.push(info.statusCode));
        req.on('continue', () => req.end('hello'));
        req.on('error', reject);
      });
      assert.equal(status, 200);
      assert.deepEqual(informational, [100]);
      assert.equal(echoed, 'hello');
    });
  });

  describe('refusals', () => {
    test('answers 404 problem+json for unknown routes without asking the upstream', async () => {
      const before = upstream.received.length;
      const response = await fetch(`${gw.url}/nowhere`);
      assert.equal(response.status, 404);
      assert.equal(response.headers.get('content-type'), 'application/problem+json');
      const problem = await json(response);
      assert.equal(problem.code, 'RAMPART_ROUTE_NOT_FOUND');
      assert.equal(problem.requestId, response.headers.get('x-request-id'));
      assert.equal(upstream.received.length, before);
    });

    test('answers 405 with Allow when only the method is wrong', async () => {
      const response = await fetch(`${gw.url}/api/users`, { method: 'DELETE' });
      assert.equal(response.status, 405);
      assert.equal(response.headers.get('allow'), 'GET, POST');
    });

    test('refuses a body over the limit with 413, declared or chunked, before the upstream has it all', async () => {
      const declared = await fetch(`${gw.url}/items/big`, { method: 'POST', body: 'x'.repeat(70 * 1024) });
      assert.equal(declared.status, 413);
      assert.equal((await json(declared)).code, 'RAMPART_INGRESS_BODY_TOO_LARGE');

      const chunk = new Uint8Array(16 * 1024).fill(120);
      let sent = 0;
      const body = new ReadableStream({
        pull(controller) {
          if (sent++ === 8) controller.close();
          else controller.enqueue(chunk);
        },
      });
      const chunked = await fetch(`${gw.url}/items/big`, {
        method: 'POST',
        body,
        duplex: 'half',
      } as RequestInit);
      assert.equal(chunked.status, 413);
      assert.equal((await json(chunked)).code, 'RAMPART_INGRESS_BODY_TOO_LARGE');
    });

    test('refuses long URLs with 414 and too many headers with 431', async () => {
      const long = await fetch(`${gw.url}/items/${'a'.repeat(300)}`);
      assert.equal(long.status, 414);
      const headers: Record<string, string> = {};
      for (let i = 0; i < 40; i++) headers[`x-h${i}`] = 'v';
      const many = await fetch(`${gw.url}/items/1`, { headers });
      assert.equal(many.status, 431);
      assert.equal((await json(many)).code, 'RAMPART_INGRESS_HEADERS_TOO_LARGE');
    });

    test('denies with 403 and records a security event for an enforced policy', async () => {
      const response = await fetch(`${gw.url}/guarded`);
      assert.equal(response.status, 403);
      const id = response.headers.get('x-request-id');
      const event = gw.events.find((entry) => entry.requestId === id);
      assert.equal(event?.outcome, 'denied');
      assert.equal(event?.policy, 'ip-filter');
      assert.equal(event?.code, 'RAMPART_INGRESS_IP_DENIED');
    });

    test('lets a request through a policy in monitor mode and records the would-deny', async () => {
      const response = await fetch(`${gw.url}/watched`);
      assert.equal(response.status, 200);
      const id = response.headers.get('x-request-id');
      const event = gw.events.find((entry) => entry.requestId === id);
      assert.equal(event?.outcome, 'would-deny');
      assert.equal(event?.policy, 'ip-filter');
    });

    test('logs one access line per request with route, status and request id', async () => {
      const response = await fetch(`${gw.url}/items/logged?token=abc123secret`);
      const id = response.headers.get('x-request-id') ?? '';
      await response.arrayBuffer();
      const line = await gw.accessLogOf(id);
      assert.equal(line.route, 'items');
      assert.equal(line.status, 200);
      assert.ok(!JSON.stringify(line).includes('abc123secret'));
    });
  });
});
