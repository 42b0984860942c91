// End-to-end tests of `rampart scan` over sockets against the demo API: every planted flaw found
// in vulnerable mode (confirmed by effect), none in secure mode, no destructive method in --safe.
import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type DemoApi, startDemoApi } from '../examples/demo-api/server.ts';
import { loadAuthProfile } from '../src/scanner/identities.ts';
import { runScan, type ScanResult } from '../src/scanner/runner.ts';
import { loadScanSpecs } from '../src/scanner/spec.ts';

const SPEC = fileURLToPath(new URL('../examples/demo-api/openapi.yaml', import.meta.url));
const LAB = fileURLToPath(new URL('../examples/demo-api/lab-openapi.yaml', import.meta.url));
const AUTH = fileURLToPath(new URL('../examples/demo-api/scan-auth.yaml', import.meta.url));
const operations = loadScanSpecs([SPEC, LAB]);
const identities = loadAuthProfile(AUTH);

/** Planted flaws of the vulnerable mode (README.md): check, operation, a word of the title. */
const PLANTED: ReadonlyArray<[string, string, RegExp]> = [
  ['authentication', 'GET /users', /without credentials/],
  ['authentication', '*', /alg: none/],
  ['authentication', '*', /weak HS256 key/],
  ['bola', 'GET /orders/{id}', /reads/],
  ['bola', 'GET /users/{id}', /reads/],
  ['bola', 'PATCH /users/{id}', /modifies|changes user A's password/],
  ['bola', 'DELETE /users/{id}', /deletes/],
  ['bfla', 'GET /admin/stats', /admin function/],
  ['mass-assignment', 'PATCH /users/{id}', /role/],
  ['mass-assignment', 'POST /users', /role/],
  ['mass-assignment', 'POST /orders', /userId/],
  ['data-exposure', 'GET /users/{id}', /Sensitive/],
  ['injection', 'GET /users', /SQL injection \(boolean\) in query/],
  ['injection', 'GET /reports', /SQL injection \(time-based\) in header/],
  ['injection', 'GET /tools/ping', /OS command injection \(time-based\) in query/],
  ['injection', 'POST /reports/preview', /Template injection in body/],
  ['injection', 'GET /docs/{name}', /Path traversal in path/],
  ['injection', 'POST /login', /NoSQL operator injection in body/],
  ['user-enumeration', 'POST /login', /enumeration/],
  ['rate-limit', 'POST /login', /rate limit/],
  ['resource-consumption', 'POST /users', /super-linearly/],
  ['transport', '*', /CORS/],
  ['transport', '*', /TRACE/],
  ['transport', '*', /Verbose errors/],
  ['transport', '*', /Security headers/],
  ['transport', '*', /banners/],
];

function has(result: ScanResult, [check, operation, title]: (typeof PLANTED)[number]): boolean {
  return result.findings.some(
    (f) => f.check === check && (operation === '*' || f.operation === operation) && title.test(f.title),
  );
}

/** A forwarding proxy that counts the methods the demo API receives. */
async function countingProxy(upstream: URL, methods: Map<string, number>): Promise<Server> {
  const server = createServer((req, res) => {
    methods.set(req.method ?? '', (methods.get(req.method ?? '') ?? 0) + 1);
    const out = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

let vulnerable: DemoApi;
let secure: DemoApi;
let safeTarget: DemoApi;
let proxy: Server;
const received = new Map<string, number>();
let found: ScanResult;

before(async () => {
  vulnerable = await startDemoApi({ port: 0, vulnerable: true });
  secure = await startDemoApi({ port: 0, secure: true });
  safeTarget = await startDemoApi({ port: 0, vulnerable: true });
  proxy = await countingProxy(new URL(safeTarget.url), received);
  found = await runScan({ target: new URL(vulnerable.url), operations, identities, jwtCrackMs: 2000 });
});

after(async () => {
  await new Promise<void>((resolve) => {
    proxy.close(() => resolve());
    proxy.closeAllConnections();
  });
  await Promise.all([vulnerable.close(), secure.close(), safeTarget.close()]);
});

describe('rampart scan against the demo API', () => {
  it('finds every planted flaw of the vulnerable mode', () => {
    const missing = PLANTED.filter((flaw) => !has(found, flaw));
    assert.deepEqual(missing, []);
    // SSRF and actuator-like shadow endpoints are planted in the notes lab; every other check has a
    // flaw to find here.
    for (const check of found.checks)
      if (check.id !== 'ssrf' && check.id !== 'undocumented')
        assert.ok(check.findings > 0, `${check.id} found nothing`);
  });

  it('confirms BOLA and mass assignment by reading the object back as its owner', () => {
    const read = found.findings.find((f) => f.check === 'bola' && f.operation === 'GET /orders/{id}');
    assert.ok(read !== undefined);
    assert.equal(read.evidence.length, 2);
    assert.match(read.evidence[0]?.response ?? '', /^200/);
    assert.match(read.evidence[1]?.response ?? '', /^200/);
    const role = found.findings.find(
      (f) => f.check === 'mass-assignment' && f.operation === 'PATCH /users/{id}',
    );
    assert.match(role?.evidence[1]?.response ?? '', /"role":"admin"/);
  });

  it('confirms time-based injections with a fast control between two slow answers', () => {
    for (const operation of ['GET /reports', 'GET /tools/ping']) {
      const finding = found.findings.find((f) => f.check === 'injection' && f.operation === operation);
      assert.ok(finding !== undefined, operation);
      const ms = finding.evidence.slice(0, 3).map((e) => Number(/\((\d+) ms\)/.exec(e.response ?? '')?.[1]));
      assert.ok(ms[0]! >= 850 && ms[2]! >= 850 && ms[1]! < ms[0]!, `${operation}: ${ms.join(', ')}`);
    }
  });

  it('restores what it changed and deletes what it created where the API allows it', async () => {
    const login = await fetch(`${vulnerable.url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'alice@example.com', password: 'alice-password' }),
    });
    const { token } = (await login.json()) as { token: string };
    const users = (await (await fetch(`${vulnerable.url}/users`)).json()) as {
      items: Array<{ id: number; role: string; name: string }>;
    };
    assert.deepEqual(
      users.items.map((u) => [u.id, u.role]),
      [
        [1, 'admin'],
        [2, 'user'],
        [3, 'user'],
      ],
    );
    assert.equal(users.items[1]?.name, 'Bob Buyer');
    assert.ok(token.length > 0);
    assert.ok(
      found.leftovers.every((left) => left.startsWith('/orders/')),
      found.leftovers.join(),
    );
  });

  it('never prints a full token or a password', () => {
    const text = JSON.stringify(found);
    assert.doesNotMatch(text, /eyJ[\w-]{10,}\.[\w-]{10,}\.[\w-]{20,}/);
    assert.doesNotMatch(text, /alice-password|bob-password|carol-password/);
    for (const f of found.findings) assert.match(f.curl, /^curl -i -X [A-Z]+ 'http:\/\/127\.0\.0\.1:\d+\//);
  });

  it('reports no finding against the secure mode', async () => {
    const result = await runScan({ target: new URL(secure.url), operations, identities, jwtCrackMs: 2000 });
    assert.deepEqual(
      result.findings.map((f) => `${f.check} ${f.operation} ${f.title}`),
      [],
    );
    assert.ok(result.exercised >= 10);
  });

  it('sends no PUT, PATCH or DELETE in safe mode and still finds read-only flaws', async () => {
    const { port } = proxy.address() as AddressInfo;
    const result = await runScan({
      target: new URL(`http://127.0.0.1:${port}`),
      operations,
      identities,
      safe: true,
      jwtCrackMs: 2000,
    });
    for (const method of ['PUT', 'PATCH', 'DELETE']) assert.equal(received.get(method), undefined, method);
    assert.ok((received.get('GET') ?? 0) > 0);
    assert.ok(has(result, ['bola', 'GET /orders/{id}', /reads/]));
    assert.ok(has(result, ['injection', 'GET /users', /SQL injection/]));
  });

  it('stays within the request budget it is given', async () => {
    // The secure instance now refuses logins (its limiter saw the burst): scan the other one.
    const result = await runScan({
      target: new URL(safeTarget.url),
      operations,
      identities,
      maxRequests: 40,
      jwtCrackMs: 2000,
    });
    assert.ok(result.requests <= 40);
  });
});
