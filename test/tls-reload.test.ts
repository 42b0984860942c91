// The HTTPS listener's certificates over real sockets: a renewed certificate (replaced by rename, as
// certbot does) is served to new connections without a restart while a kept-alive client keeps its
// connection; a broken renewal is refused and the previous certificate keeps serving; a second
// certificate is served by SNI to its own host name; an OCSP response is stapled to clients that ask.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type TLSSocket, connect as tlsConnect } from 'node:tls';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { NEW_EC_KEY, openssl, selfSigned, skipWithoutOpenssl } from './helpers/openssl.ts';
import { startUpstream, type TestUpstream } from './helpers/upstream.ts';

const skip = skipWithoutOpenssl;

/** Makes a CA-signed EC certificate for `names` as `<stem>.pem` / `<stem>.key` in `dir`. */
function issue(dir: string, stem: string, names: readonly string[], serial: string): void {
  openssl(dir, [
    'req',
    ...NEW_EC_KEY,
    '-keyout',
    `${stem}.key`,
    '-out',
    `${stem}.csr`,
    '-subj',
    `/CN=${names[0]}`,
  ]);
  writeFileSync(join(dir, `${stem}.ext`), `subjectAltName=${names.map((n) => `DNS:${n}`).join(',')}\n`);
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${stem}.csr`,
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-set_serial',
    `0x${serial}`,
    '-days',
    '1',
    '-extfile',
    `${stem}.ext`,
    '-out',
    `${stem}.pem`,
  ]);
}

const fingerprintOf = (dir: string, file: string) =>
  new X509Certificate(readFileSync(join(dir, file))).fingerprint256;

/** A GET over `agent` (kept alive); resolves with the status, the served certificate and socket reuse. */
function get(
  url: string,
  agent: Agent,
): Promise<{ status: number; fingerprint: string; reused: boolean; socket: TLSSocket }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { agent, rejectUnauthorized: false, timeout: 5_000 }, (res) => {
      // Read now: once the answer ends, the socket goes back to the agent.
      const socket = res.socket as TLSSocket;
      const fingerprint = socket.getPeerCertificate().fingerprint256;
      res.resume();
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, fingerprint, reused: req.reusedSocket, socket });
      });
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

/** A bare TLS handshake with `servername`; resolves with the served certificate and any stapled OCSP. */
function handshake(
  port: number,
  servername: string,
): Promise<{ fingerprint: string; ocsp: Buffer | undefined }> {
  return new Promise((resolve, reject) => {
    let ocsp: Buffer | undefined;
    const socket = tlsConnect({
      host: '127.0.0.1',
      port,
      servername,
      rejectUnauthorized: false,
      requestOCSP: true,
    });
    socket.on('OCSPResponse', (response: Buffer) => {
      ocsp = response;
    });
    socket.once('secureConnect', () => {
      const fingerprint = socket.getPeerCertificate().fingerprint256;
      socket.end();
      resolve({ fingerprint, ocsp });
    });
    socket.once('error', reject);
  });
}

describe('TLS certificates', { skip }, () => {
  let dir: string;
  let upstream: TestUpstream;
  let gw: TestGateway;
  let port: number;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rampart-tls-reload-'));
    selfSigned(dir, 'ca.key', 'ca.pem', '/CN=rampart-test-ca', 2);
    issue(dir, 'site', ['localhost'], '1001');
    issue(dir, 'api', ['api.example.test'], '1002');
    // An OCSP response for the site certificate, signed by the CA (the CA is its own responder here).
    writeFileSync(join(dir, 'index.txt'), 'V\t301231000000Z\t\t1001\tunknown\t/CN=localhost\n');
    openssl(dir, [
      'ocsp',
      '-index',
      'index.txt',
      '-rsigner',
      'ca.pem',
      '-rkey',
      'ca.key',
      '-CA',
      'ca.pem',
      '-issuer',
      'ca.pem',
      '-cert',
      'site.pem',
      '-respout',
      'site.ocsp',
      '-ndays',
      '1',
    ]);
    upstream = await startUpstream();
    gw = await startTestGateway(
      `
version: 1
server:
  https:
    port: 0
    cert: site.pem
    key: site.key
    certificates: [{ cert: api.pem, key: api.key }]
    ocspResponse: site.ocsp
upstreams: { app: { url: ${upstream.url} } }
routes:
  - { name: all, match: { path: /* }, upstream: app }
`,
      { baseDir: dir },
    );
    port = Number(new URL(gw.urls.https!).port);
  });

  after(async () => {
    await gw?.close();
    await upstream?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  test('serves a second certificate by SNI and staples the OCSP response to clients that ask', async () => {
    const site = await handshake(port, 'localhost');
    assert.equal(site.fingerprint, fingerprintOf(dir, 'site.pem'));
    assert.deepEqual(site.ocsp, readFileSync(join(dir, 'site.ocsp')));
    const api = await handshake(port, 'api.example.test');
    assert.equal(api.fingerprint, fingerprintOf(dir, 'api.pem'));
    assert.equal((await handshake(port, 'other.example.test')).fingerprint, fingerprintOf(dir, 'site.pem'));
  });

  test('a renewed certificate is served to new connections while a kept-alive client keeps its own', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const old = fingerprintOf(dir, 'site.pem');
      const first = await get(`${gw.urls.https}/one`, agent);
      assert.deepEqual([first.status, first.fingerprint], [200, old]);

      // Renewal as certbot writes it: new files beside the old ones, then renamed over them.
      const from = gw.logLines.length;
      issue(dir, 'renewed', ['localhost'], '1003');
      renameSync(join(dir, 'renewed.key'), join(dir, 'site.key'));
      renameSync(join(dir, 'renewed.pem'), join(dir, 'site.pem'));
      const renewed = fingerprintOf(dir, 'site.pem');
      assert.notEqual(renewed, old);
      await gw.waitForLog((r) => r.event === 'tls.reloaded' && r.sha256 === renewed, from);

      assert.equal((await handshake(port, 'localhost')).fingerprint, renewed);
      // The client's connection was not dropped: the same socket answers, still on the old certificate.
      const second = await get(`${gw.urls.https}/two`, agent);
      assert.deepEqual([second.status, second.reused, second.fingerprint], [200, true, old]);
      assert.equal(second.socket, first.socket);
    } finally {
      agent.destroy();
    }
  });

  test('a broken renewal is refused and the certificate in service keeps serving', async () => {
    const serving = fingerprintOf(dir, 'site.pem');
    const from = gw.logLines.length;
    writeFileSync(join(dir, 'site.pem.tmp'), '-----BEGIN CERTIFICATE-----\nnot a certificate\n');
    renameSync(join(dir, 'site.pem.tmp'), join(dir, 'site.pem'));
    await gw.waitForLog((r) => r.event === 'tls.reload-failed', from);
    assert.equal((await handshake(port, 'localhost')).fingerprint, serving);
  });
});
