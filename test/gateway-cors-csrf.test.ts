// cors and csrf over raw sockets: preflights answered by the gateway before authentication, allow
// headers only for listed origins (errors included), cross-site cookie requests refused.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { assertProblem, sendRaw as send } from './helpers/raw-http.ts';
import { startUpstream, type TestUpstream } from './helpers/upstream.ts';

const APP = 'https://app.example.com';

describe('cors and csrf through the gateway', () => {
  let upstream: TestUpstream;
  let gw: TestGateway;
  before(async () => {
    upstream = await startUpstream((_req, res) => {
      // An upstream that reflects any origin with credentials: the policy must not let it through.
      res.writeHead(200, {
        'content-type': 'application/json',
        'access-control-allow-origin': 'https://evil.test',
        'access-control-allow-credentials': 'true',
      });
      res.end('{}');
    });
    gw = await startTestGateway(`
version: 1
server: { http: { port: 0 } }
upstreams: { app: { url: ${upstream.url} } }
routes:
  - name: private
    match: { path: /private }
    upstream: app
    policies:
      cors: { origins: [${APP}, "https://*.example.org"], methods: [GET, POST], headers: [content-type, authorization], credentials: true }
      authorize: { rules: [] }
  - name: open
    match: { path: /open }
    upstream: app
    policies:
      cors: { origins: [${APP}], credentials: true }
      csrf: { trustedOrigins: ["https://*.example.org"] }
`);
  });
  after(async () => {
    await gw?.close();
    await upstream?.close();
  });

  test('answers an allowed preflight with 204 before authentication, without calling the upstream', async () => {
    const before = upstream.received.length;
    const response = await send(gw.url, 'OPTIONS', '/private', [
      ['Origin', APP],
      ['Access-Control-Request-Method', 'POST'],
      ['Access-Control-Request-Headers', 'authorization,content-type'],
    ]);
    assert.equal(response.status, 204);
    assert.equal(response.headers['access-control-allow-origin'], APP);
    assert.equal(response.headers['access-control-allow-credentials'], 'true');
    assert.equal(response.headers['access-control-allow-methods'], 'GET, POST');
    assert.equal(response.headers['access-control-allow-headers'], 'content-type, authorization');
    assert.equal(response.headers.vary, 'Origin');
    assert.equal(response.headers['content-length'], undefined);
    assert.equal(response.body, '');
    assert.equal(upstream.received.length, before);
    assert.equal(gw.events.filter((event) => event.policy === 'cors').length, 0);
  });

  test('refuses a preflight from a look-alike origin with 403', async () => {
    for (const origin of ['https://evil-example.com', 'https://app.example.com.evil.test', 'null']) {
      const response = await send(gw.url, 'OPTIONS', '/private', [
        ['Origin', origin],
        ['Access-Control-Request-Method', 'GET'],
      ]);
      assertProblem(response, 403, 'RAMPART_CORS_REFUSED');
      assert.equal(response.headers['access-control-allow-origin'], undefined);
    }
  });

  test("lets an allowed origin read a 401, and replaces the upstream's reflected origin", async () => {
    const denied = await send(gw.url, 'GET', '/private', [['Origin', 'https://shop.example.org']]);
    assertProblem(denied, 401, 'RAMPART_AUTHN_UNAUTHORIZED');
    assert.equal(denied.headers['access-control-allow-origin'], 'https://shop.example.org');
    const other = await send(gw.url, 'GET', '/open', [['Origin', 'https://evil.test']]);
    assert.equal(other.status, 200);
    assert.equal(other.headers['access-control-allow-origin'], undefined);
    assert.equal(other.headers['access-control-allow-credentials'], undefined);
  });

  test('refuses a cross-site POST with cookies and passes same-origin and token clients', async () => {
    const before = upstream.received.length;
    const forged = await send(
      gw.url,
      'POST',
      '/open',
      [
        ['Cookie', 'session=1'],
        ['Sec-Fetch-Site', 'cross-site'],
        ['Origin', 'https://evil.test'],
      ],
      '{}',
    );
    assertProblem(forged, 403, 'RAMPART_CSRF_REFUSED');
    const noMetadata = await send(
      gw.url,
      'POST',
      '/open',
      [
        ['Cookie', 'session=1'],
        ['Origin', 'https://evil.test'],
      ],
      '{}',
    );
    assertProblem(noMetadata, 403, 'RAMPART_CSRF_REFUSED');
    assert.equal(upstream.received.length, before);
    const own = await send(
      gw.url,
      'POST',
      '/open',
      [
        ['Cookie', 'session=1'],
        ['Origin', 'http://gateway.test'],
      ],
      '{}',
    );
    assert.equal(own.status, 200);
    const trusted = await send(
      gw.url,
      'POST',
      '/open',
      [
        ['Cookie', 'session=1'],
        ['Sec-Fetch-Site', 'cross-site'],
        ['Origin', 'https://a.example.org'],
      ],
      '{}',
    );
    assert.equal(trusted.status, 200);
    const token = await send(
      gw.url,
      'POST',
      '/open',
      [
        ['Authorization', 'Bearer t'],
        ['Origin', 'https://evil.test'],
      ],
      '{}',
    );
    assert.equal(token.status, 200);
  });
});
