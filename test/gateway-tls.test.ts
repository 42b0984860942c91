// The gateway's TLS listener over real sockets: HSTS on HTTPS answers, old protocol versions refused,
// and the plain-HTTP listener redirecting to HTTPS. The certificate is made at test time with openssl.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { connect as tlsConnect } from 'node:tls';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { selfSignedCertificate, skipWithoutOpenssl } from './helpers/openssl.ts';
import { assertProblem, parseRawResponse, rawRequest } from './helpers/raw-http.ts';
import { startUpstream, type TestUpstream } from './helpers/upstream.ts';

const skip = skipWithoutOpenssl;

/** One HTTPS GET that accepts the self-signed certificate. */
function httpsGet(
  url: string,
): Promise<{ status: number; headers: Record<string, string | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { rejectUnauthorized: false, agent: false, timeout: 3_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const headers: Record<string, string | undefined> = {};
        for (const [name, value] of Object.entries(res.headers))
          headers[name] = Array.isArray(value) ? value.join(', ') : value;
        resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString() });
      });
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

describe('TLS listener', { skip }, () => {
  let dir: string;
  let upstream: TestUpstream;
  let gw: TestGateway;
  let httpsUrl: string;
  let httpUrl: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rampart-tls-'));
    const { cert, key } = selfSignedCertificate(dir);
    upstream = await startUpstream();
    gw = await startTestGateway(`
version: 1
server:
  http: { port: 0, redirectToHttps: true }
  https: { port: 0, cert: ${JSON.stringify(cert)}, key: ${JSON.stringify(key)}, hsts: { maxAge: 600 } }
upstreams: { app: { url: ${upstream.url} } }
routes:
  - name: users
    match: { path: /users/:id }
    upstream: app
`);
    httpsUrl = gw.gateway.urls.https ?? '';
    httpUrl = gw.gateway.urls.http ?? '';
  });
  after(async () => {
    await gw?.close();
    await upstream?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  test('proxies an HTTPS request and adds Strict-Transport-Security', async () => {
    const response = await httpsGet(`${httpsUrl}/users/7?x=1`);
    assert.equal(response.status, 200);
    assert.equal(response.headers['strict-transport-security'], 'max-age=600; includeSubDomains');
    assert.equal(upstream.received.at(-1)?.url, '/users/7?x=1');
    assert.equal(upstream.received.at(-1)?.headers['x-forwarded-proto'], 'https');
  });

  test('adds Strict-Transport-Security to problem answers on HTTPS too', async () => {
    const response = await httpsGet(`${httpsUrl}/nowhere`);
    assert.equal(response.status, 404);
    assert.equal(response.headers['strict-transport-security'], 'max-age=600; includeSubDomains');
  });

  test('refuses the handshake of a TLS 1.1 client', async () => {
    const { port } = new URL(httpsUrl);
    const outcome = await new Promise<string>((resolve) => {
      const socket = tlsConnect({
        host: '127.0.0.1',
        port: Number(port),
        rejectUnauthorized: false,
        minVersion: 'TLSv1.1',
        maxVersion: 'TLSv1.1',
        // Let the client offer TLS 1.1 at all, so the refusal is the server's.
        ciphers: 'DEFAULT@SECLEVEL=0',
      });
      socket.setTimeout(3_000, () => socket.destroy(new Error('timed out')));
      socket.once('secureConnect', () => {
        socket.destroy();
        resolve(`connected with ${socket.getProtocol()}`);
      });
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    });
    assert.equal(outcome, 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION');
  });

  test('redirects plain HTTP with 308 to the same path and query on the HTTPS listener', async () => {
    const before = upstream.received.length;
    const exchange = await rawRequest(
      httpUrl,
      'GET /users/7/../9?q=a%20b&z=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n',
    );
    const response = parseRawResponse(exchange.text);
    assertProblem(response, 308, 'RAMPART_HTTP_HTTPS_REQUIRED');
    assert.equal(
      response.headers.location,
      `https://127.0.0.1:${new URL(httpsUrl).port}/users/9?q=a%20b&z=1`,
    );
    assert.equal(upstream.received.length, before, 'nothing is proxied over plain HTTP');
  });
});
