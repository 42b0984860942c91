// From finding to fix, end to end through the public interface: the notes lab (vulnerable mode) is
// scanned, `rampart init --from-scan` writes a config from the lab's spec and the report, a gateway
// runs that config in front of the same vulnerable lab, and the same scan through the gateway finds
// none of the planted flaws — while the scanner's identities still log in, read and write their own
// objects through it.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { LAB_WEAK_KEY, PLANTED } from '../examples/lab-api/planted.ts';
import { type LabApi, startLabApi } from '../examples/lab-api/server.ts';
import { mergeScanFixes, readScanFixes } from '../src/init/from-scan.ts';
import type { ScanResult } from '../src/scanner/runner.ts';
import { createMemoryState } from '../src/state/memory.ts';
import { runCliInProcess } from './helpers/cli.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const SPEC = fileURLToPath(new URL('../examples/lab-api/openapi.yaml', import.meta.url));
const AUTH = fileURLToPath(new URL('../examples/lab-api/scan-auth.yaml', import.meta.url));
/** The checks that find the planted flaws (injection, resource consumption and enumeration find none there). */
const CHECKS =
  'authentication,bola,bfla,mass-assignment,data-exposure,ssrf,transport,undocumented,rate-limit';

const dir = mkdtempSync(join(tmpdir(), 'rampart-scan-fix-'));
let lab: LabApi;
let gateway: TestGateway;
let blocksOnly: TestGateway | undefined;
let direct: ScanResult;
let initOut: string;

/** `rampart scan` of `target` as a JSON report (exit code checked by the caller). */
async function scan(target: string, out: string): Promise<{ code: number; result: ScanResult }> {
  // The key recovery itself (a six-digit keyspace, offline) is proven in scan-lab.test.ts; a wordlist
  // holding the key keeps this scan short on any machine.
  const run = await runCliInProcess(
    [
      ...['scan', '--spec', SPEC, '--target', target, '--auth', AUTH, '--only', CHECKS],
      ...['--jwt-wordlist', 'words.txt', '--format', 'json', '--out', out],
    ],
    { cwd: dir },
  );
  assert.ok(run.code !== 2, run.stderr);
  return { code: run.code, result: JSON.parse(readFileSync(join(dir, out), 'utf8')) as ScanResult };
}

function found(result: ScanResult): string[] {
  return result.findings.map((f) => `${f.check} ${f.operation} ${f.title}`);
}

async function login(base: string, username: string, password: string): Promise<Response> {
  return fetch(`${base}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'password', username, password }),
  });
}

async function tokenOf(base: string, username: string, password: string): Promise<string> {
  const res = await login(base, username, password);
  assert.equal(res.status, 200, `${username} logs in`);
  return ((await res.json()) as { access_token: string }).access_token;
}

async function call(
  base: string,
  method: string,
  path: string,
  token?: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: unknown; headers: Headers }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return {
    status: res.status,
    json: text === '' ? undefined : (JSON.parse(text) as unknown),
    headers: res.headers,
  };
}

/**
 * A config of the fix blocks alone: one route per method and path a block names, the blocks merged in
 * as init merges them, and every other request forwarded untouched — so each block has to hold by
 * itself, with none of init's own decisions around it.
 */
function blocksOnlyConfig(upstream: string): string {
  const fixes = readScanFixes(readFileSync(join(dir, 'direct.json'), 'utf8'));
  const routes = new Map<
    string,
    { name: string; match: { path: string; methods: string[] }; upstream: string }
  >();
  for (const fix of fixes)
    for (const method of fix.route.methods)
      if (!routes.has(`${method} ${fix.route.path}`))
        routes.set(`${method} ${fix.route.path}`, {
          name: `fix-${routes.size}`,
          match: { path: fix.route.path, methods: [method] },
          upstream: 'lab',
        });
  const all = [
    ...routes.values(),
    { name: 'rest', match: { path: '/**', methods: [] as string[] }, upstream: 'lab' },
  ];
  const { waiting } = mergeScanFixes(all, fixes, SPEC);
  assert.deepEqual(waiting, []);
  const rest = all.at(-1)!;
  return stringify({
    version: 1,
    server: { http: { host: '127.0.0.1', port: 0 } },
    upstreams: { lab: { url: upstream } },
    routes: [...all.slice(0, -1), { ...rest, match: { path: '/*' } }],
  });
}

/** Nothing found, every request answered, and each check that finds a planted flaw did try. */
function assertTriedAndClean(result: ScanResult): void {
  assert.deepEqual(found(result), []);
  assert.equal(result.unanswered, 0);
  for (const id of CHECKS.split(',').filter((id) => id !== 'data-exposure'))
    assert.ok((result.checks.find((c) => c.id === id)?.tested ?? 0) > 0, `${id} tried`);
}

/** A token the lab accepts, forged with its weak key (what an attacker who recovered the key sends). */
function forged(sub: string): string {
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const body = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub, iat: now, exp: now + 600 })}`;
  return `${body}.${createHmac('sha256', LAB_WEAK_KEY).update(body).digest('base64url')}`;
}

before(async () => {
  lab = await startLabApi({ vulnerable: true });
  writeFileSync(join(dir, 'words.txt'), `hunter2\n${LAB_WEAK_KEY}\n`);
  ({ result: direct } = await scan(lab.url, 'direct.json'));
  const init = await runCliInProcess(
    ['init', '--spec', SPEC, '--upstream', lab.url, '--from-scan', 'direct.json', '--out', 'rampart.yaml'],
    { cwd: dir, env: {} },
  );
  assert.equal(init.code, 0, init.stderr);
  initOut = init.stdout;
  const valid = await runCliInProcess(['validate', '-c', 'rampart.yaml'], { cwd: dir, env: {} });
  assert.equal(valid.code, 0, valid.stdout + valid.stderr);
  // The written config as it is, but listening on a free port without the admin listener and store.
  const config = parse(readFileSync(join(dir, 'rampart.yaml'), 'utf8')) as Record<string, unknown>;
  config.server = { http: { host: '127.0.0.1', port: 0 } };
  delete config.admin;
  delete config.store;
  // `rampart start` gives every policy one shared state (memory here): token-shield's references
  // are issued on the login route and looked up on the others.
  gateway = await startTestGateway(stringify(config), { baseDir: dir, state: createMemoryState() });
});

after(async () => {
  await gateway?.close();
  await blocksOnly?.close();
  await lab?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('rampart init --from-scan, through a gateway in front of the vulnerable lab', () => {
  it('finds every planted flaw directly, each with a fix block that loads today', () => {
    const missing = PLANTED.filter(
      ([check, operation, title]) =>
        !direct.findings.some((f) => f.check === check && f.operation === operation && title.test(f.title)),
    );
    assert.deepEqual(missing, [], found(direct).join('; '));
    for (const f of direct.findings)
      assert.equal(f.fix?.requires, undefined, `${f.check}: ${f.fix?.requires}`);
    assert.doesNotMatch(initOut, /from the scan: .*(needs|no route of the spec)/);
  });

  it('refuses a token forged with the weak key, which the lab itself accepts', async () => {
    assert.equal((await call(lab.url, 'GET', '/api/v2/me', forged('ada'))).status, 200);
    assert.equal((await call(gateway.url, 'GET', '/api/v2/me', forged('ada'))).status, 401);
  });

  it('keeps a self-made administrator (made at the lab, past the gateway) from the admin function', async () => {
    const signup = await call(lab.url, 'POST', '/api/v2/signup', undefined, {
      username: 'mallory',
      password: 'mallory-password',
      email: 'mallory@lab.example',
      role: 'admin',
    });
    assert.equal(signup.status, 201);
    const mallory = await tokenOf(gateway.url, 'mallory', 'mallory-password');
    assert.equal((await call(gateway.url, 'GET', '/api/v2/me', mallory)).status, 200);
    assert.equal((await call(gateway.url, 'DELETE', '/api/v2/users/cy', mallory)).status, 403);
    // The real administrator still can.
    const ada = await tokenOf(gateway.url, 'ada', 'ada-password');
    assert.equal((await call(gateway.url, 'DELETE', '/api/v2/users/mallory', ada)).status, 204);
  });

  it('lets the identities log in, read and write their own objects', async () => {
    const bo = await tokenOf(gateway.url, 'bo', 'bo-password');
    assert.match(bo, /^rst_/);
    assert.deepEqual((await call(gateway.url, 'GET', '/api/v2/me', bo)).json, {
      username: 'bo',
      email: 'bo@lab.example',
      role: 'user',
    });
    assert.equal(
      (await call(gateway.url, 'PATCH', '/api/v2/me', bo, { email: 'bo@new.example' })).status,
      200,
    );
    const note = { title: 'Fix proof', body: 'through the gateway' };
    assert.equal((await call(gateway.url, 'POST', '/api/v2/notes', bo, note)).status, 201);
    const mine = await call(gateway.url, 'GET', '/api/v2/notes', bo);
    assert.ok(JSON.stringify(mine.json).includes('"fix-proof"'));
    assert.equal((await call(gateway.url, 'GET', '/api/v2/notes/fix-proof', bo)).status, 200);
    const cy = await tokenOf(gateway.url, 'cy', 'cy-password');
    assert.equal((await call(gateway.url, 'GET', '/api/v2/notes/fix-proof', cy)).status, 404);
    assert.equal(
      (await call(gateway.url, 'PUT', '/api/v2/users/bo/password', cy, { password: 'taken-over' })).status,
      403,
    );
    assert.equal((await call(gateway.url, 'DELETE', '/api/v2/notes/fix-proof', bo)).status, 204);
    const hook = await call(gateway.url, 'POST', '/api/v2/webhooks/test', bo, {
      url: 'https://hooks.example.com/x',
    });
    assert.equal(hook.status, 202);
    const directory = await call(gateway.url, 'GET', '/api/v2/directory');
    assert.equal(directory.status, 200);
    assert.doesNotMatch(JSON.stringify(directory.json), /password/);
    assert.match(JSON.stringify(directory.json), /"username":"bo"/);
  });

  it('answers CORS for the configured origin only', async () => {
    const lookAlike = await call(gateway.url, 'GET', '/api/v2/directory', undefined, undefined, {
      origin: 'https://evil127.0.0.1',
    });
    assert.equal(lookAlike.headers.get('access-control-allow-origin'), null);
    const preflight = await fetch(`${gateway.url}/api/v2/me`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'PATCH' },
    });
    await preflight.arrayBuffer();
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), 'https://app.example.com');
  });

  // Last: the scan's burst of failed logins locks 127.0.0.1 out of the login for a while.
  it('finds none of them through the gateway, having tried them', async () => {
    const { code, result } = await scan(gateway.url, 'through.json');
    assertTriedAndClean(result);
    assert.equal(code, 0);
    assert.equal(lab.resets(), 0);
  });

  it('holds with the fix blocks alone, without the rest of the config init writes', async () => {
    blocksOnly = await startTestGateway(blocksOnlyConfig(lab.url), { state: createMemoryState() });
    const { result } = await scan(blocksOnly.url, 'blocks-only.json');
    assertTriedAndClean(result);
    assert.equal((await call(blocksOnly.url, 'GET', '/api/v2/me', forged('ada'))).status, 401);
  });
});
