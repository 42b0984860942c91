// Forward-auth over sockets, as Traefik ForwardAuth and Envoy ext_authz ask: the original request
// comes in X-Forwarded-* headers (believed from trusted proxies only) or after Envoy's path prefix;
// the matched route's request policies answer 200 with identity headers, or the denial; the upstream
// is never called.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { Agent, fetch } from 'undici';
import { formatConfigError } from '../src/config/errors.ts';
import { loadConfigText } from '../src/config/load.ts';
import { issueApiKey } from '../src/identity/api-keys.ts';
import { POLICY_DEFINITIONS } from '../src/policies/registry.ts';
import { createSqliteStore } from '../src/store/sqlite-store.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { startUpstream, type TestUpstream } from './helpers/upstream.ts';

function config(upstream: string, server: string): string {
  return `
version: 1
server: { http: { host: 127.0.0.1, port: 0 }, ${server} }
upstreams: { app: { url: ${upstream} } }
routes:
  - name: api
    match: { path: /api/*, methods: [GET, POST] }
    upstream: app
    policies:
      api-key: {}
  - name: admin
    match: { path: /admin/* }
    upstream: app
    policies:
      api-key: {}
      authorize: { rules: [{ paths: [/admin/*], anyOf: [admin] }] }
`;
}

/** Requests from 127.0.0.2, an address no gateway here trusts (all of 127/8 is loopback on Linux). */
const stranger = new Agent({ localAddress: '127.0.0.2' });

async function ask(url: string, headers: Record<string, string>, method = 'GET', from?: Agent) {
  const response = await fetch(url, { method, headers, ...(from === undefined ? {} : { dispatcher: from }) });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    code: text === '' ? undefined : (JSON.parse(text) as { code?: string }).code,
  };
}

describe('forward-auth over sockets', () => {
  const store = createSqliteStore(':memory:');
  let upstream: TestUpstream;
  let trusted: TestGateway;
  let nginxStyle: TestGateway;
  let aliceKey: string;
  let bobKey: string;

  before(async () => {
    const alice = await store.createConsumer({ name: 'alice', roles: ['admin'] });
    const bob = await store.createConsumer({ name: 'bob', roles: ['reader'] });
    aliceKey = (await issueApiKey(store, alice, { now: Date.now() })).key;
    bobKey = (await issueApiKey(store, bob, { now: Date.now() })).key;
    upstream = await startUpstream();
    trusted = await startTestGateway(
      config(upstream.url, 'trustedProxies: [127.0.0.1], forwardAuth: { envoyPrefix: /_rampart/envoy }'),
      { store },
    );
    nginxStyle = await startTestGateway(
      config(
        upstream.url,
        'trustedProxies: [127.0.0.1], forwardAuth: { envoyPrefix: /ext-authz, statuses: nginx }',
      ),
      { store },
    );
  });
  after(async () => {
    await trusted?.close();
    await nginxStyle?.close();
    await stranger.close();
    await upstream?.close();
    await store.close();
  });

  const traefik = (uri: string, extra: Record<string, string> = {}, method = 'GET') =>
    ask(`${trusted.url}/_rampart/auth`, {
      'x-forwarded-method': method,
      'x-forwarded-uri': uri,
      'x-forwarded-host': 'api.example.test',
      'x-forwarded-proto': 'https',
      ...extra,
    });

  test('allows a valid key with the identity headers the proxy copies, and never calls the upstream', async () => {
    const answer = await traefik('/api/things?page=2', { 'x-api-key': aliceKey });
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get('x-rampart-consumer'), 'alice');
    assert.equal(answer.headers.get('x-rampart-scopes'), 'admin');
    assert.equal(answer.headers.get('x-rampart-authenticated-by'), 'api-key');
    assert.equal(answer.headers.get('x-consumer-name'), 'alice', 'what api-key forwards upstream');
    assert.match(answer.headers.get('x-envoy-auth-headers-to-remove') ?? '', /x-api-key/);
    assert.equal(upstream.received.length, 0);
    const log = await trusted.accessLogOf(answer.headers.get('x-request-id')!);
    assert.equal(log.path, '/api/things?page=2');
    assert.equal(log.route, 'api');
  });

  test('answers a missing key with 401 and the challenge, a wrong role with 403', async () => {
    const missing = await traefik('/api/things');
    assert.equal(missing.status, 401);
    assert.equal(missing.code, 'RAMPART_AUTHN_UNAUTHORIZED');
    assert.ok(missing.headers.get('www-authenticate'));
    assert.equal(missing.headers.get('x-rampart-consumer'), null);
    const reader = await traefik('/admin/stats', { 'x-api-key': bobKey });
    assert.equal(reader.status, 403);
    assert.equal(reader.code, 'RAMPART_AUTHZ_FORBIDDEN');
    const admin = await traefik('/admin/stats', { 'x-api-key': aliceKey });
    assert.equal(admin.status, 200);
  });

  test("judges the original method and target, not the authorization request's own", async () => {
    const deleted = await traefik('/api/things', { 'x-api-key': aliceKey }, 'DELETE');
    assert.equal(deleted.status, 405);
    assert.equal(deleted.code, 'RAMPART_ROUTE_METHOD_NOT_ALLOWED');
    const nowhere = await traefik('/elsewhere', { 'x-api-key': aliceKey });
    assert.equal(nowhere.code, 'RAMPART_ROUTE_NOT_FOUND');
    const missing = await ask(`${trusted.url}/_rampart/auth`, { 'x-api-key': aliceKey });
    assert.equal(missing.status, 400);
    assert.equal(missing.code, 'RAMPART_FORWARD_AUTH_NO_ORIGINAL');
    const absolute = await traefik('http://evil.example/api/x', { 'x-api-key': aliceKey });
    assert.equal(absolute.code, 'RAMPART_FORWARD_AUTH_NO_ORIGINAL');
  });

  test("takes nginx's X-Original-* headers too", async () => {
    const answer = await ask(`${trusted.url}/_rampart/auth`, {
      'x-original-method': 'POST',
      'x-original-uri': '/api/orders',
      'x-api-key': bobKey,
    });
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get('x-rampart-consumer'), 'bob');
  });

  test('answers Envoy ext_authz check requests: the original path after the prefix, method as sent', async () => {
    const allowed = await ask(
      `${trusted.url}/_rampart/envoy/api/orders?x=1`,
      { 'x-api-key': aliceKey },
      'POST',
    );
    assert.equal(allowed.status, 200);
    assert.equal(allowed.headers.get('x-rampart-consumer-id') !== null, true);
    const denied = await ask(`${trusted.url}/_rampart/envoy/admin/stats`, { 'x-api-key': bobKey });
    assert.equal(denied.status, 403);
    assert.equal(upstream.received.length, 0);
  });

  test('answers only trusted proxies, and maps statuses for nginx', async () => {
    const headers = { 'x-forwarded-uri': '/api/things', 'x-api-key': aliceKey };
    const untrusted = await ask(`${nginxStyle.url}/_rampart/auth`, headers, 'GET', stranger);
    assert.equal(untrusted.status, 403);
    assert.equal(untrusted.code, 'RAMPART_FORWARD_AUTH_UNTRUSTED_PEER');
    const envoyUntrusted = await ask(`${nginxStyle.url}/ext-authz/api/things`, headers, 'GET', stranger);
    assert.equal(envoyUntrusted.code, 'RAMPART_FORWARD_AUTH_UNTRUSTED_PEER');
    assert.equal(envoyUntrusted.headers.get('x-consumer-id'), null);
    assert.equal(
      (await ask(`${nginxStyle.url}/_rampart/auth`, headers)).status,
      200,
      'the same from 127.0.0.1',
    );
    // nginx's auth_request understands 2xx, 401 and 403 only: a 404 becomes 403 with the real status.
    const unknown = await ask(`${nginxStyle.url}/ext-authz/elsewhere`, { 'x-api-key': aliceKey });
    assert.equal(unknown.status, 403);
    assert.equal(unknown.headers.get('x-rampart-status'), '404');
    assert.equal(unknown.code, 'RAMPART_ROUTE_NOT_FOUND');
    const unauthenticated = await ask(`${nginxStyle.url}/ext-authz/api/things`, {});
    assert.equal(unauthenticated.status, 401);
    // Other paths of that gateway still proxy as usual, for anyone.
    const proxied = await ask(`${nginxStyle.url}/api/things`, { 'x-api-key': aliceKey }, 'GET', stranger);
    assert.equal(proxied.status, 200);
    assert.equal(upstream.received.length, 1);
  });
});

test('the config of docs/forward-auth.md is valid', async () => {
  const doc = readFileSync(new URL('../docs/forward-auth.md', import.meta.url), 'utf8');
  const yaml = /```yaml\n(version: 1\n[\s\S]*?)```/.exec(doc)?.[1];
  assert.ok(yaml !== undefined, 'the doc shows a whole config');
  const loaded = await loadConfigText(yaml, 'forward-auth.yaml', POLICY_DEFINITIONS);
  assert.ok(loaded.ok, loaded.ok ? '' : loaded.errors.map(formatConfigError).join('\n'));
});
