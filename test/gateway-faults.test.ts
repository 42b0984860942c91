// Faults that must stay visible and bounded, over raw sockets: an upstream that breaks its body after
// the head is logged as an upstream failure (502), not a client abort (499), and shutdown completes
// within shutdownTimeout even with a client that never closes its side.
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { catchAllConfig, startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { rawRequest } from './helpers/raw-http.ts';
import { startUpstream, type TestUpstream } from './helpers/upstream.ts';

describe('an upstream that resets mid-body', () => {
  let upstream: TestUpstream;
  let gw: TestGateway;
  before(async () => {
    upstream = await startUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '1000' });
      res.write('partial');
      // Headers and part of the body are out: reset the connection.
      setImmediate(() => res.socket?.destroy());
    });
    gw = await startTestGateway(catchAllConfig(upstream.url));
  });
  after(async () => {
    await gw?.close();
    await upstream?.close();
  });

  test('cuts the client off and logs 502 RAMPART_UPSTREAM_ERROR, not a client abort', async () => {
    const exchange = await rawRequest(gw.url, 'GET /x HTTP/1.1\r\nHost: gateway.test\r\n\r\n');
    assert.equal(exchange.closed, true);
    assert.match(exchange.text, /^HTTP\/1\.1 200/);
    const line = await gw.logLine((entry) => entry.msg === 'access');
    assert.equal(line.status, 502);
    assert.deepEqual(line.rejection, { code: 'RAMPART_UPSTREAM_ERROR' });
  });
});

describe('shutdown', () => {
  test('completes within shutdownTimeout with a CONNECT client that never closes its side', {
    timeout: 10_000,
  }, async () => {
    const upstream = await startUpstream();
    const gw = await startTestGateway(catchAllConfig(upstream.url, ', shutdownTimeout: 200ms'));
    const { port } = new URL(gw.url);
    const socket: Socket = connect({ host: '127.0.0.1', port: Number(port), allowHalfOpen: true });
    socket.on('error', () => {});
    try {
      await new Promise((resolve) => socket.once('connect', resolve));
      const answered = new Promise((resolve) => socket.once('data', resolve));
      socket.write('CONNECT example.test:443 HTTP/1.1\r\nHost: example.test\r\n\r\n');
      await answered;
      // The client keeps its side open; the gateway must not wait for it.
      await gw.close();
    } finally {
      socket.destroy();
      await upstream.close();
    }
  });
});

describe('slow headers with the default settings', () => {
  let upstream: TestUpstream;
  let gw: TestGateway;
  before(async () => {
    upstream = await startUpstream();
    gw = await startTestGateway(catchAllConfig(upstream.url));
  });
  after(async () => {
    await gw?.close();
    await upstream?.close();
  });

  test('cuts off a client that trickles its headers within the 5 s default, before 10 s', async () => {
    // 20 pieces 500 ms apart: the whole head would take 10 s (the old default) to arrive.
    const head =
      'GET /x HTTP/1.1\r\nHost: gateway.test\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n';
    const size = Math.ceil(head.length / 20);
    const pieces = Array.from({ length: 20 }, (_, i) => head.slice(i * size, (i + 1) * size));
    const exchange = await rawRequest(gw.url, pieces, { gapMs: 500, timeoutMs: 9_000 });
    assert.equal(exchange.timedOut, false, 'the gateway closed the connection');
    assert.match(exchange.text, /^HTTP\/1\.1 408/);
    assert.equal(upstream.received.length, 0);
  });
});
