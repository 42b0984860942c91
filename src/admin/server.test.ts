import assert from 'node:assert/strict';
import { request } from 'node:http';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { fakeClock } from '../../test/helpers/context.ts';
import { createLogger } from '../observe/logger.ts';
import { createMetrics } from '../observe/metrics.ts';
import { createGuessLimit } from './guess-limit.ts';
import { ADMIN_CODES, type AdminServer, startAdminServer } from './server.ts';

const TOKEN = 'admin-token-123';
const logger = createLogger({
  level: 'silent',
  destination: new Writable({ write: (_chunk, _encoding, done) => done() }),
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

// node:http rather than fetch, so tests can send any Host header.
function send(
  server: AdminServer,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: server.port,
        path,
        method: options.method ?? 'GET',
        headers: options.headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const auth = { authorization: `Bearer ${TOKEN}` };

describe('admin server with a token', () => {
  let server: AdminServer;
  let ready = false;
  const metrics = createMetrics({ defaultMetrics: false });

  before(async () => {
    server = await startAdminServer({
      port: 0,
      metrics,
      isReady: () => ready,
      token: TOKEN,
      logger,
      routes: [
        {
          method: 'GET',
          path: '/consumers/:id',
          handle: (req) => ({ status: 200, json: { id: req.params.id } }),
        },
        {
          method: 'POST',
          path: '/echo',
          handle: (req) => ({ status: 201, body: req.body ?? '', contentType: 'text/plain' }),
        },
        {
          method: 'GET',
          path: '/boom',
          handle: () => {
            throw new Error('handler bug');
          },
        },
      ],
    });
  });
  after(() => server.close());

  it('listens on 127.0.0.1 and reports its url', () => {
    assert.equal(server.url, `http://127.0.0.1:${server.port}`);
    assert.ok(server.port > 0);
  });

  it('answers /healthz without a token', async () => {
    const answer = await send(server, '/healthz');
    assert.equal(answer.status, 200);
    assert.deepEqual(JSON.parse(answer.body), { status: 'ok' });
    assert.equal(answer.headers['cache-control'], 'no-store');
    assert.equal(answer.headers['x-content-type-options'], 'nosniff');
    assert.match(String(answer.headers['x-request-id']), /^[0-9a-f-]{36}$/);
  });

  it('answers /readyz with 503 until ready, then 200', async () => {
    assert.equal((await send(server, '/readyz')).status, 503);
    ready = true;
    assert.equal((await send(server, '/readyz')).status, 200);
  });

  it('serves Prometheus text on /metrics with the token', async () => {
    metrics.requestStarted();
    metrics.requestFinished('users', 'GET', 200, 0.002);
    const answer = await send(server, '/metrics', { headers: auth });
    assert.equal(answer.status, 200);
    assert.equal(answer.headers['content-type'], metrics.contentType);
    assert.match(answer.body, /rampart_http_requests_total\{route="users",method="GET",status="200"\} 1/);
  });

  it('refuses /metrics without the right bearer token', async () => {
    for (const headers of [
      {},
      { authorization: 'Bearer wrong' },
      { authorization: TOKEN },
      { authorization: 'Bearer ' },
    ]) {
      const answer = await send(server, '/metrics', { headers });
      assert.equal(answer.status, 401);
      assert.equal(answer.headers['content-type'], 'application/problem+json');
      assert.match(String(answer.headers['www-authenticate']), /^Bearer /);
      const problem = JSON.parse(answer.body) as Record<string, unknown>;
      assert.equal(problem.code, ADMIN_CODES.unauthorized);
      assert.equal(problem.status, 401);
      assert.equal(problem.requestId, answer.headers['x-request-id']);
      assert.ok(!answer.body.includes('rampart_http'));
    }
  });

  it('accepts the bearer scheme in any case', async () => {
    const answer = await send(server, '/metrics', { headers: { authorization: `bearer ${TOKEN}` } });
    assert.equal(answer.status, 200);
  });

  it('hides unknown paths behind authentication, then answers 404 problem+json', async () => {
    assert.equal((await send(server, '/nope')).status, 401);
    const answer = await send(server, '/nope', { headers: auth });
    assert.equal(answer.status, 404);
    assert.equal(answer.headers['content-type'], 'application/problem+json');
    assert.equal((JSON.parse(answer.body) as { code: string }).code, ADMIN_CODES.notFound);
  });

  it('answers a wrong method with 405 and Allow', async () => {
    const answer = await send(server, '/healthz', { method: 'DELETE' });
    assert.equal(answer.status, 405);
    assert.equal(answer.headers.allow, 'GET, HEAD');
    assert.equal((JSON.parse(answer.body) as { code: string }).code, ADMIN_CODES.methodNotAllowed);
  });

  it('answers HEAD where GET is served, without a body', async () => {
    const answer = await send(server, '/healthz', { method: 'HEAD' });
    assert.equal(answer.status, 200);
    assert.equal(answer.body, '');
  });

  it('passes path parameters and bodies to mounted routes', async () => {
    const consumer = await send(server, '/consumers/c%2D1', { headers: auth });
    assert.deepEqual(JSON.parse(consumer.body), { id: 'c-1' });
    const echo = await send(server, '/echo', { method: 'POST', headers: auth, body: 'hello' });
    assert.equal(echo.status, 201);
    assert.equal(echo.body, 'hello');
  });

  it('answers 500 problem+json when a handler throws', async () => {
    const answer = await send(server, '/boom', { headers: auth });
    assert.equal(answer.status, 500);
    assert.equal((JSON.parse(answer.body) as { code: string }).code, ADMIN_CODES.internal);
    assert.ok(!answer.body.includes('handler bug'));
  });

  it('refuses foreign Host names on a loopback listener (DNS rebinding)', async () => {
    const answer = await send(server, '/healthz', { headers: { host: 'evil.example:80' } });
    assert.equal(answer.status, 400);
    assert.equal((JSON.parse(answer.body) as { code: string }).code, ADMIN_CODES.badHost);
    assert.equal((await send(server, '/healthz', { headers: { host: 'localhost' } })).status, 200);
  });
});

describe('admin server without a token', () => {
  let server: AdminServer;
  before(async () => {
    server = await startAdminServer({
      port: 0,
      metrics: createMetrics({ defaultMetrics: false }),
      isReady: () => {
        throw new Error('not wired');
      },
      logger,
    });
  });
  after(() => server.close());

  it('serves /metrics to anyone and answers unknown paths with 404', async () => {
    assert.equal((await send(server, '/metrics')).status, 200);
    assert.equal((await send(server, '/nope')).status, 404);
  });

  it('reports not ready when the readiness check throws', async () => {
    assert.equal((await send(server, '/readyz')).status, 503);
  });
});

describe('admin scopes, problems and audit lines', () => {
  let server: AdminServer;
  const lines: Array<Record<string, unknown>> = [];
  const READ = 'read-only-token-456';

  before(async () => {
    server = await startAdminServer({
      port: 0,
      metrics: createMetrics({ defaultMetrics: false }),
      isReady: () => true,
      token: TOKEN,
      readToken: READ,
      logger: createLogger({
        level: 'info',
        destination: new Writable({
          write: (chunk, _encoding, done) => {
            for (const line of String(chunk).split('\n')) if (line !== '') lines.push(JSON.parse(line));
            done();
          },
        }),
      }),
      routes: [
        {
          method: 'POST',
          path: '/consumers/:id/keys',
          handle: (req) =>
            req.params.id === 'ghost'
              ? { problem: 'RAMPART_ADMIN_NOT_FOUND', detail: 'no such consumer' }
              : { status: 201, json: { key: 'rmp_live_secret-value' } },
        },
      ],
    });
  });
  after(() => server.close());

  const audits = () => lines.filter((line) => line.type === 'audit');

  it('lets the read-only token scrape /metrics but not mint keys', async () => {
    const read = { authorization: `Bearer ${READ}` };
    assert.equal((await send(server, '/metrics', { headers: read })).status, 200);
    const refused = await send(server, '/consumers/c1/keys', {
      method: 'POST',
      headers: { ...read, 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(refused.status, 403);
    assert.equal(JSON.parse(refused.body).code, ADMIN_CODES.forbidden);
    const last = audits().at(-1);
    assert.equal(last?.actor, 'read-token');
    assert.equal(last?.status, 403);
  });

  it('answers handler problems as problem+json with code and requestId', async () => {
    const answer = await send(server, '/consumers/ghost/keys', {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(answer.status, 404);
    assert.equal(answer.headers['content-type'], 'application/problem+json');
    const problem = JSON.parse(answer.body);
    assert.equal(problem.code, 'RAMPART_ADMIN_NOT_FOUND');
    assert.equal(problem.requestId, answer.headers['x-request-id']);
    assert.equal(problem.detail, 'no such consumer');
  });

  it('writes one audit line per change: who, what, target and outcome, never the body or the key', async () => {
    const before = audits().length;
    const answer = await send(server, '/consumers/c1/keys', {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: '{"expires":"30d"}',
    });
    assert.equal(answer.status, 201);
    const added = audits().slice(before);
    assert.equal(added.length, 1);
    assert.equal(added[0]?.actor, 'write-token');
    assert.equal(added[0]?.action, 'POST /consumers/:id/keys');
    assert.deepEqual(added[0]?.target, { id: 'c1' });
    assert.equal(added[0]?.status, 201);
    assert.equal(added[0]?.requestId, answer.headers['x-request-id']);
    assert.ok(!JSON.stringify(lines).includes('secret-value'));
    assert.ok(!JSON.stringify(lines).includes(TOKEN));
  });

  it('writes no audit line for reads', async () => {
    const before = audits().length;
    await send(server, '/metrics', { headers: auth });
    assert.equal(audits().length, before);
  });
});

describe('admin server under token guessing', () => {
  let server: AdminServer;
  const clock = fakeClock();
  before(async () => {
    server = await startAdminServer({
      port: 0,
      metrics: createMetrics({ defaultMetrics: false }),
      isReady: () => true,
      token: TOKEN,
      logger,
      guessLimit: createGuessLimit({ clock, maxFailures: 3, windowMs: 60_000, lockMs: 300_000 }),
    });
  });
  after(() => server.close());

  it('locks an address out after too many wrong tokens, even from the right one, until the lock ends', async () => {
    for (let i = 0; i < 3; i++) {
      const wrong = await send(server, '/metrics', { headers: { authorization: `Bearer guess-${i}` } });
      assert.equal(wrong.status, 401);
    }
    const locked = await send(server, '/metrics', { headers: auth });
    assert.equal(locked.status, 429);
    assert.equal(JSON.parse(locked.body).code, ADMIN_CODES.lockedOut);
    assert.equal(locked.headers['retry-after'], '300');
    assert.equal((await send(server, '/healthz')).status, 200, 'health checks stay open');
    clock.advance(300_000);
    assert.equal((await send(server, '/metrics', { headers: auth })).status, 200);
  });
});
