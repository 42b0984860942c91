import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { type AccessRecord, accessLogLine, createAccessLogger } from './access-log.ts';
import { createLogger } from './logger.ts';

function capture(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

const record: AccessRecord = {
  requestId: 'req-1',
  method: 'GET',
  route: 'users',
  url: '/users/7?api_key=secret789&q=ok',
  status: 200,
  latencyMs: 1.23456,
  bytesIn: 0,
  bytesOut: 42,
  clientIp: '203.0.113.9',
  consumerId: 'c-1',
  userAgent: 'curl/8',
  upstream: 'users-api',
  annotations: { cache: 'miss' },
  headers: {
    authorization: 'Bearer secret123',
    cookie: 'sid=secret456',
    'x-api-key': 'secret000',
    accept: '*/*',
  },
};

describe('access log', () => {
  it('never writes secrets from headers or the query, and keeps harmless values', () => {
    for (const logHeaders of [false, true]) {
      const out = capture();
      const logger = createLogger({ level: 'info', destination: out.stream });
      createAccessLogger(logger, { logHeaders }).log(record);
      const text = out.text();
      for (const secret of ['secret123', 'secret456', 'secret789', 'secret000']) {
        assert.ok(!text.includes(secret), `${secret} leaked (logHeaders ${logHeaders})`);
      }
      assert.ok(text.includes('q=ok'));
      assert.equal(text.includes('*/*'), logHeaders);
    }
  });

  it('writes one line with the request outcome', () => {
    const out = capture();
    createAccessLogger(createLogger({ level: 'info', destination: out.stream })).log({
      ...record,
      status: 401,
      rejection: { code: 'RAMPART_AUTHN_MISSING', policy: 'api-key' },
    });
    const lines = out.text().trim().split('\n');
    assert.equal(lines.length, 1);
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    assert.equal(line.msg, 'access');
    assert.equal(line.requestId, 'req-1');
    assert.equal(line.route, 'users');
    assert.equal(line.status, 401);
    assert.equal(line.latencyMs, 1.235);
    assert.equal(line.bytesOut, 42);
    assert.equal(line.clientIp, '203.0.113.9');
    assert.equal(line.consumerId, 'c-1');
    assert.equal(line.upstream, 'users-api');
    assert.deepEqual(line.rejection, { code: 'RAMPART_AUTHN_MISSING', policy: 'api-key' });
    assert.deepEqual(line.annotations, { cache: 'miss' });
    assert.equal(line.headers, undefined);
  });

  it('writes the same line directly as through pino, in every level and time style', () => {
    for (const levels of ['number', 'label'] as const) {
      for (const time of ['epoch', 'iso'] as const) {
        const viaPino = capture();
        const direct = capture();
        const full = {
          ...record,
          traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
          userAgent: 'ua "quoted" \u2028',
        };
        createAccessLogger(createLogger({ level: 'info', destination: viaPino.stream, levels, time })).log(
          full,
        );
        const directLogger = createAccessLogger(createLogger({ level: 'info', levels, time }), {
          direct: { destination: direct.stream, enabled: true, levels, time },
        });
        directLogger.log(full);
        assert.equal(direct.text(), '', 'held until the end of the turn');
        directLogger.flush();
        const a = JSON.parse(viaPino.text()) as Record<string, unknown>;
        const b = JSON.parse(direct.text()) as Record<string, unknown>;
        assert.deepEqual(Object.keys(b), Object.keys(a));
        assert.equal(typeof b.time, typeof a.time);
        assert.deepEqual({ ...b, time: 0 }, { ...a, time: 0 });
        assert.ok(direct.text().endsWith('}\n'));
      }
    }
    const silent = capture();
    createAccessLogger(createLogger({ level: 'warn' }), {
      direct: { destination: silent.stream, enabled: false },
    }).log(record);
    assert.equal(silent.text(), '');
  });

  it('redacts configured extra names in query and headers', () => {
    const line = accessLogLine(
      { ...record, url: '/x?ticket=tk1&q=ok', headers: { 'x-ticket': 'tk2' } },
      { extraRedact: ['ticket', 'x-ticket'], logHeaders: true },
    );
    assert.equal(line.path, '/x?ticket=[REDACTED]&q=ok');
    assert.deepEqual(line.headers, { 'x-ticket': '[REDACTED]' });
  });

  it('bounds long fields and the number of annotations', () => {
    const annotations: Record<string, string> = {};
    for (let i = 0; i < 100; i++) annotations[`k${i}`] = 'v'.repeat(1000);
    const line = accessLogLine({
      ...record,
      url: `/${'a'.repeat(10_000)}`,
      userAgent: 'u'.repeat(10_000),
      annotations,
    });
    assert.ok(line.path.length <= 2048);
    assert.ok((line.userAgent ?? '').length <= 512);
    assert.equal(Object.keys(line.annotations ?? {}).length, 32);
    assert.ok(Object.values(line.annotations ?? {}).every((value) => String(value).length <= 256));
  });
});
