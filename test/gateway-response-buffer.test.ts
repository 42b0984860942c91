// Responses a policy wants buffered: under the limit they are inspected; over it they stream through
// uninspected with a security event, unless a policy decides otherwise.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { startUpstream, type TestUpstream } from './helpers/upstream.ts';

let upstream: TestUpstream;
let gw: TestGateway;

describe('gateway-response-buffer', () => {
  before(async () => {
    upstream = await startUpstream((req, res) => {
      const size = req.url === '/big' ? 8 * 1024 : 200;
      const text = `card 4111 1111 1111 1111 ${'x'.repeat(size)}`;
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    });
    gw = await startTestGateway(`
version: 1
server: { http: { port: 0 }, maxBufferedBodyBytes: 4kb }
upstreams: { app: { url: ${upstream.url} } }
routes:
  - name: masked
    match: { path: /* }
    upstream: app
    policies:
      sensitive-data: {}
`);
  });

  after(async () => {
    await gw.close();
    await upstream.close();
  });

  test('inspects a response under the buffering limit', async () => {
    const response = await fetch(`${gw.url}/small`);
    const text = await response.text();
    assert.equal(response.status, 200);
    assert.ok(!text.includes('4111 1111 1111 1111'), 'the card number was not masked');
  });

  test('streams a response over the buffering limit whole, and records that it was not inspected', async () => {
    const response = await fetch(`${gw.url}/big`);
    const text = await response.text();
    assert.equal(response.status, 200);
    assert.equal(text.length, 'card 4111 1111 1111 1111 '.length + 8 * 1024);
    const id = response.headers.get('x-request-id');
    const event = gw.events.find((entry) => entry.requestId === id);
    assert.equal(event?.rule, 'response-over-inspection-limit');
    assert.equal(event?.outcome, 'flagged');
  });
});
