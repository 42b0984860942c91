// The contract as a firewall, end to end: the demo API behind a gateway with openapi-validate,
// response-filter and sensitive-data bound to its OpenAPI spec (examples/demo-api/openapi.yaml).
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type DemoApi, startDemoApi } from '../examples/demo-api/server.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { startUpstream, type TestUpstream } from './helpers/upstream.ts';

const SPEC = resolve(import.meta.dirname, '../examples/demo-api/openapi.yaml');

function config(demoUrl: string, recorderUrl: string): string {
  return `
version: 1
server: { http: { port: 0 } }
upstreams:
  demo: { url: ${demoUrl} }
  recorder: { url: ${recorderUrl} }
routes:
  - name: shadow
    match: { path: /debug/* }
    upstream: recorder
    policies:
      openapi-validate: { spec: ${SPEC} }
  - name: api
    match: { path: /* }
    upstream: demo
    policies:
      openapi-validate: { spec: ${SPEC} }
      response-filter: { spec: ${SPEC} }
      sensitive-data: { types: { email: mask } }
`;
}

let demo: DemoApi;
let recorder: TestUpstream;
let gw: TestGateway;

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  // The spec requires an API key or a bearer token: its presence is checked (requireCredentials).
  const init: RequestInit = { method, headers: { 'x-user-id': '1', 'x-api-key': 'presented', ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  }
  const res = await fetch(`${gw.url}${path}`, init);
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    json: text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>),
  };
}

describe('contract-demo', () => {
  before(async () => {
    demo = await startDemoApi();
    recorder = await startUpstream();
    gw = await startTestGateway(config(demo.url, recorder.url));
  });

  after(async () => {
    await gw?.close();
    await recorder?.close();
    await demo?.close();
  });

  describe('the demo API behind its contract', () => {
    test('refuses mass assignment of role on PATCH /users/{id} and leaves the user unchanged', async () => {
      const res = await call('PATCH', '/users/2', { role: 'admin', name: 'Bobby' });
      assert.equal(res.status, 400);
      assert.equal(res.json?.code, 'RAMPART_VALIDATION_REQUEST_INVALID');
      const locations = ((res.json?.violations as Array<{ location: string }> | undefined) ?? []).map(
        (v) => v.location,
      );
      assert.deepEqual(locations, ['body.role']);
      const user = await call('GET', '/users/2');
      assert.equal(user.status, 200);
      assert.equal(user.json?.role, 'user');
      assert.notEqual(user.json?.name, 'Bobby');
    });

    test('lets a request the contract describes through', async () => {
      const res = await call('PATCH', '/users/2', { name: 'Bobby' });
      assert.equal(res.status, 200);
      assert.equal(res.json?.name, 'Bobby');
    });

    test('removes passwordHash and internalNotes from responses and events each removal with its path', async () => {
      const res = await call('GET', '/users/3');
      assert.equal(res.status, 200);
      assert.equal('passwordHash' in (res.json ?? {}), false);
      assert.equal('internalNotes' in (res.json ?? {}), false);
      assert.equal(typeof res.json?.id, 'number');
      const locations = gw.events.filter((e) => e.policy === 'response-filter').map((e) => e.location);
      assert.ok(locations.includes('response.body.passwordHash'));
      assert.ok(locations.includes('response.body.internalNotes'));
    });

    test('filters every item of a list and masks emails when configured', async () => {
      const res = await call('GET', '/users?limit=5');
      assert.equal(res.status, 200);
      const items = res.json?.items as Array<Record<string, unknown>>;
      assert.ok(items.length > 0);
      for (const item of items) {
        assert.equal('passwordHash' in item, false);
        assert.match(String(item.email), /^.\*\*\*@/);
      }
    });

    test('answers 404 for a shadow endpoint without asking the upstream', async () => {
      const res = await call('GET', '/debug/crash');
      assert.equal(res.status, 404);
      assert.equal(res.json?.code, 'RAMPART_VALIDATION_OPERATION_UNKNOWN');
      assert.equal(recorder.received.length, 0);
    });

    test('answers 405 with Allow for a documented path with an undocumented method', async () => {
      const res = await call('PUT', '/users/1', { name: 'x' });
      assert.equal(res.status, 405);
      assert.equal(res.json?.code, 'RAMPART_VALIDATION_METHOD_NOT_ALLOWED');
      assert.deepEqual(res.headers.get('allow')?.split(', ').sort(), ['DELETE', 'GET', 'PATCH']);
    });

    test('answers 415 for a body in a media type the operation does not accept', async () => {
      const res = await call('POST', '/orders', 'items=1', { 'content-type': 'text/plain' });
      assert.equal(res.status, 415);
      assert.equal(res.json?.code, 'RAMPART_VALIDATION_UNSUPPORTED_MEDIA_TYPE');
    });

    test('lists query violations by location, unknown parameters included', async () => {
      const res = await call('GET', '/users?limit=500&debug=1');
      assert.equal(res.status, 400);
      const violations = res.json?.violations as Array<{ location: string }>;
      assert.deepEqual(violations.map((v) => v.location).sort(), ['query.debug', 'query.limit']);
    });

    test('lists nested body violations with array indexes and never echoes hostile member names', async () => {
      const res = await call('POST', '/orders', {
        items: [
          { sku: 'a', quantity: 1, unitPrice: 1 },
          { sku: 'b', quantity: 5000, unitPrice: 1, '<script>': 1 },
        ],
      });
      assert.equal(res.status, 400);
      const violations = res.json?.violations as Array<{ location: string }>;
      const locations = violations.map((v) => v.location);
      assert.ok(locations.includes('body.items[1].quantity'));
      assert.ok(locations.includes('body.items[1]["?script?"]'));
      assert.equal(JSON.stringify(res.json).includes('<script>'), false);
    });
  });
});
