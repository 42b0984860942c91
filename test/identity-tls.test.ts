// Basic and mTLS over real TLS sockets: certificates made at test time with openssl (a CA, the
// gateway's certificate, a client certificate from the CA and one self-signed); Basic refused over
// plain HTTP, accepted over HTTPS against a scrypt hash; client certificates mapped to consumers.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { hashPassword } from '../src/identity/passwords.ts';
import { createSqliteStore } from '../src/store/sqlite-store.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { openssl, skipWithoutOpenssl } from './helpers/openssl.ts';
import { startUpstream, type TestUpstream } from './helpers/upstream.ts';

const skip = skipWithoutOpenssl;

function makeCertificates(dir: string): void {
  const key = (name: string) =>
    openssl(dir, ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${name}.key`]);
  key('ca');
  openssl(dir, [
    'req',
    '-x509',
    '-new',
    '-key',
    'ca.key',
    '-subj',
    '/CN=Test CA',
    '-days',
    '2',
    '-out',
    'ca.pem',
  ]);
  key('server');
  openssl(dir, [
    'req',
    '-x509',
    '-new',
    '-key',
    'server.key',
    '-subj',
    '/CN=127.0.0.1',
    '-days',
    '2',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
    '-out',
    'server.pem',
  ]);
  for (const [name, san] of [
    ['svc-orders', 'URI:spiffe://example.test/svc-orders'],
    ['svc-unknown', 'DNS:unknown.example'],
  ]) {
    key(name!);
    openssl(dir, ['req', '-new', '-key', `${name}.key`, '-subj', `/CN=${name}`, '-out', `${name}.csr`]);
    writeFileSync(join(dir, `${name}.ext`), `subjectAltName=${san}\n`);
    openssl(dir, [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.pem`,
    ]);
  }
  key('rogue');
  openssl(dir, [
    'req',
    '-x509',
    '-new',
    '-key',
    'rogue.key',
    '-subj',
    '/CN=svc-orders',
    '-days',
    '2',
    '-out',
    'rogue.pem',
  ]);
}

describe('basic and mtls over TLS', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'rampart-identity-tls-'));
  const store = createSqliteStore(':memory:');
  let upstream: TestUpstream;
  let gateway: TestGateway;

  const https = (path: string, options: { auth?: string; client?: string } = {}) =>
    new Promise<{ status: number; challenge: string | undefined }>((resolve, reject) => {
      const url = new URL(gateway.urls.https!);
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path,
          ca: readFileSync(join(dir, 'server.pem')),
          ...(options.client === undefined
            ? {}
            : {
                cert: readFileSync(join(dir, `${options.client}.pem`)),
                key: readFileSync(join(dir, `${options.client}.key`)),
              }),
          headers: options.auth === undefined ? {} : { authorization: options.auth },
          agent: false,
        },
        (res) => {
          res.resume();
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, challenge: res.headers['www-authenticate'] }),
          );
        },
      );
      req.on('error', reject);
      req.end();
    });
  const basicAuth = (user: string, password: string) =>
    `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

  before(async () => {
    makeCertificates(dir);
    upstream = await startUpstream();
    const dora = await store.createConsumer({ name: 'dora', roles: ['user'] });
    await store.setPassword({
      username: 'dora',
      consumerId: dora.id,
      hash: await hashPassword('correct horse battery'),
      createdAt: Date.now(),
    });
    await store.createConsumer({ name: 'svc-orders', roles: ['service'] });
    gateway = await startTestGateway(
      `
version: 1
server:
  http: { host: 127.0.0.1, port: 0 }
  https:
    host: 127.0.0.1
    port: 0
    cert: server.pem
    key: server.key
    clientCertificates: { ca: ca.pem, required: false }
store: { sqlite: ":memory:" }
upstreams: { app: { url: ${upstream.url} } }
routes:
  - name: basic
    match: { path: /basic/* }
    upstream: app
    policies:
      basic: {}
  - name: mtls
    match: { path: /mtls/* }
    upstream: app
    policies:
      mtls: {}
  - name: spiffe
    match: { path: /spiffe/* }
    upstream: app
    policies:
      mtls: { consumerFrom: san.uri, lookup: certificate, allow: ["spiffe://example.test/svc-orders"], roles: [service] }
`,
      { store, baseDir: dir },
    );
  });
  after(async () => {
    await gateway?.close();
    await upstream.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('refuses Basic over plain HTTP, before looking at the password', async () => {
    const response = await fetch(`${gateway.urls.http}/basic/x`, {
      headers: { authorization: basicAuth('dora', 'correct horse battery') },
    });
    assert.equal(response.status, 403);
    assert.equal(((await response.json()) as { code: string }).code, 'RAMPART_AUTHN_TLS_REQUIRED');
  });

  test('accepts the right password over HTTPS and refuses a wrong one or an unknown user alike', async () => {
    assert.equal((await https('/basic/x', { auth: basicAuth('dora', 'correct horse battery') })).status, 200);
    assert.equal(upstream.received.at(-1)?.headers['x-consumer-name'], 'dora');
    assert.equal(upstream.received.at(-1)?.headers.authorization, undefined);
    const wrong = await https('/basic/x', { auth: basicAuth('dora', 'wrong') });
    const unknown = await https('/basic/x', { auth: basicAuth('nobody', 'wrong') });
    assert.equal(wrong.status, 401);
    assert.equal(unknown.status, 401);
    assert.equal(wrong.challenge, 'Basic realm="rampart", charset="UTF-8"');
    assert.equal(unknown.challenge, wrong.challenge);
    assert.equal((await https('/basic/x')).status, 401);
  });

  test('maps a client certificate issued by the CA to the consumer named by its CN', async () => {
    assert.equal((await https('/mtls/x', { client: 'svc-orders' })).status, 200);
    assert.equal(upstream.received.at(-1)?.headers['x-consumer-name'], 'svc-orders');
    assert.equal(upstream.received.at(-1)?.headers['x-authenticated-by'], 'mtls');
  });

  test('refuses no certificate, a self-signed one and one naming no consumer', async () => {
    assert.equal((await https('/mtls/x')).status, 401);
    assert.equal((await https('/mtls/x', { client: 'rogue' })).status, 401);
    assert.equal(gateway.events.at(-1)?.rule, 'untrusted-certificate');
    assert.equal((await https('/mtls/x', { client: 'svc-unknown' })).status, 401);
    assert.equal(gateway.events.at(-1)?.rule, 'unknown-consumer');
  });

  test('takes the identity from a SAN URI on an allow-list without the store', async () => {
    assert.equal((await https('/spiffe/x', { client: 'svc-orders' })).status, 200);
    assert.equal(upstream.received.at(-1)?.headers['x-consumer-id'], 'spiffe://example.test/svc-orders');
    assert.equal((await https('/spiffe/x', { client: 'svc-unknown' })).status, 401);
  });
});
