// JWT over real sockets against a real JWKS server on 127.0.0.1 with ES256, RS256 and EdDSA keys:
// each accepted; expired, not-yet-valid, wrong issuer/audience, unknown kid, alg none, tampered,
// HS256-with-the-public-key and a down JWKS refused; key rollover picked up; OIDC discovery.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { exportJWK, exportPKCS8, exportSPKI, generateKeyPair, type JWK, SignJWT } from 'jose';
import { fakeClock } from './helpers/context.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { startUpstream, type TestUpstream } from './helpers/upstream.ts';

type Keys = Awaited<ReturnType<typeof generateKeyPair>>;

interface JwksServer {
  readonly url: string;
  readonly jwks: { keys: JWK[] };
  fetches: number;
  close(): Promise<void>;
}

async function startJwksServer(): Promise<JwksServer> {
  const state = { jwks: { keys: [] as JWK[] }, fetches: 0, url: '' };
  const server: Server = createServer((req, res) => {
    if (req.url === '/jwks.json') {
      state.fetches++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(state.jwks));
    } else if (req.url === '/.well-known/openid-configuration') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ issuer: state.url, jwks_uri: `${state.url}/jwks.json` }));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: state.url,
    jwks: state.jwks,
    get fetches() {
      return state.fetches;
    },
    set fetches(value) {
      state.fetches = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('jwt over sockets', () => {
  const clock = fakeClock(Date.UTC(2026, 5, 1));
  const nowSeconds = () => Math.floor(clock.now() / 1000);
  let upstream: TestUpstream;
  let idp: JwksServer;
  let gateway: TestGateway;
  const keys: Record<string, Keys> = {};

  const sign = (
    alg: string,
    kid: string,
    overrides: { iss?: string; aud?: string; exp?: number; nbf?: number; sub?: string } = {},
  ) => {
    const jwt = new SignJWT({ scope: 'orders:read orders:write', roles: ['reader'] })
      .setProtectedHeader({ alg, kid })
      .setSubject(overrides.sub ?? 'user-42')
      .setIssuer(overrides.iss ?? idp.url)
      .setAudience(overrides.aud ?? 'demo-api')
      .setIssuedAt(nowSeconds())
      .setExpirationTime(overrides.exp ?? nowSeconds() + 300);
    if (overrides.nbf !== undefined) jwt.setNotBefore(overrides.nbf);
    return jwt.sign(keys[kid]!.privateKey);
  };
  const call = (path: string, token: string | undefined) =>
    fetch(
      `${gateway.url}${path}`,
      token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } },
    );

  before(async () => {
    upstream = await startUpstream();
    idp = await startJwksServer();
    keys.es = await generateKeyPair('ES256', { extractable: true });
    keys.rs = await generateKeyPair('RS256', { extractable: true });
    keys.ed = await generateKeyPair('EdDSA', { extractable: true, crv: 'Ed25519' });
    keys.late = await generateKeyPair('ES256', { extractable: true });
    for (const [kid, pair] of Object.entries(keys)) {
      if (kid !== 'late') idp.jwks.keys.push({ ...(await exportJWK(pair.publicKey)), kid });
    }
    gateway = await startTestGateway(
      `
version: 1
server: { http: { host: 127.0.0.1, port: 0 } }
upstreams: { app: { url: ${upstream.url} } }
routes:
  - name: api
    match: { path: /api/* }
    upstream: app
    policies:
      jwt:
        issuer: ${idp.url}
        audience: [demo-api]
        jwksUrl: ${idp.url}/jwks.json
        jwksCooldown: 0
        roleClaims: [roles]
  - name: oidc
    match: { path: /oidc/* }
    upstream: app
    policies:
      jwt: { issuer: "${idp.url}", audience: [demo-api], discovery: true, algorithms: [ES256] }
`,
      { clock },
    );
  });
  after(async () => {
    await gateway?.close();
    await idp.close();
    await upstream.close();
  });

  test('accepts ES256, RS256 and EdDSA tokens and forwards subject and scopes', async () => {
    for (const [alg, kid] of [
      ['ES256', 'es'],
      ['RS256', 'rs'],
      ['EdDSA', 'ed'],
    ] as const) {
      const response = await call('/api/x', await sign(alg, kid));
      assert.equal(response.status, 200, alg);
      const seen = upstream.received.at(-1)!.headers;
      assert.equal(seen['x-consumer-id'], 'user-42');
      assert.equal(seen['x-consumer-scopes'], 'orders:read orders:write reader');
      assert.equal(seen.authorization, undefined);
    }
  });

  test('answers 401 with a Bearer challenge without a token', async () => {
    const response = await call('/api/x', undefined);
    assert.equal(response.status, 401);
    assert.equal(response.headers.get('www-authenticate'), 'Bearer realm="rampart"');
  });

  const refusals: Array<[string, () => Promise<string>, string]> = [
    ['an expired token', () => sign('ES256', 'es', { exp: nowSeconds() - 120 }), 'expired'],
    ['a token not yet valid', () => sign('ES256', 'es', { nbf: nowSeconds() + 600 }), 'not-yet-valid'],
    [
      'a token from another issuer',
      () => sign('ES256', 'es', { iss: 'https://evil.example' }),
      'wrong-issuer',
    ],
    ['a token for another audience', () => sign('ES256', 'es', { aud: 'other-api' }), 'wrong-audience'],
    ['a token signed by an unknown key', async () => sign('ES256', 'late').then((t) => t), 'unknown-kid'],
    [
      'a tampered token',
      async () => {
        const [header, payload, signature] = (await sign('ES256', 'es')).split('.');
        const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
        claims.sub = 'admin';
        return `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
      },
      'signature',
    ],
    [
      'an unsigned token (alg none)',
      async () => {
        const enc = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
        return `${enc({ alg: 'none', typ: 'JWT' })}.${enc({ sub: 'admin', iss: idp.url, aud: 'demo-api', exp: nowSeconds() + 60 })}.`;
      },
      'algorithm',
    ],
    [
      'an HS256 token keyed with the public key (algorithm confusion)',
      async () => {
        const secret = new TextEncoder().encode(JSON.stringify(idp.jwks.keys[1]));
        return new SignJWT({})
          .setProtectedHeader({ alg: 'HS256', kid: 'rs' })
          .setSubject('admin')
          .setIssuer(idp.url)
          .setAudience('demo-api')
          .setExpirationTime(nowSeconds() + 60)
          .sign(secret);
      },
      'algorithm',
    ],
  ];
  for (const [what, make, rule] of refusals) {
    test(`refuses ${what} with 401 invalid_token`, async () => {
      const response = await call('/api/x', await make());
      assert.equal(response.status, 401);
      assert.match(response.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
      assert.equal(((await response.json()) as { code: string }).code, 'RAMPART_AUTHN_UNAUTHORIZED');
      assert.equal(gateway.events.at(-1)?.rule, rule);
    });
  }

  test('picks up a key added to the JWKS after start (refetch on an unknown kid)', async () => {
    idp.jwks.keys.push({ ...(await exportJWK(keys.late!.publicKey)), kid: 'late' });
    assert.equal((await call('/api/x', await sign('ES256', 'late'))).status, 200);
  });

  test('reuses a verified token from the cache but never past its expiry', async () => {
    const token = await sign('ES256', 'es', { exp: nowSeconds() + 60 });
    assert.equal((await call('/api/x', token)).status, 200);
    const fetches = idp.fetches;
    assert.equal((await call('/api/x', token)).status, 200);
    assert.equal(idp.fetches, fetches);
    clock.advance(61_000 + 30_000);
    assert.equal((await call('/api/x', token)).status, 401);
    assert.equal(gateway.events.at(-1)?.rule, 'expired');
  });

  test('finds the keys through OIDC discovery', async () => {
    assert.equal((await call('/oidc/x', await sign('ES256', 'es'))).status, 200);
    assert.equal((await call('/oidc/x', await sign('RS256', 'rs'))).status, 401);
  });
});

describe('jwt with an unreachable JWKS', () => {
  let upstream: TestUpstream;
  let gateway: TestGateway;
  before(async () => {
    upstream = await startUpstream();
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    gateway = await startTestGateway(`
version: 1
server: { http: { host: 127.0.0.1, port: 0 } }
upstreams: { app: { url: ${upstream.url} } }
routes:
  - name: api
    match: { path: /* }
    upstream: app
    policies:
      jwt: { issuer: https://idp.example, audience: [demo-api], jwksUrl: "http://127.0.0.1:${port}/jwks.json" }
`);
  });
  after(async () => {
    await gateway?.close();
    await upstream.close();
  });

  test('answers 503 and never lets the request through', async () => {
    const pair = await generateKeyPair('ES256');
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: 'k' })
      .setSubject('x')
      .setIssuer('https://idp.example')
      .setAudience('demo-api')
      .setExpirationTime('5m')
      .sign(pair.privateKey);
    const response = await fetch(`${gateway.url}/x`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(response.status, 503);
    assert.equal(upstream.received.length, 0);
  });
});

describe('jwt with static keys', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rampart-jwt-'));
  let upstream: TestUpstream;
  let gateway: TestGateway;
  let pair: Keys;
  before(async () => {
    upstream = await startUpstream();
    pair = await generateKeyPair('ES256', { extractable: true });
    writeFileSync(join(dir, 'idp.pem'), await exportSPKI(pair.publicKey));
    writeFileSync(join(dir, 'private.pem'), await exportPKCS8(pair.privateKey));
    gateway = await startTestGateway(
      `
version: 1
server: { http: { host: 127.0.0.1, port: 0 } }
upstreams: { app: { url: ${upstream.url} } }
routes:
  - name: api
    match: { path: /* }
    upstream: app
    policies:
      jwt: { issuer: https://idp.example, audience: [demo-api], keys: [idp.pem], algorithms: [ES256] }
`,
      { baseDir: dir },
    );
  });
  after(async () => {
    await gateway?.close();
    await upstream.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('verifies tokens against a PEM public key whatever kid they name', async () => {
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: 'any' })
      .setSubject('svc')
      .setIssuer('https://idp.example')
      .setAudience('demo-api')
      .setExpirationTime('5m')
      .sign(pair.privateKey);
    const response = await fetch(`${gateway.url}/x`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(response.status, 200, gateway.events.at(-1)?.rule);
  });

  test('refuses to load a private key as a verification key', async () => {
    await assert.rejects(
      startTestGateway(
        `
version: 1
server: { http: { host: 127.0.0.1, port: 0 } }
upstreams: { app: { url: ${upstream.url} } }
routes:
  - name: api
    match: { path: /* }
    upstream: app
    policies:
      jwt: { issuer: https://idp.example, audience: [demo-api], keys: [private.pem] }
`,
        { baseDir: dir },
      ),
      /private key/,
    );
  });
});
