// WebSockets through the gateway over real sockets: an echo upstream behind a route with an API key,
// the handshake refused (no upgrade) without a key, from a foreign origin or on a route without
// WebSockets; message size and rate limits, idle timeout, and the 1001 close on reload and shutdown.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { WebSocket, WebSocketServer } from 'ws';
import { issueApiKey } from '../src/identity/api-keys.ts';
import { createMemoryState } from '../src/state/memory.ts';
import { createSqliteStore } from '../src/store/sqlite-store.ts';
import { fakeClock } from './helpers/context.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

/** An echo WebSocket upstream that records handshakes; `/refuse` answers 403 instead of upgrading. */
async function startEchoUpstream(): Promise<{
  url: string;
  handshakes: IncomingMessage[];
  close(): Promise<void>;
}> {
  const handshakes: IncomingMessage[] = [];
  const server: Server = createServer((_req, res) => res.end('plain'));
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (offered) => [...offered][0] ?? false });
  server.on('upgrade', (req, socket, head) => {
    handshakes.push(req);
    if (req.url?.startsWith('/refuse')) {
      socket.end('HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\ncontent-length: 7\r\n\r\nno way!');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('message', (data, isBinary) => {
        if (data.toString() === 'close-me') ws.close(4001, 'done here');
        else if (data.toString() === 'big-answer') ws.send(Buffer.alloc(64 * 1024));
        else ws.send(data, { binary: isBinary });
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    handshakes,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

type Opened =
  | { kind: 'open'; ws: WebSocket; requestId: string | undefined }
  | { kind: 'refused'; status: number; body: Record<string, unknown> | string };

/** Opens a WebSocket through the gateway; a refused handshake resolves with the answer instead. */
function connect(
  url: string,
  options: { headers?: Record<string, string>; protocols?: string[]; origin?: string } = {},
): Promise<Opened> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options.protocols ?? [], {
      headers: options.headers ?? {},
      ...(options.origin === undefined ? {} : { origin: options.origin }),
      perMessageDeflate: false,
    });
    let requestId: string | undefined;
    ws.once('upgrade', (res) => {
      requestId = res.headers['x-request-id'] as string | undefined;
    });
    ws.once('open', () => resolve({ kind: 'open', ws, requestId }));
    ws.once('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        let body: Record<string, unknown> | string = text;
        if (String(res.headers['content-type']).includes('json'))
          body = JSON.parse(text) as Record<string, unknown>;
        resolve({ kind: 'refused', status: res.statusCode ?? 0, body });
        ws.terminate();
      });
    });
    ws.once('error', reject);
  });
}

function opened(result: Opened): WebSocket {
  assert.equal(result.kind, 'open', `handshake refused: ${JSON.stringify(result)}`);
  return (result as Extract<Opened, { kind: 'open' }>).ws;
}

function nextMessage(ws: WebSocket): Promise<{ data: Buffer; isBinary: boolean }> {
  return new Promise((resolve) =>
    ws.once('message', (data: Buffer, isBinary: boolean) => resolve({ data, isBinary })),
  );
}

function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) =>
    ws.once('close', (code: number, reason: Buffer) => resolve({ code, reason: reason.toString() })),
  );
}

function config(upstreamUrl: string): string {
  return `
version: 1
server: { http: { port: 0 } }
store: { sqlite: ":memory:" }
upstreams: { app: { url: ${upstreamUrl} } }
routes:
  - name: chat
    match: { path: /chat/* }
    upstream: app
    websocket: { maxMessageBytes: 1kb, messagesPerSecond: 5, idleTimeout: 1m }
    policies:
      api-key: {}
  - name: browser
    match: { path: /browser/* }
    upstream: app
    websocket: {}
    policies:
      cors: { origins: [https://app.example.com] }
  - name: small-answers
    match: { path: /small-answers/* }
    upstream: app
    websocket: { maxUpstreamMessageBytes: 16kb }
  - name: idle
    match: { path: /idle/* }
    upstream: app
    websocket: { idleTimeout: 100ms }
  - name: refuse
    match: { path: /refuse/* }
    upstream: app
    websocket: {}
  - name: inspected
    match: { path: /inspected/* }
    upstream: app
    websocket: {}
    policies:
      detect: {}
  - name: plain
    match: { path: /plain/* }
    upstream: app
`;
}

describe('WebSockets through the gateway', () => {
  const clock = fakeClock(Date.UTC(2026, 5, 1));
  const store = createSqliteStore(':memory:', clock.now);
  const state = createMemoryState({ clock });
  let upstream: Awaited<ReturnType<typeof startEchoUpstream>>;
  let gateway: TestGateway;
  let key: string;
  let wsUrl: string;

  before(async () => {
    upstream = await startEchoUpstream();
    const alice = await store.createConsumer({ name: 'alice', roles: [] });
    key = (await issueApiKey(store, alice, { now: clock.now() })).key;
    gateway = await startTestGateway(config(upstream.url), { store, clock, state });
    wsUrl = gateway.url.replace('http://', 'ws://');
  });
  after(async () => {
    await gateway?.close();
    await upstream?.close();
    await state.close();
    await store.close();
  });

  test('relays text and binary messages with a valid API key, identity forwarded, key stripped', async () => {
    const result = await connect(`${wsUrl}/chat/room?x=1`, {
      headers: { 'x-api-key': key },
      protocols: ['chat.v1'],
    });
    const ws = opened(result);
    assert.equal(ws.protocol, 'chat.v1');
    ws.send('hello');
    const text = await nextMessage(ws);
    assert.equal(text.data.toString(), 'hello');
    assert.equal(text.isBinary, false);
    ws.send(Buffer.from([0, 1, 2, 255]));
    const binary = await nextMessage(ws);
    assert.deepEqual([...binary.data], [0, 1, 2, 255]);
    assert.equal(binary.isBinary, true);
    const seen = upstream.handshakes.at(-1)!;
    assert.equal(seen.url, '/chat/room?x=1');
    assert.equal(seen.headers['x-api-key'], undefined);
    assert.ok(typeof seen.headers['x-consumer-id'] === 'string');
    const done = closed(ws);
    ws.close(1000, 'bye');
    assert.equal((await done).code, 1000);
    const requestId = (result as { requestId: string }).requestId;
    const record = await gateway.accessLogOf(requestId);
    assert.equal((record as { status?: number }).status, 101);
  });

  test('refuses the handshake without a key: 401 problem, no upgrade, the upstream never asked', async () => {
    const before = upstream.handshakes.length;
    const result = await connect(`${wsUrl}/chat/room`);
    assert.equal(result.kind, 'refused');
    const refused = result as Extract<Opened, { kind: 'refused' }>;
    assert.equal(refused.status, 401);
    assert.equal((refused.body as Record<string, unknown>).code, 'RAMPART_AUTHN_UNAUTHORIZED');
    assert.equal(upstream.handshakes.length, before);
  });

  test('runs detect on the handshake: an injection in the query is refused 403 before any upgrade', async () => {
    const before = upstream.handshakes.length;
    const attack = await connect(`${wsUrl}/inspected/feed?q=${encodeURIComponent("1' OR '1'='1")}`);
    assert.equal(attack.kind, 'refused');
    assert.equal((attack as { status: number }).status, 403);
    assert.equal((attack as { body: Record<string, unknown> }).body.code, 'RAMPART_THREAT_DETECTED');
    assert.equal(upstream.handshakes.length, before);
    const clean = opened(await connect(`${wsUrl}/inspected/feed?q=news`));
    clean.terminate();
  });

  test('closes with 1009 when a client message is over maxMessageBytes', async () => {
    const ws = opened(await connect(`${wsUrl}/chat/big`, { headers: { 'x-api-key': key } }));
    const done = closed(ws);
    ws.send(Buffer.alloc(2048, 1));
    assert.equal((await done).code, 1009);
    assert.ok(gateway.events.some((event) => event.rule === 'message-too-large'));
  });

  test("relays the upstream's close code and reason to the client", async () => {
    const ws = opened(await connect(`${wsUrl}/chat/closing`, { headers: { 'x-api-key': key } }));
    const done = closed(ws);
    ws.send('close-me');
    assert.deepEqual(await done, { code: 4001, reason: 'done here' });
  });

  test('closes both sides with 1009 when an upstream message is over maxUpstreamMessageBytes', async () => {
    const ws = opened(await connect(`${wsUrl}/small-answers/x`));
    const done = closed(ws);
    ws.send('big-answer');
    assert.equal((await done).code, 1009);
  });

  test('closes with 1008 when client messages go over the rate (clock standing still)', async () => {
    const ws = opened(await connect(`${wsUrl}/chat/fast`, { headers: { 'x-api-key': key } }));
    const done = closed(ws);
    for (let i = 0; i < 6; i++) ws.send(`m${i}`);
    assert.equal((await done).code, 1008);
    assert.ok(gateway.events.some((event) => event.rule === 'message-rate'));
  });

  test('refuses a cross-origin browser handshake unless the origin is the cors list or the gateway itself', async () => {
    const foreign = await connect(`${wsUrl}/browser/x`, { origin: 'https://evil.example' });
    assert.equal(foreign.kind, 'refused');
    assert.equal((foreign as { status: number }).status, 403);
    assert.equal(
      (foreign as { body: Record<string, unknown> }).body.code,
      'RAMPART_WEBSOCKET_ORIGIN_REFUSED',
    );
    const listed = opened(await connect(`${wsUrl}/browser/x`, { origin: 'https://app.example.com' }));
    listed.terminate();
    const same = opened(await connect(`${wsUrl}/browser/x`, { origin: gateway.url }));
    same.terminate();
    const noOrigin = opened(await connect(`${wsUrl}/browser/x`));
    noOrigin.terminate();
  });

  test('refuses a handshake on a route without websocket, and relays an upstream refusal', async () => {
    const plain = await connect(`${wsUrl}/plain/x`);
    assert.equal((plain as { status: number }).status, 400);
    assert.equal((plain as { body: Record<string, unknown> }).body.code, 'RAMPART_WEBSOCKET_NOT_ENABLED');
    const refused = await connect(`${wsUrl}/refuse/x`);
    assert.equal((refused as { status: number }).status, 403);
    assert.equal((refused as { body: string }).body, 'no way!');
  });

  test('closes an idle connection', async () => {
    const ws = opened(await connect(`${wsUrl}/idle/x`));
    const { code, reason } = await closed(ws);
    assert.equal(code, 1001);
    assert.equal(reason, 'idle timeout');
  });

  test('closes open connections with 1001 when the config is reloaded', async () => {
    const ws = opened(await connect(`${wsUrl}/chat/reload`, { headers: { 'x-api-key': key } }));
    const done = closed(ws);
    await gateway.reload(config(upstream.url));
    const { code } = await done;
    assert.equal(code, 1001);
  });
});

describe('WebSockets at shutdown', () => {
  test('closes open connections with 1001 and the gateway stops', async () => {
    const upstream = await startEchoUpstream();
    const gateway = await startTestGateway(`
version: 1
server: { http: { port: 0 } }
upstreams: { app: { url: ${upstream.url} } }
routes:
  - { name: ws, match: { path: /* }, upstream: app, websocket: {} }
`);
    try {
      const ws = opened(await connect(gateway.url.replace('http://', 'ws://') + '/x'));
      ws.send('ping');
      await nextMessage(ws);
      const done = closed(ws);
      const stopping = gateway.close();
      assert.equal((await done).code, 1001);
      await stopping;
    } finally {
      await gateway.close();
      await upstream.close();
    }
  });
});
