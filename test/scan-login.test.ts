// The scanner's logins over sockets: JSON, form-encoded and OAuth2 client-credentials requests, the
// token from a JSON path, a header or a cookie (sent back as that cookie), static tokens that still
// get the JWT checks, and exit 2 when a login of the profile fails.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type LabApi, startLabApi } from '../examples/lab-api/server.ts';
import { ScanClient } from '../src/scanner/client.ts';
import { createIdentities, credentials, login, parseAuthProfile } from '../src/scanner/identities.ts';
import { toJunit } from '../src/scanner/report/junit.ts';
import { toText } from '../src/scanner/report/text.ts';
import { runScan } from '../src/scanner/runner.ts';
import { loadScanSpecs } from '../src/scanner/spec.ts';
import { runCliInProcess as runCli } from './helpers/cli.ts';

const SPEC = fileURLToPath(new URL('../examples/lab-api/openapi.yaml', import.meta.url));

/** A login endpoint that records what it received and answers in the way the path names. */
const received: Array<{ path: string; type: string; body: string; cookie: string | undefined }> = [];
let server: Server;
let base: URL;
let lab: LabApi;
let dir: string;

function read(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    req.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
    });
    req.on('end', () => resolve(text));
  });
}

before(async () => {
  server = createServer(async (req, res) => {
    const body = await read(req);
    received.push({
      path: req.url ?? '',
      type: req.headers['content-type'] ?? '',
      body,
      cookie: req.headers.cookie,
    });
    if (req.url === '/json')
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end('{"data":{"jwt":"t-json","user":{"id":7}}}');
    else if (req.url === '/header') res.writeHead(200, { 'x-auth-token': 't-header' }).end();
    else if (req.url === '/cookie')
      res.writeHead(204, { 'set-cookie': 'theme=dark, sid=t-cookie; HttpOnly; Path=/' }).end();
    else if (req.url === '/oauth')
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end('{"access_token":"t-oauth","expires_in":60}');
    else res.writeHead(204).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  lab = await startLabApi({ vulnerable: true });
  dir = mkdtempSync(join(tmpdir(), 'rampart-scan-login-'));
});

after(async () => {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
  await lab.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('scanner logins', () => {
  it('reads the token from a JSON path, a header or a cookie, and sends it back the same way', async () => {
    const [, json, header, cookie, oauth] = createIdentities(
      parseAuthProfile({
        identities: [
          {
            name: 'json',
            login: {
              path: '/json',
              body: { username: 'u', password: 'p' },
              token: 'data.jwt',
              userId: 'data.user.id',
            },
          },
          {
            name: 'header',
            login: {
              path: '/header',
              form: true,
              body: { login: 'u', pwd: 'p' },
              tokenHeader: 'X-Auth-Token',
            },
          },
          {
            name: 'cookie',
            login: { path: '/cookie', body: { email: 'u@example.com', password: 'p' }, tokenCookie: 'sid' },
          },
          {
            name: 'oauth',
            login: {
              path: '/oauth',
              oauth2: 'client_credentials',
              body: { client_id: 'c', client_secret: 's' },
            },
          },
        ],
      }),
    );
    const client = new ScanClient({ target: base, safe: false, maxRequests: 20, timeoutMs: 5000 });
    try {
      for (const identity of [json!, header!, cookie!, oauth!]) await login(client, identity);
      assert.deepEqual(await credentials(client, json!), { authorization: 'Bearer t-json' });
      assert.equal(json!.userId, '7');
      assert.equal(json!.userName, 'u');
      assert.deepEqual(await credentials(client, header!), { authorization: 'Bearer t-header' });
      assert.deepEqual(await credentials(client, cookie!), { cookie: 'sid=t-cookie' });
      assert.equal(cookie!.email, 'u@example.com');
      assert.deepEqual(await credentials(client, oauth!), { authorization: 'Bearer t-oauth' });
    } finally {
      await client.close();
    }
    const form = received.find((r) => r.path === '/header');
    assert.match(form?.type ?? '', /x-www-form-urlencoded/);
    assert.equal(form?.body, 'login=u&pwd=p');
    const grant = received.find((r) => r.path === '/oauth');
    assert.equal(new URLSearchParams(grant?.body).get('grant_type'), 'client_credentials');
  });

  it('runs the JWT checks and the login burst with a static token from the profile', async () => {
    const res = await fetch(`${lab.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'password', username: 'bo', password: 'bo-password' }),
    });
    const { access_token: token } = (await res.json()) as { access_token: string };
    const result = await runScan({
      target: new URL(lab.url),
      operations: loadScanSpecs([SPEC]),
      identities: parseAuthProfile({
        identities: [{ name: 'bo', role: 'user', headers: { authorization: `Bearer ${token}` } }],
      }),
      only: ['authentication', 'user-enumeration', 'rate-limit'],
      jwtCrackMs: Number.POSITIVE_INFINITY,
    });
    assert.ok(result.findings.some((f) => /weak HS256 key/.test(f.title)));
    // The spec's token operation is found without a login in the profile; the lab limits nothing.
    assert.ok(result.findings.some((f) => f.check === 'rate-limit' && f.operation === 'POST /oauth/token'));
    assert.equal(result.checks.find((c) => c.id === 'user-enumeration')?.tested, 1);
  });

  it('writes JUnit totals equal to the sum of its suites, and a coverage table in text', async () => {
    const result = await runScan({
      target: new URL(lab.url),
      operations: loadScanSpecs([SPEC]),
      identities: parseAuthProfile({
        identities: [
          {
            name: 'ada',
            role: 'admin',
            login: {
              path: '/oauth/token',
              oauth2: 'password',
              body: { username: 'ada', password: 'ada-password' },
            },
          },
          {
            name: 'cy',
            role: 'user',
            login: {
              path: '/oauth/token',
              oauth2: 'password',
              body: { username: 'cy', password: 'cy-password' },
            },
          },
        ],
      }),
      only: ['bola', 'data-exposure'],
    });
    const junit = toJunit(result);
    const total = /<testsuites [^>]*tests="(\d+)" failures="(\d+)"/.exec(junit);
    const suites = [...junit.matchAll(/<testsuite [^>]*tests="(\d+)" failures="(\d+)"/g)];
    assert.equal(
      Number(total?.[1]),
      suites.reduce((sum, m) => sum + Number(m[1]), 0),
    );
    assert.equal(Number(total?.[2]), result.findings.length);
    assert.equal(
      Number(total?.[2]),
      suites.reduce((sum, m) => sum + Number(m[2]), 0),
    );
    // One user only: BOLA has nobody to attack with, and says so instead of reading as clean.
    assert.match(
      junit,
      /<testsuite name="bola"[^>]*skipped="1"|<testsuite name="bola" tests="1" failures="0"/,
    );
    const text = toText(result);
    assert.match(text, /check +findings +requests +tested +skipped/);
    assert.match(
      text,
      /never called \(reset\/seed\/drop\/purge\/init; --allow-destructive\): POST \/api\/v2\/maintenance\/reset/,
    );
  });

  it('exits 2 when a login of the profile fails (could not scan), not 1 (findings)', async () => {
    const auth = join(dir, 'auth.yaml');
    writeFileSync(
      auth,
      'identities:\n  - name: bo\n    login: { path: /oauth/token, oauth2: password, body: { username: bo, password: wrong } }\n',
    );
    const run = await runCli(['scan', '--spec', SPEC, '--target', lab.url, '--auth', auth]);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /could not scan/);
  });

  it('exits 2 when the target answers nothing, after a handful of requests', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const run = await runCli(['scan', '--spec', SPEC, '--target', `http://127.0.0.1:${port}`]);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /answered none of 5 requests/);
  });
});
