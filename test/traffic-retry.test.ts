// Retries against a real upstream that resets connections before answering: an idempotent request is
// retried and succeeds, a POST or a streamed body never is, and the budget caps retries under a storm.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

/** A minimal HTTP upstream: one request per connection; it resets the next `resets` requests. */
interface ResettingUpstream {
  readonly url: string;
  /** Request lines seen, reset ones included. */
  readonly seen: string[];
  resets: number;
  close(): Promise<void>;
}

async function startResettingUpstream(): Promise<ResettingUpstream> {
  const sockets = new Set<Socket>();
  const state = { seen: [] as string[], resets: 0 };
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let head = '';
    socket.on('data', (chunk: Buffer) => {
      if (head.includes('\r\n\r\n')) return;
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      state.seen.push(head.slice(0, head.indexOf('\r\n')));
      if (state.resets > 0) {
        state.resets--;
        socket.resetAndDestroy();
        return;
      }
      socket.end(
        'HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok',
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  });
}

let flaky: ResettingUpstream;
let storm: ResettingUpstream;
let gateway: TestGateway;

describe('traffic-retry', () => {
  before(async () => {
    flaky = await startResettingUpstream();
    storm = await startResettingUpstream();
    gateway = await startTestGateway(`version: 1
server: { http: { port: 0 } }
upstreams:
  flaky:
    url: ${flaky.url}
    retries: { attempts: 2 }
  storm:
    url: ${storm.url}
    retries: { attempts: 3, budget: 0.2, minRetries: 0 }
routes:
  - name: flaky
    match: { path: /flaky/* }
    upstream: flaky
  - name: storm
    match: { path: /storm/* }
    upstream: storm
`);
  });

  after(async () => {
    await gateway.close();
    await flaky.close();
    await storm.close();
  });

  async function send(
    method: string,
    path: string,
    body?: string | ReadableStream<Uint8Array>,
  ): Promise<{ status: number; code: string | undefined }> {
    const init: RequestInit & { duplex?: 'half' } = { method, signal: AbortSignal.timeout(5000) };
    if (body !== undefined) {
      init.body = body;
      init.duplex = 'half';
    }
    const response = await fetch(`${gateway.url}${path}`, init);
    const text = await response.text();
    const code = response.headers.get('content-type')?.includes('problem+json')
      ? (JSON.parse(text) as { code: string }).code
      : undefined;
    return { status: response.status, code };
  }

  async function metric(line: string): Promise<string | undefined> {
    const text = await gateway.metrics.render();
    return text.split('\n').find((each) => each.startsWith(line));
  }

  test('retries a GET whose connection was reset and answers from the second attempt', async () => {
    flaky.seen.length = 0;
    flaky.resets = 1;
    const answer = await send('GET', '/flaky/a');
    assert.equal(answer.status, 200);
    assert.deepEqual(flaky.seen, ['GET /flaky/a HTTP/1.1', 'GET /flaky/a HTTP/1.1']);
    assert.equal(
      await metric('rampart_upstream_retries_total{upstream="flaky",outcome="retried"}'),
      'rampart_upstream_retries_total{upstream="flaky",outcome="retried"} 1',
    );
  });

  test('gives up after the configured attempts', async () => {
    flaky.seen.length = 0;
    flaky.resets = 5;
    const answer = await send('DELETE', '/flaky/b');
    assert.equal(answer.status, 502);
    assert.equal(answer.code, 'RAMPART_UPSTREAM_UNAVAILABLE');
    assert.equal(flaky.seen.length, 2);
    flaky.resets = 0;
  });

  test('never retries a POST', async () => {
    flaky.seen.length = 0;
    flaky.resets = 1;
    const answer = await send('POST', '/flaky/c', 'x=1');
    assert.equal(answer.status, 502);
    assert.equal(answer.code, 'RAMPART_UPSTREAM_UNAVAILABLE');
    assert.deepEqual(flaky.seen, ['POST /flaky/c HTTP/1.1']);
    flaky.resets = 0;
  });

  test('never retries a request whose body streams from the client', async () => {
    flaky.seen.length = 0;
    flaky.resets = 1;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('streamed'));
        controller.close();
      },
    });
    const answer = await send('PUT', '/flaky/d', body);
    assert.equal(answer.status, 502);
    assert.deepEqual(flaky.seen, ['PUT /flaky/d HTTP/1.1']);
    flaky.resets = 0;
  });

  test('keeps retries within the budget when every attempt fails', async () => {
    storm.resets = Number.POSITIVE_INFINITY;
    const requests = 50;
    for (let batch = 0; batch < requests / 10; batch++) {
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) => send('GET', `/storm/${batch}-${i}`)),
      );
      for (const answer of answers) assert.equal(answer.status, 502);
    }
    const retries = storm.seen.length - requests;
    // 20% of the requests in the window; without a budget it would be 2 retries per request (100).
    assert.ok(retries > 0, `retries: ${retries}`);
    assert.ok(retries <= requests * 0.2, `retries: ${retries}`);
    assert.ok(
      (await metric('rampart_upstream_retries_total{upstream="storm",outcome="budget-exhausted"}')) !==
        undefined,
    );
  });
});
