import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { createLogger } from './logger.ts';

function capture(): { stream: Writable; lines: () => Record<string, unknown>[]; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const text = () => chunks.join('');
  const lines = () =>
    text()
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { stream, lines, text };
}

describe('createLogger', () => {
  it('writes one JSON line per entry with level, time and message', () => {
    const out = capture();
    const logger = createLogger({ level: 'info', destination: out.stream });
    logger.info({ route: 'users' }, 'hello');
    const [line] = out.lines();
    assert.equal(line?.msg, 'hello');
    assert.equal(line?.route, 'users');
    assert.equal(line?.level, 30);
    assert.equal(typeof line?.time, 'number');
  });

  it('drops entries below the configured level', () => {
    const out = capture();
    const logger = createLogger({ level: 'warn', destination: out.stream });
    logger.info('quiet');
    logger.warn('loud');
    assert.deepEqual(
      out.lines().map((line) => line.msg),
      ['loud'],
    );
  });

  it('redacts credential headers in logged header maps, nested or not', () => {
    const out = capture();
    const logger = createLogger({ level: 'info', destination: out.stream, redact: ['x-tenant-key'] });
    logger.info({ headers: { authorization: 'Bearer topsecret1', accept: 'text/plain' } }, 'a');
    logger.info({ req: { headers: { cookie: 'sid=topsecret2', 'x-tenant-key': 'topsecret3' } } }, 'b');
    logger.info({ password: 'topsecret4', upstream: { headers: { 'x-api-key': 'topsecret5' } } }, 'c');
    const text = out.text();
    for (const secret of ['topsecret1', 'topsecret2', 'topsecret3', 'topsecret4', 'topsecret5']) {
      assert.ok(!text.includes(secret), secret);
    }
    assert.ok(text.includes('text/plain'));
    assert.ok(text.includes('[REDACTED]'));
  });
});

describe('log style options', () => {
  it('writes levels as labels and times as ISO 8601 when asked', () => {
    const out = capture();
    const logger = createLogger({ level: 'info', destination: out.stream, levels: 'label', time: 'iso' });
    logger.warn({}, 'careful');
    const [line] = out.lines();
    assert.equal(line?.level, 'warn');
    assert.match(String(line?.time), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it('keeps pino numbers and epoch milliseconds by default', () => {
    const out = capture();
    createLogger({ level: 'info', destination: out.stream }).warn({}, 'careful');
    const [line] = out.lines();
    assert.equal(line?.level, 40);
    assert.equal(typeof line?.time, 'number');
  });
});
