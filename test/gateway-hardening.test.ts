// Hardening properties of the gateway core over real sockets on 127.0.0.1: request smuggling, path
// normalization, method refusal, hop-by-hop and forwarding headers, override headers, slow clients and
// upstream failures. Raw bytes are written where a well-behaved client would refuse to send them.
import assert from 'node:assert/strict';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import {
  assertProblem,
  type HeaderList,
  parseRawResponse,
  type RawResponse,
  rawRequest,
  sendRaw as send,
} from './helpers/raw-http.ts';
import { startUpstream, type TestUpstream } from './helpers/upstream.ts';

function baseConfig(upstreamUrl: string, server: string, routes: string): string {
  return `
version: 1
server: { http: { port: 0 }${server} }
upstreams: { app: { url: ${upstreamUrl} } }
routes:
${routes}`;
}

const USERS_ROUTE = `
  - name: users
    match: { path: /users/:id }
    upstream: app
`;

describe('request smuggling and malformed framing', () => {
  let upstream: TestUpstream;
  let gw: TestGateway;
  before(async () => {
    upstream = await startUpstream();
    gw = await startTestGateway(baseConfig(upstream.url, '', USERS_ROUTE));
  });
  after(async () => {
    await gw?.close();
    await upstream?.close();
  });

  // Each request is followed by a smuggled second request: it must never be parsed or forwarded.
  const smuggled = 'GET /users/2 HTTP/1.1\r\nHost: gateway.test\r\n\r\n';
  const cases: readonly { title: string; head: string; body: string; code: string }[] = [
    {
      title: 'refuses Content-Length together with Transfer-Encoding as ambiguous',
      head: 'POST /users/1 HTTP/1.1\r\nHost: gateway.test\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n',
      body: `0\r\n\r\n${smuggled}`,
      code: 'RAMPART_HTTP_AMBIGUOUS_REQUEST',
    },
    {
      title: 'refuses two different Content-Length headers as ambiguous',
      head: 'POST /users/1 HTTP/1.1\r\nHost: gateway.test\r\nContent-Length: 5\r\nContent-Length: 48\r\n\r\n',
      body: `hello${smuggled}`,
      code: 'RAMPART_HTTP_AMBIGUOUS_REQUEST',
    },
    {
      title: 'refuses Transfer-Encoding: xchunked as ambiguous',
      head: 'POST /users/1 HTTP/1.1\r\nHost: gateway.test\r\nTransfer-Encoding: xchunked\r\n\r\n',
      body: `0\r\n\r\n${smuggled}`,
      code: 'RAMPART_HTTP_AMBIGUOUS_REQUEST',
    },
    {
      title: 'refuses Transfer-Encoding: chunked, identity as ambiguous',
      head: 'POST /users/1 HTTP/1.1\r\nHost: gateway.test\r\nTransfer-Encoding: chunked, identity\r\n\r\n',
      body: `0\r\n\r\n${smuggled}`,
      code: 'RAMPART_HTTP_AMBIGUOUS_REQUEST',
    },
    {
      title: 'refuses a NUL byte in a header value',
      head: 'GET /users/1 HTTP/1.1\r\nHost: gateway.test\r\nX-Note: a\u0000b\r\n\r\n',
      body: smuggled,
      code: 'RAMPART_HTTP_BAD_REQUEST',
    },
    {
      title: 'refuses a bare CR in a header value',
      head: 'GET /users/1 HTTP/1.1\r\nHost: gateway.test\r\nX-Note: a\rTransfer-Encoding: chunked\r\n\r\n',
      body: smuggled,
      code: 'RAMPART_HTTP_BAD_REQUEST',
    },
    {
      title: 'refuses whitespace between a header name and its colon',
      head: 'POST /users/1 HTTP/1.1\r\nHost: gateway.test\r\nContent-Length : 5\r\n\r\n',
      body: `hello${smuggled}`,
      code: 'RAMPART_HTTP_BAD_REQUEST',
    },
  ];

  test('refuses oversized header fields with 431 before routing', async () => {
    const received = upstream.received.length;
    const exchange = await rawRequest(
      gw.url,
      `GET /users/1 HTTP/1.1\r\nHost: gateway.test\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    assert.equal(exchange.closed, true);
    assertProblem(parseRawResponse(exchange.text), 431, 'RAMPART_HTTP_HEADERS_TOO_LARGE');
    assert.equal(upstream.received.length, received, 'the upstream received nothing');
  });

  test('refuses a malformed chunk size once and never parses what follows as a request', async () => {
    const received = upstream.received.length;
    const head = 'POST /users/1 HTTP/1.1\r\nHost: gateway.test\r\nTransfer-Encoding: chunked\r\n\r\n';
    const exchange = await rawRequest(gw.url, `${head}zz\r\nhello\r\n0\r\n\r\n${smuggled}`);
    assert.equal(exchange.closed, true);
    assertProblem(parseRawResponse(exchange.text), 400, 'RAMPART_HTTP_BAD_REQUEST');
    assert.equal(exchange.text.match(/HTTP\/1\.1 /g)?.length, 1);
    assert.equal(upstream.received.length, received, 'the upstream received nothing');
  });

  // RFC 9112 §6.1: Transfer-Encoding in an HTTP/1.0 message means faulty framing; close after it.
  test('refuses Transfer-Encoding in an HTTP/1.0 request and does not keep the connection', async () => {
    const received = upstream.received.length;
    const head =
      'POST /users/1 HTTP/1.0\r\nHost: gateway.test\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n';
    const exchange = await rawRequest(gw.url, `${head}0\r\n\r\n${smuggled}`, { timeoutMs: 1_000 });
    assertProblem(parseRawResponse(exchange.text), 400, 'RAMPART_HTTP_AMBIGUOUS_REQUEST');
    assert.equal(exchange.text.match(/HTTP\/1\.1 /g)?.length, 1, 'the second request got no answer');
    assert.equal(upstream.received.length, received, 'the upstream received nothing');
  });

  // RFC 9112 §3.2: a server MUST answer 400 to a request without Host or with more than one.
  test('answers a request without Host with a 400 problem', async () => {
    const received = upstream.received.length;
    const exchange = await rawRequest(gw.url, 'GET /users/1 HTTP/1.1\r\nConnection: close\r\n\r\n');
    assertProblem(parseRawResponse(exchange.text), 400, 'RAMPART_HTTP_BAD_REQUEST');
    assert.equal(upstream.received.length, received, 'the upstream received nothing');
  });

  test('refuses a request with two Host headers or an invalid Host value', async () => {
    const received = upstream.received.length;
    for (const hosts of [['a.test', 'b.test'], ['a b/c@evil.test']]) {
      const head = hosts.map((host) => `Host: ${host}\r\n`).join('');
      const exchange = await rawRequest(gw.url, `GET /users/1 HTTP/1.1\r\n${head}Connection: close\r\n\r\n`);
      assertProblem(parseRawResponse(exchange.text), 400, 'RAMPART_HTTP_BAD_REQUEST');
    }
    assert.equal(upstream.received.length, received, 'the upstream received nothing');
  });

  for (const { title, head, body, code } of cases) {
    test(`${title}, closes the connection and never calls the upstream`, async () => {
      const received = upstream.received.length;
      const exchange = await rawRequest(gw.url, head + body);
      assert.equal(exchange.closed, true, 'the gateway closes the connection');
      const response = parseRawResponse(exchange.text);
      assertProblem(response, 400, code);
      assert.equal(response.headers.connection, 'close');
      assert.equal(exchange.text.match(/HTTP\/1\.1 /g)?.length, 1, 'the smuggled request got no answer');
      assert.equal(upstream.received.length, received, 'the upstream received nothing');
    });
  }
});

describe('path normalization', () => {
  let upstream: TestUpstream;
  let gw: TestGateway;
  before(async () => {
    upstream = await startUpstream();
    gw = await startTestGateway(
      baseConfig(
        upstream.url,
        '',
        `
  - name: admin
    match: { path: /admin }
    upstream: app
    policies:
      ip-filter: { deny: [127.0.0.1/32] }
  - name: public
    match: { path: /public/* }
    upstream: app
`,
      ),
    );
  });
  after(async () => {
    await gw?.close();
    await upstream?.close();
  });

  const bypasses = [
    '/a/../admin',
    '//admin',
    '/%2e%2e/admin',
    '/%61dmin',
    '/public/..%2fadmin',
    '/public/%2e%2e/admin',
    '/public/.%2E/admin',
    '/public/%2e%2e%2fadmin',
    '/public/..%5cadmin',
    '/public/%252e%252e/admin',
    '/public/..\\admin',
    '/admin%2f..',
    '/admin%00',
    'http://gateway.test/admin',
  ];
  for (const target of bypasses) {
    test(`does not let ${target} reach the upstream past the /admin route's policies`, async () => {
      const before = upstream.received.length;
      const response = await send(gw.url, 'GET', target);
      assert.ok([400, 403, 404].includes(response.status), `status ${response.status} for ${target}`);
      const code =
        response.status === 403
          ? 'RAMPART_INGRESS_IP_DENIED'
          : response.status === 404
            ? 'RAMPART_ROUTE_NOT_FOUND'
            : 'RAMPART_HTTP_BAD_PATH';
      assertProblem(response, response.status, code);
      assert.equal(upstream.received.length, before, 'the upstream received nothing');
    });
  }

  test("closes after a denial instead of parsing the request's unread body as the next request", async () => {
    const smuggled = 'GET /public/x HTTP/1.1\r\nHost: gateway.test\r\n\r\n';
    const before = upstream.received.length;
    const framings = [
      `Content-Length: ${smuggled.length}\r\n\r\n${smuggled}`,
      `Transfer-Encoding: chunked\r\n\r\n${smuggled.length.toString(16)}\r\n${smuggled}\r\n0\r\n\r\n${smuggled}`,
    ];
    for (const framing of framings) {
      const exchange = await rawRequest(gw.url, `POST /admin HTTP/1.1\r\nHost: gateway.test\r\n${framing}`);
      assert.equal(exchange.closed, true);
      assertProblem(parseRawResponse(exchange.text), 403, 'RAMPART_INGRESS_IP_DENIED');
      assert.equal(exchange.text.match(/HTTP\/1\.1 /g)?.length, 1);
    }
    assert.equal(upstream.received.length, before);
  });

  test('answers 404 for /ADMIN because routes are case-sensitive by default', async () => {
    const before = upstream.received.length;
    assertProblem(await send(gw.url, 'GET', '/ADMIN'), 404, 'RAMPART_ROUTE_NOT_FOUND');
    assert.equal(upstream.received.length, before);
  });

  test('forwards the normalized path to the upstream', async () => {
    const before = upstream.received.length;
    const response = await send(gw.url, 'GET', '/public/./a//b/../c/%7Euser?x=%2F1');
    assert.equal(response.status, 200);
    assert.equal(upstream.received.length, before + 1);
    assert.equal(upstream.received.at(-1)?.url, '/public/a/c/~user?x=%2F1');
  });
});

describe('routes and methods', () => {
  let upstream: TestUpstream;
  let gw: TestGateway;
  before(async () => {
    upstream = await startUpstream();
    gw = await startTestGateway(
      baseConfig(
        upstream.url,
        '',
        `${USERS_ROUTE}
  - name: diagnostics
    match: { path: /diagnostics }
    upstream: app
    allowMethods: [TRACE]
`,
      ),
    );
  });
  after(async () => {
    await gw?.close();
    await upstream?.close();
  });

  test('answers 404 problem+json for an unknown route without calling the upstream', async () => {
    assertProblem(await send(gw.url, 'GET', '/nowhere'), 404, 'RAMPART_ROUTE_NOT_FOUND');
    assert.equal(upstream.received.length, 0);
  });

  test('answers TRACE with 405 and an Allow header that does not list TRACE', async () => {
    const response = await send(gw.url, 'TRACE', '/users/1');
    assertProblem(response, 405, 'RAMPART_ROUTE_METHOD_NOT_ALLOWED');
    const allow = (response.headers.allow ?? '').split(',').map((method) => method.trim());
    assert.ok(allow.includes('GET'));
    assert.ok(!allow.includes('TRACE') && !allow.includes('CONNECT'));
    assert.equal(upstream.received.length, 0);
  });

  test('refuses CONNECT with a 405 problem and closes the connection', async () => {
    const exchange = await rawRequest(
      gw.url,
      'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n',
    );
    assert.equal(exchange.closed, true);
    assertProblem(parseRawResponse(exchange.text), 405, 'RAMPART_HTTP_METHOD_REFUSED');
    assert.equal(upstream.received.length, 0);
  });

  test('accepts TRACE on a route that lists it in allowMethods', async () => {
    const response = await send(gw.url, 'TRACE', '/diagnostics');
    assert.equal(response.status, 200);
    assert.equal(upstream.received.at(-1)?.method, 'TRACE');
  });
});

describe('hop-by-hop, forwarding and override headers', () => {
  let upstream: TestUpstream;
  let gw: TestGateway;
  let trustedGw: TestGateway;
  const routes = `${USERS_ROUTE}
  - name: guarded
    match: { path: /guarded }
    upstream: app
    policies:
      ip-filter: { deny: [6.6.6.6/32] }
  - name: legacy
    match: { path: /legacy/:id }
    upstream: app
    allowUrlRewriteHeaders: true
    allowMethodOverride: true
`;
  before(async () => {
    upstream = await startUpstream();
    gw = await startTestGateway(baseConfig(upstream.url, '', routes));
    trustedGw = await startTestGateway(baseConfig(upstream.url, ', trustedProxies: [127.0.0.1/32]', routes));
  });
  after(async () => {
    await gw?.close();
    await trustedGw?.close();
    await upstream?.close();
  });

  /** Sends a request and returns the answer with the headers the upstream received for it. */
  async function through(target: TestGateway, path: string, headers: HeaderList, method = 'GET') {
    const before = upstream.received.length;
    const response = await send(target.url, method, path, headers);
    assert.equal(response.status, 200, `status (body: ${response.body.slice(0, 200)})`);
    assert.equal(upstream.received.length, before + 1);
    return { response, received: upstream.received.at(-1)! };
  }

  test('removes hop-by-hop headers and those Connection names, but keeps what the gateway adds', async () => {
    const { response, received } = await through(gw, '/users/1', [
      ['Connection', 'x-forwarded-for, x-request-id, x-secret, close'],
      ['X-Secret', '1'],
      ['Keep-Alive', 'timeout=5'],
      ['TE', 'trailers'],
      ['Upgrade', 'websocket'],
      ['Proxy-Connection', 'keep-alive'],
      ['X-Kept', 'yes'],
    ]);
    for (const name of ['x-secret', 'keep-alive', 'te', 'upgrade', 'proxy-connection'])
      assert.equal(received.headers[name], undefined, name);
    assert.equal(received.headers['x-kept'], 'yes');
    assert.equal(received.headers['x-forwarded-for'], '127.0.0.1');
    assert.equal(received.headers['x-request-id'], response.headers['x-request-id']);
  });

  test('replaces forwarding headers from an untrusted peer instead of appending to them', async () => {
    const { received } = await through(gw, '/users/1', [
      ['X-Forwarded-For', '6.6.6.6'],
      ['X-Forwarded-Host', 'evil.test'],
      ['X-Forwarded-Proto', 'https'],
      ['X-Forwarded-Port', '443'],
      ['Forwarded', 'for=6.6.6.6;proto=https'],
    ]);
    assert.equal(received.headers['x-forwarded-for'], '127.0.0.1');
    assert.equal(received.headers['x-forwarded-host'], 'gateway.test');
    assert.equal(received.headers['x-forwarded-proto'], 'http');
    assert.equal(received.headers['x-forwarded-port'], undefined);
    assert.equal(received.headers.forwarded, 'for=127.0.0.1;proto=http;host="gateway.test"');
  });

  test('appends to forwarding headers from a trusted proxy', async () => {
    const { received } = await through(trustedGw, '/users/1', [
      ['X-Forwarded-For', '6.6.6.6'],
      ['X-Forwarded-Host', 'public.test'],
      ['X-Forwarded-Proto', 'https'],
      ['Forwarded', 'for=6.6.6.6;proto=https'],
    ]);
    assert.equal(received.headers['x-forwarded-for'], '6.6.6.6, 127.0.0.1');
    assert.equal(received.headers['x-forwarded-host'], 'public.test');
    assert.equal(received.headers['x-forwarded-proto'], 'https');
    assert.equal(
      received.headers.forwarded,
      'for=6.6.6.6;proto=https, for=127.0.0.1;proto=http;host="gateway.test"',
    );
  });

  test('takes the client address from X-Forwarded-For only when the peer is a trusted proxy', async () => {
    await through(gw, '/guarded', [['X-Forwarded-For', '6.6.6.6']]);
    const before = upstream.received.length;
    const response = await send(trustedGw.url, 'GET', '/guarded', [['X-Forwarded-For', '6.6.6.6']]);
    assertProblem(response, 403, 'RAMPART_INGRESS_IP_DENIED');
    assert.equal(upstream.received.length, before);
  });

  test("ignores an untrusted peer's X-Request-Id and forwards a fresh one", async () => {
    const { response, received } = await through(gw, '/users/1', [['X-Request-Id', 'client-chosen-id']]);
    const id = response.headers['x-request-id'];
    assert.ok(id !== undefined && id !== 'client-chosen-id');
    assert.equal(received.headers['x-request-id'], id);
  });

  test("reuses a trusted proxy's X-Request-Id", async () => {
    const { response, received } = await through(trustedGw, '/users/1', [
      ['X-Request-Id', 'edge-1234:abc_d.e'],
    ]);
    assert.equal(response.headers['x-request-id'], 'edge-1234:abc_d.e');
    assert.equal(received.headers['x-request-id'], 'edge-1234:abc_d.e');
  });

  test("does not reuse a trusted proxy's X-Request-Id that holds unsafe characters", async () => {
    const { response, received } = await through(trustedGw, '/users/1', [['X-Request-Id', 'id<script>"; x']]);
    const id = response.headers['x-request-id'];
    assert.ok(id !== undefined && /^[0-9a-f-]{36}$/.test(id), `fresh id, got ${id}`);
    assert.equal(received.headers['x-request-id'], id);
  });

  const overrides: HeaderList = [
    ['X-Original-URL', '/admin'],
    ['X-Rewrite-URL', '/admin'],
    ['X-HTTP-Method-Override', 'DELETE'],
    ['X-HTTP-Method', 'DELETE'],
    ['X-Method-Override', 'DELETE'],
  ];

  test('strips URL-rewrite and method-override headers and the _method parameter, without rerouting', async () => {
    const { received } = await through(
      gw,
      '/users/1?_method=DELETE&a=1&%5Fmethod=PUT&_METHOD=PATCH',
      overrides,
    );
    assert.equal(received.method, 'GET');
    assert.equal(received.url, '/users/1?a=1');
    for (const [name] of overrides) assert.equal(received.headers[name.toLowerCase()], undefined, name);
  });

  test('keeps URL-rewrite and method-override headers on a route that allows them', async () => {
    const { received } = await through(gw, '/legacy/1?_method=DELETE&a=1', overrides);
    assert.equal(received.method, 'GET');
    assert.equal(received.url, '/legacy/1?_method=DELETE&a=1');
    for (const [name, value] of overrides) assert.equal(received.headers[name.toLowerCase()], value, name);
  });
});

describe('slow clients', () => {
  let upstream: TestUpstream;
  let gw: TestGateway;
  before(async () => {
    upstream = await startUpstream();
    gw = await startTestGateway(
      baseConfig(upstream.url, ', headersTimeout: 200ms, requestTimeout: 400ms', USERS_ROUTE),
    );
  });
  after(async () => {
    await gw?.close();
    await upstream?.close();
  });

  // The peer keeps sending, a byte every DRIP_MS, so no idle timeout would end it, and would need
  // seconds for the whole request: only the total time limits can cut it off, well within the wait.
  const DRIP_MS = 20;
  const slowHead = `GET /users/1 HTTP/1.1\r\nHost: gateway.test\r\nX-Padding: ${'s'.repeat(200)}\r\n\r\n`;
  const bodyHead = 'POST /users/1 HTTP/1.1\r\nHost: gateway.test\r\nContent-Length: 300\r\n\r\n';
  const slowBody = [bodyHead, ...'x'.repeat(300)];

  test('cuts off a client that sends its headers slower than headersTimeout', async () => {
    const exchange = await rawRequest(gw.url, [...slowHead], { gapMs: DRIP_MS, timeoutMs: 3_000 });
    assert.equal(exchange.timedOut, false, 'closed within 3 s');
    assert.equal(exchange.closed, true);
    if (exchange.text !== '')
      assertProblem(parseRawResponse(exchange.text), 408, 'RAMPART_HTTP_REQUEST_TIMEOUT');
    assert.equal(upstream.received.length, 0);
  });

  test('cuts off a client that sends its body slower than requestTimeout', async () => {
    const exchange = await rawRequest(gw.url, slowBody, { gapMs: DRIP_MS, timeoutMs: 3_000 });
    assert.equal(exchange.timedOut, false, 'closed within 3 s');
    assert.equal(exchange.closed, true);
    if (exchange.text !== '')
      assertProblem(parseRawResponse(exchange.text), 408, 'RAMPART_HTTP_REQUEST_TIMEOUT');
    assert.equal(upstream.received.length, 0, 'the upstream never saw a complete request');
  });

  test("answers a slow body's 408 with the request's own id and one access log line", async () => {
    const exchange = await rawRequest(gw.url, slowBody, { gapMs: DRIP_MS, timeoutMs: 3_000 });
    const problem = assertProblem(parseRawResponse(exchange.text), 408, 'RAMPART_HTTP_REQUEST_TIMEOUT');
    const line = await gw.accessLogOf(String(problem.requestId));
    assert.equal(line.route, 'users');
    assert.equal(line.status, 408);
    // A second line would come from the connection's teardown: over once a later request has ended.
    const later = await fetch(`${gw.url}/users/2`);
    await later.arrayBuffer();
    await gw.accessLogOf(later.headers.get('x-request-id') ?? '');
    const lines = gw.logLines
      .map((text) => JSON.parse(text) as Record<string, unknown>)
      .filter((record) => record.msg === 'access' && record.requestId === problem.requestId);
    assert.equal(lines.length, 1);
  });
});

describe('upstream failures', () => {
  let gw: TestGateway;
  let closedPort: number;
  const sockets = new Set<Socket>();
  const servers: NetServer[] = [];

  /** A TCP server on 127.0.0.1:0 that does `onConnection` with every socket. */
  async function tcpServer(onConnection: (socket: Socket) => void): Promise<number> {
    const server = createNetServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
      onConnection(socket);
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as { port: number }).port;
  }

  let silentPort: number;
  let resetPort: number;
  before(async () => {
    const doomed = createNetServer();
    await new Promise<void>((resolve) => doomed.listen(0, '127.0.0.1', resolve));
    closedPort = (doomed.address() as { port: number }).port;
    await new Promise<void>((resolve) => doomed.close(() => resolve()));
    silentPort = await tcpServer(() => undefined);
    resetPort = await tcpServer((socket) => {
      socket.once('data', () => {
        socket.write('HTTP/1.1 200 OK\r\nContent-Type: text/pl');
        setTimeout(() => socket.resetAndDestroy(), 20);
      });
    });
    gw = await startTestGateway(`
version: 1
server: { http: { port: 0 } }
upstreams:
  dead: { url: http://127.0.0.1:${closedPort} }
  silent: { url: http://127.0.0.1:${silentPort}, headersTimeout: 300ms }
  reset: { url: http://127.0.0.1:${resetPort} }
routes:
  - { name: dead, match: { path: /dead }, upstream: dead }
  - { name: silent, match: { path: /silent }, upstream: silent }
  - { name: reset, match: { path: /reset }, upstream: reset }
`);
  });
  after(async () => {
    await gw?.close();
    for (const socket of sockets) socket.destroy();
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  });

  /** Asserts the body teaches the client nothing about the upstream. */
  function assertNoLeak(response: RawResponse, port: number): void {
    const body = response.body.replace(response.headers['x-request-id'] ?? '', '');
    for (const secret of ['127.0.0.1', String(port), 'ECONNREFUSED', 'ECONNRESET', 'UND_ERR', '    at ']) {
      assert.ok(!body.includes(secret), `body leaks ${secret}`);
    }
    for (const value of Object.values(response.headers))
      assert.ok(!value.includes(`:${port}`), 'header leaks');
  }

  test('answers 502 without details when the upstream refuses connections', async () => {
    const response = await send(gw.url, 'GET', '/dead');
    assertProblem(response, 502, 'RAMPART_UPSTREAM_UNAVAILABLE');
    assertNoLeak(response, closedPort);
  });

  test('answers 504 when the upstream does not send headers within its headersTimeout', async () => {
    const response = await send(gw.url, 'GET', '/silent');
    assertProblem(response, 504, 'RAMPART_UPSTREAM_TIMEOUT');
    assertNoLeak(response, silentPort);
  });

  test('answers 502 when the upstream resets the connection in the middle of its headers', async () => {
    const response = await send(gw.url, 'GET', '/reset');
    assertProblem(response, 502, 'RAMPART_UPSTREAM_UNAVAILABLE');
    assertNoLeak(response, resetPort);
  });
});
