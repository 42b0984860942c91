// HTTP/2 through the gateway over real sockets: TLS with ALPN h2 (and http/1.1 on the same port) and
// cleartext h2c give the same answers as HTTP/1.1 for allowed, denied and refused requests; each
// request-smuggling shape of an h2→h1 downgrade is refused (by nghttp2 inside node:http2, or by the
// gateway's own check) and never reaches the upstream; the rapid-reset cap ends the connection with
// GOAWAY ENHANCE_YOUR_CALM; shutdown sends every session a GOAWAY.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { type ClientHttp2Session, constants, connect as http2Connect } from 'node:http2';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { issueApiKey } from '../src/identity/api-keys.ts';
import { createMemoryState } from '../src/state/memory.ts';
import { createSqliteStore } from '../src/store/sqlite-store.ts';
import { fakeClock } from './helpers/context.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { connectRawHttp2 } from './helpers/http2-frames.ts';
import { selfSignedCertificate, skipWithoutOpenssl } from './helpers/openssl.ts';
import { startUpstream, type TestUpstream } from './helpers/upstream.ts';

interface Answer {
  status: number;
  contentType: string | undefined;
  requestId: string | undefined;
  body: unknown;
}

interface Probe {
  readonly method: string;
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

function answerOf(status: number, headers: Record<string, unknown>, text: string): Answer {
  const contentType = headers['content-type'] as string | undefined;
  let body: unknown = text;
  if (contentType?.includes('json') === true) {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    delete parsed.requestId;
    body = parsed;
  }
  return { status, contentType, requestId: headers['x-request-id'] as string | undefined, body };
}

function h1(base: string, probe: Probe, tls = false): Promise<Answer> {
  const send = tls ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      `${base}${probe.path}`,
      { method: probe.method, headers: probe.headers ?? {}, agent: false, rejectUnauthorized: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve(answerOf(res.statusCode ?? 0, res.headers, Buffer.concat(chunks).toString())),
        );
      },
    );
    req.on('error', reject);
    req.end(probe.body);
  });
}

function h2(session: ClientHttp2Session, probe: Probe): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ':method': probe.method, ':path': probe.path, ...probe.headers });
    let head: Record<string, unknown> = {};
    const chunks: Buffer[] = [];
    stream.on('response', (headers) => {
      head = headers;
    });
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () =>
      resolve(answerOf(Number(head[':status']), head, Buffer.concat(chunks).toString())),
    );
    stream.on('error', reject);
    stream.end(probe.body);
  });
}

function connectH2(url: string): Promise<ClientHttp2Session> {
  return new Promise((resolve, reject) => {
    const session = http2Connect(url, { rejectUnauthorized: false });
    session.once('remoteSettings', () => resolve(session));
    session.once('error', reject);
  });
}

describe('HTTP/2 listeners', { skip: skipWithoutOpenssl }, () => {
  const clock = fakeClock(Date.UTC(2026, 5, 1));
  const store = createSqliteStore(':memory:', clock.now);
  const state = createMemoryState({ clock });
  const held: Array<() => void> = [];
  let dir: string;
  let upstream: TestUpstream;
  let gateway: TestGateway;
  let key: string;
  let h2c: ClientHttp2Session;
  let h2tls: ClientHttp2Session;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rampart-h2-'));
    const { cert, key: keyFile } = selfSignedCertificate(dir);
    upstream = await startUpstream((req, res, body) => {
      // /hold answers only when the suite ends: a stream reset before its answer.
      if (req.url?.startsWith('/hold')) return void held.push(() => res.end());
      const payload = JSON.stringify({ method: req.method, url: req.url, bytes: body?.length ?? 0 });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(payload);
    });
    const alice = await store.createConsumer({ name: 'alice', roles: [] });
    key = (await issueApiKey(store, alice, { now: clock.now() })).key;
    gateway = await startTestGateway(
      `
version: 1
server:
  http: { port: 0 }
  https: { port: 0, cert: ${JSON.stringify(cert)}, key: ${JSON.stringify(keyFile)}, http2: true }
  h2c: { port: 0 }
  http2: { maxConcurrentStreams: 50, maxHeaderListSize: 8kb, maxStreamResets: 5 }
store: { sqlite: ":memory:" }
upstreams: { app: { url: ${upstream.url} } }
routes:
  - { name: open, match: { path: /open/* }, upstream: app }
  - { name: hold, match: { path: /hold/* }, upstream: app }
  - name: keyed
    match: { path: /keyed/* }
    upstream: app
    policies: { api-key: {} }
  - name: small
    match: { path: /small/* }
    upstream: app
    policies: { request-limits: { maxBodyBytes: 16 } }
`,
      { store, clock, state },
    );
    h2c = await connectH2(gateway.urls.h2c!);
    h2tls = await connectH2(gateway.urls.https!);
  });
  after(async () => {
    h2c?.destroy();
    h2tls?.destroy();
    for (const release of held) release();
    await gateway?.close();
    await upstream?.close();
    await state.close();
    await store.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  test('answers h2 (TLS), h2c and HTTP/1.1 clients alike: allowed, denied and problem answers', async () => {
    const probes: Probe[] = [
      { method: 'GET', path: '/open/a?b=1' },
      { method: 'POST', path: '/open/a', headers: { 'content-type': 'text/plain' }, body: 'hello' },
      { method: 'GET', path: '/keyed/x' },
      { method: 'GET', path: '/keyed/x', headers: { 'x-api-key': key } },
      { method: 'GET', path: '/nowhere' },
      { method: 'POST', path: '/small/x', body: 'x'.repeat(100) },
      { method: 'TRACE', path: '/open/a' },
      { method: 'GET', path: '/open/%2e%2e/etc' },
    ];
    for (const probe of probes) {
      const reference = await h1(gateway.urls.http!, probe);
      for (const [name, answer] of [
        ['h2', await h2(h2tls, probe)],
        ['h2c', await h2(h2c, probe)],
        ['https/1.1', await h1(gateway.urls.https!, probe, true)],
      ] as const) {
        const label = `${probe.method} ${probe.path} over ${name}`;
        assert.equal(answer.status, reference.status, label);
        assert.equal(answer.contentType, reference.contentType, label);
        assert.deepEqual(answer.body, reference.body, label);
        assert.ok(answer.requestId !== undefined, label);
      }
    }
    const posted = upstream.received.filter((seen) => seen.method === 'POST' && seen.url === '/open/a');
    assert.equal(posted.length, 4);
    for (const seen of posted) assert.equal(seen.body?.toString(), 'hello');
    const viaH2 = upstream.received.find(
      (seen) => seen.headers['x-forwarded-proto'] === 'https' && seen.url === '/open/a?b=1',
    );
    assert.ok(viaH2 !== undefined);
    for (const seen of upstream.received) {
      for (const name of Object.keys(seen.headers))
        assert.ok(!name.startsWith(':'), `pseudo-header ${name} reached the upstream`);
    }
  });

  test('announces its stream and header-list limits in SETTINGS', () => {
    assert.equal(h2c.remoteSettings.maxConcurrentStreams, 50);
    assert.equal(h2c.remoteSettings.maxHeaderListSize, 8192);
    assert.equal(h2tls.remoteSettings.maxConcurrentStreams, 50);
  });

  test('refuses each request-smuggling shape of the h2→h1 downgrade before the upstream', async (t) => {
    const base = (path: string, method = 'GET'): Array<[string, string]> => [
      [':method', method],
      [':scheme', 'http'],
      [':path', path],
      [':authority', '127.0.0.1'],
    ];
    const shapes: Array<{
      name: string;
      path: string;
      fields: Array<[string, string]>;
      data?: [string, boolean];
      dropped?: boolean;
    }> = [
      {
        name: 'CR LF in a value',
        path: '/open/crlf',
        fields: [...base('/open/crlf'), ['x-a', 'a\r\nx-injected: 1']],
        dropped: true,
      },
      {
        name: 'NUL in a value',
        path: '/open/nul',
        fields: [...base('/open/nul'), ['x-a', 'a\0b']],
        dropped: true,
      },
      {
        name: 'transfer-encoding',
        path: '/open/te',
        fields: [...base('/open/te', 'POST'), ['transfer-encoding', 'chunked']],
      },
      {
        name: 'connection',
        path: '/open/conn',
        fields: [...base('/open/conn'), ['connection', 'keep-alive']],
      },
      { name: 'keep-alive', path: '/open/ka', fields: [...base('/open/ka'), ['keep-alive', 'timeout=5']] },
      { name: 'upgrade', path: '/open/upg', fields: [...base('/open/upg'), ['upgrade', 'h2c']] },
      { name: 'te other than trailers', path: '/open/tegz', fields: [...base('/open/tegz'), ['te', 'gzip']] },
      { name: 'unknown pseudo-header', path: '/open/pu', fields: [...base('/open/pu'), [':foo', 'x']] },
      {
        name: 'pseudo-header after a field',
        path: '/open/pa',
        fields: [
          [':method', 'GET'],
          [':scheme', 'http'],
          ['x-a', 'b'],
          [':path', '/open/pa'],
          [':authority', '127.0.0.1'],
        ],
      },
      { name: 'repeated :path', path: '/open/dp', fields: [...base('/open/dp'), [':path', '/open/other']] },
      { name: 'upper-case field name', path: '/open/up', fields: [...base('/open/up'), ['X-A', 'b']] },
      {
        name: 'absolute-form :path',
        path: '/open/abs',
        fields: [
          [':method', 'GET'],
          [':scheme', 'http'],
          [':path', 'http://evil.example/open/abs'],
          [':authority', '127.0.0.1'],
        ],
      },
      {
        name: 'CONNECT',
        path: '',
        fields: [
          [':method', 'CONNECT'],
          [':authority', '127.0.0.1:443'],
        ],
      },
      {
        name: 'Host differing from :authority',
        path: '/open/hm',
        fields: [...base('/open/hm'), ['host', 'evil.example']],
      },
      {
        name: 'userinfo in :authority',
        path: '/open/ui',
        fields: [
          [':method', 'GET'],
          [':scheme', 'http'],
          [':path', '/open/ui'],
          [':authority', 'user@127.0.0.1'],
        ],
      },
      {
        name: 'repeated authorization',
        path: '/open/da',
        fields: [...base('/open/da'), ['authorization', 'Bearer a'], ['authorization', 'Bearer b']],
      },
      {
        name: 'repeated content-length',
        path: '/open/dcl',
        fields: [...base('/open/dcl', 'POST'), ['content-length', '3'], ['content-length', '3']],
        data: ['abc', true],
      },
      {
        name: 'DATA longer than content-length',
        path: '/open/clmore',
        fields: [...base('/open/clmore', 'POST'), ['content-length', '3']],
        data: ['abcdefgh', true],
      },
      {
        name: 'DATA shorter than content-length',
        path: '/open/clless',
        fields: [...base('/open/clless', 'POST'), ['content-length', '10']],
        data: ['abc', true],
      },
    ];
    const port = Number(new URL(gateway.urls.h2c!).port);
    for (const shape of shapes) {
      const raw = await connectRawHttp2(port);
      try {
        raw.headers(1, shape.fields, shape.data === undefined);
        if (shape.data !== undefined) raw.data(1, Buffer.from(shape.data[0]), shape.data[1]);
        const outcome = await raw.outcome(1);
        const reached = upstream.received.filter((seen) => shape.path !== '' && seen.url === shape.path);
        let layer: string;
        if (outcome.status === 200 && shape.dropped === true) {
          // nghttp2 drops a field whose value holds CR, LF or NUL (RFC 9113 §8.2.1 lets it treat the
          // message as malformed or the field as absent): the request goes on without it.
          layer = 'nghttp2 (field dropped, request served without it)';
          assert.equal(reached.length, 1);
          assert.equal(reached[0]!.headers['x-a'], undefined);
        } else if (outcome.status !== undefined) {
          assert.ok([400, 405].includes(outcome.status), `${shape.name}: answered ${outcome.status}`);
          layer = `the gateway (${outcome.status})`;
          assert.equal(reached.length, 0, `${shape.name} reached the upstream`);
        } else if (outcome.rstCode !== undefined || outcome.goaway !== undefined) {
          layer =
            outcome.rstCode !== undefined
              ? `nghttp2 (RST_STREAM ${outcome.rstCode})`
              : `nghttp2 (GOAWAY ${outcome.goaway})`;
          // A content-length mismatch is found in the DATA, after the head went upstream: the upstream
          // got a body cut short (its connection closed), never a second request.
          for (const seen of reached)
            assert.notEqual(seen.bodyBytes, 8, `${shape.name}: the extra bytes went upstream`);
        } else assert.fail(`${shape.name}: no outcome`);
        for (const seen of upstream.received) {
          for (const value of Object.values(seen.headers)) {
            assert.ok(!/[\r\n\0]/.test(String(value)), `${shape.name}: a CR, LF or NUL reached the upstream`);
          }
          assert.equal(seen.headers['x-injected'], undefined);
        }
        t.diagnostic(`${shape.name}: refused by ${layer}`);
      } finally {
        raw.close();
      }
    }
  });

  test('ends a connection whose client resets too many streams with GOAWAY ENHANCE_YOUR_CALM', async () => {
    const raw = await connectRawHttp2(Number(new URL(gateway.urls.h2c!).port));
    try {
      for (let i = 0; i < 7; i++) {
        const stream = 1 + i * 2;
        raw.headers(
          stream,
          [
            [':method', 'GET'],
            [':scheme', 'http'],
            [':path', `/hold/${i}`],
            [':authority', '127.0.0.1'],
          ],
          true,
        );
        raw.reset(stream, constants.NGHTTP2_CANCEL);
      }
      assert.equal(await raw.goaway, constants.NGHTTP2_ENHANCE_YOUR_CALM);
      await gateway.waitForLog((record) => record.msg === 'HTTP/2 connection closed: too many stream resets');
      assert.ok(gateway.events.some((event) => event.rule === 'rapid-reset'));
    } finally {
      raw.close();
    }
  });
});

describe('HTTP/2 at shutdown', () => {
  test('sends open sessions a GOAWAY and stops', async () => {
    const upstream = await startUpstream();
    const gateway = await startTestGateway(`
version: 1
server: { h2c: { port: 0 } }
upstreams: { app: { url: ${upstream.url} } }
routes:
  - { name: a, match: { path: /* }, upstream: app }
`);
    const session = await connectH2(gateway.urls.h2c!);
    try {
      assert.equal((await h2(session, { method: 'GET', path: '/x' })).status, 200);
      const goaway = new Promise<number>((resolve) =>
        session.once('goaway', (code: number) => resolve(code)),
      );
      const closing = gateway.close();
      assert.equal(await goaway, constants.NGHTTP2_NO_ERROR);
      await closing;
    } finally {
      session.destroy();
      await gateway.close();
      await upstream.close();
    }
  });
});

describe('HTTP/2 timeouts', () => {
  let upstream: TestUpstream;
  let gateway: TestGateway;
  before(async () => {
    upstream = await startUpstream();
    gateway = await startTestGateway(`
version: 1
server: { h2c: { port: 0 }, keepAliveTimeout: 200ms, headersTimeout: 300ms, requestTimeout: 300ms }
upstreams: { app: { url: ${upstream.url} } }
routes:
  - { name: a, match: { path: /* }, upstream: app }
`);
  });
  after(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  test('sends an idle session a GOAWAY after keepAliveTimeout', async () => {
    const session = await connectH2(gateway.urls.h2c!);
    try {
      const goaway = new Promise<number>((resolve) =>
        session.once('goaway', (code: number) => resolve(code)),
      );
      assert.equal((await h2(session, { method: 'GET', path: '/x' })).status, 200);
      assert.equal(await goaway, constants.NGHTTP2_NO_ERROR);
    } finally {
      session.destroy();
    }
  });

  test('resets a stream whose request body stalls past requestTimeout', async () => {
    const session = await connectH2(gateway.urls.h2c!);
    try {
      const stream = session.request({ ':method': 'POST', ':path': '/slow' });
      stream.write('part of a body');
      stream.on('error', () => {});
      await new Promise<void>((resolve) => stream.once('close', () => resolve()));
      assert.equal(stream.rstCode, constants.NGHTTP2_CANCEL);
    } finally {
      session.destroy();
    }
  });
});
