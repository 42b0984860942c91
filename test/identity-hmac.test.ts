// HTTP Message Signatures (RFC 9421) over real sockets: hmac-sha256 and ed25519 signatures covering
// method, path, query, Content-Digest (RFC 9530) and created; tampering, replay, age and a body that
// does not match its digest are refused. The signer here is written independently from the policy.
import assert from 'node:assert/strict';
import { createHash, createHmac, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fakeClock } from './helpers/context.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { startUpstream, type TestUpstream } from './helpers/upstream.ts';

const SECRET = randomBytes(32).toString('base64url');
const ed = generateKeyPairSync('ed25519');

interface SignOptions {
  method?: string;
  path: string;
  body?: string;
  keyid?: string;
  created?: number;
  components?: string[];
  digestOf?: string;
}

describe('hmac-signature over sockets', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rampart-hmac-'));
  const clock = fakeClock(Date.UTC(2026, 5, 1));
  let upstream: TestUpstream;
  let gateway: TestGateway;

  const signed = (options: SignOptions): { headers: Record<string, string>; body?: string } => {
    const method = options.method ?? 'GET';
    const keyid = options.keyid ?? 'partner-hmac';
    const created = options.created ?? Math.floor(clock.now() / 1000);
    const [path, query = ''] = options.path.split('?');
    const headers: Record<string, string> = {};
    const components = options.components ?? ['@method', '@path', '@query'];
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-digest'] = `sha-256=:${createHash('sha256')
        .update(options.digestOf ?? options.body)
        .digest('base64')}:`;
      if (!components.includes('content-digest')) components.push('content-digest');
    }
    const values: Record<string, string> = {
      '@method': method,
      '@path': path!,
      '@query': `?${query}`,
      ...headers,
    };
    const params = `(${components.map((c) => `"${c}"`).join(' ')});created=${created};keyid="${keyid}"`;
    const base = `${components.map((c) => `"${c}": ${values[c]}`).join('\n')}\n"@signature-params": ${params}`;
    const signature =
      keyid === 'partner-ed'
        ? sign(null, Buffer.from(base), ed.privateKey)
        : createHmac('sha256', keyid === 'partner-hmac' ? SECRET : 'x'.repeat(32))
            .update(base)
            .digest();
    headers['signature-input'] = `sig1=${params}`;
    headers.signature = `sig1=:${signature.toString('base64')}:`;
    return { headers, ...(options.body === undefined ? {} : { body: options.body }) };
  };
  const send = async (
    options: SignOptions,
    mutate?: (r: { headers: Record<string, string>; body?: string }) => void,
  ) => {
    const request = signed(options);
    mutate?.(request);
    const response = await fetch(`${gateway.url}${options.path}`, {
      method: options.method ?? 'GET',
      headers: request.headers,
      ...(request.body === undefined ? {} : { body: request.body }),
    });
    await response.arrayBuffer();
    return response.status;
  };

  before(async () => {
    upstream = await startUpstream();
    writeFileSync(join(dir, 'partner.pem'), ed.publicKey.export({ type: 'spki', format: 'pem' }));
    process.env.RAMPART_TEST_HMAC_SECRET = SECRET;
    gateway = await startTestGateway(
      `
version: 1
server: { http: { host: 127.0.0.1, port: 0 } }
upstreams: { app: { url: ${upstream.url} } }
routes:
  - name: partner
    match: { path: /partner/* }
    upstream: app
    policies:
      hmac-signature:
        keys:
          - { id: partner-hmac, consumer: partner-a, algorithm: hmac-sha256, secret: "env:RAMPART_TEST_HMAC_SECRET", roles: [partner] }
          - { id: partner-ed, consumer: partner-b, algorithm: ed25519, publicKey: partner.pem }
`,
      { clock, baseDir: dir },
    );
  });
  after(async () => {
    await gateway?.close();
    await upstream.close();
    rmSync(dir, { recursive: true, force: true });
    delete process.env.RAMPART_TEST_HMAC_SECRET;
  });

  test('accepts hmac-sha256 and ed25519 signatures and forwards the consumer', async () => {
    assert.equal(await send({ path: '/partner/orders?page=2' }), 200);
    assert.equal(upstream.received.at(-1)?.headers['x-consumer-id'], 'partner-a');
    assert.equal(await send({ path: '/partner/orders', keyid: 'partner-ed' }), 200);
    assert.equal(upstream.received.at(-1)?.headers['x-consumer-id'], 'partner-b');
  });

  test('accepts a signed body whose Content-Digest matches', async () => {
    assert.equal(await send({ method: 'POST', path: '/partner/orders', body: '{"sku":"A-1"}' }), 200);
  });

  test('refuses a body changed after signing, even with a matching new digest', async () => {
    assert.equal(
      await send({
        method: 'POST',
        path: '/partner/orders',
        body: '{"sku":"A-1"}',
        digestOf: '{"sku":"B-2"}',
      }),
      401,
    );
    assert.equal(gateway.events.at(-1)?.rule, 'digest');
    const status = await send({ method: 'POST', path: '/partner/orders', body: '{"sku":"A-1"}' }, (r) => {
      r.body = '{"sku":"B-2"}';
      r.headers['content-digest'] = `sha-256=:${createHash('sha256').update(r.body).digest('base64')}:`;
    });
    assert.equal(status, 401);
    assert.equal(gateway.events.at(-1)?.rule, 'signature');
  });

  test('refuses a signature that does not cover the body digest', async () => {
    const status = await send({ method: 'POST', path: '/partner/orders', body: '{}' }, (r) => {
      r.headers['signature-input'] = r.headers['signature-input']!.replace(' "content-digest"', '');
    });
    assert.equal(status, 401);
    assert.equal(gateway.events.at(-1)?.rule, 'uncovered');
  });

  test('refuses a tampered query, an unknown key and a wrong secret', async () => {
    const request = signed({ path: '/partner/orders?page=7' });
    const response = await fetch(`${gateway.url}/partner/orders?page=8`, { headers: request.headers });
    assert.equal(response.status, 401);
    assert.equal(gateway.events.at(-1)?.rule, 'signature');
    const forged = await send({ path: '/partner/orders?page=9' }, (r) => {
      r.headers.signature = `sig1=:${randomBytes(32).toString('base64')}:`;
    });
    assert.equal(forged, 401);
    assert.equal(await send({ path: '/partner/x', keyid: 'nobody' }), 401);
    assert.equal(gateway.events.at(-1)?.rule, 'unknown-key');
  });

  test('refuses a replayed signature', async () => {
    const request = signed({ path: '/partner/replay' });
    const first = await fetch(`${gateway.url}/partner/replay`, { headers: request.headers });
    const second = await fetch(`${gateway.url}/partner/replay`, { headers: request.headers });
    assert.equal(first.status, 200);
    assert.equal(second.status, 401);
    assert.equal(gateway.events.at(-1)?.rule, 'replay');
  });

  test('refuses signatures older than the window or created in the future', async () => {
    const now = Math.floor(clock.now() / 1000);
    assert.equal(await send({ path: '/partner/x', created: now - 301 }), 401);
    assert.equal(gateway.events.at(-1)?.rule, 'expired');
    assert.equal(await send({ path: '/partner/x', created: now + 120 }), 401);
    assert.equal(gateway.events.at(-1)?.rule, 'created-in-future');
  });

  test('answers 401 with a Signature challenge when unsigned', async () => {
    const response = await fetch(`${gateway.url}/partner/x`);
    assert.equal(response.status, 401);
    assert.equal(response.headers.get('www-authenticate'), 'Signature realm="rampart"');
  });
});
