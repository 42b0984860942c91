import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { contextFor, fakeClock, logContextFor } from './context.ts';

describe('contextFor', () => {
  test('builds a GET / request context with derived path and query', () => {
    const ctx = contextFor({ rawUrl: '/users/7?fields=name&x=1' });
    assert.equal(ctx.method, 'GET');
    assert.equal(ctx.path, '/users/7');
    assert.equal(ctx.rawQuery, 'fields=name&x=1');
    assert.equal(ctx.query.get('fields'), 'name');
    assert.equal(ctx.response, undefined);
    assert.equal(ctx.body, undefined);
    assert.equal(ctx.contentLength, undefined);
  });

  test('records events, annotations, upstream header edits and log calls', () => {
    const ctx = contextFor();
    ctx.emit({ rule: 'r1', severity: 'low' });
    ctx.annotate('consumer', 'c1');
    ctx.setUpstreamHeader('X-Consumer', 'c1');
    ctx.removeUpstreamHeader('authorization');
    ctx.log.warn({ a: 1 }, 'careful');
    assert.deepEqual(ctx.events, [{ rule: 'r1', severity: 'low' }]);
    assert.equal(ctx.annotations.get('consumer'), 'c1');
    assert.deepEqual(ctx.upstreamEdits, [
      { name: 'x-consumer', value: 'c1' },
      { name: 'authorization', value: undefined },
    ]);
    assert.equal(ctx.upstreamHeaders.get('x-consumer'), 'c1');
    assert.equal(ctx.log.records[0]?.level, 'warn');
  });

  test('encodes string bodies and derives Content-Length from them', () => {
    const ctx = contextFor({ method: 'POST', body: 'é' });
    assert.deepEqual(ctx.body, Buffer.from('é'));
    assert.equal(ctx.contentLength, 2);
  });

  test('gives response-phase contexts a mutable response view', () => {
    const ctx = contextFor({ response: { status: 503, body: 'down' } });
    assert.equal(ctx.response?.status, 503);
    assert.equal(ctx.response?.local, false);
    assert.deepEqual(ctx.response?.body, Buffer.from('down'));
    const log = logContextFor({ status: 403, errorCode: 'RAMPART_INGRESS_IP_DENIED' });
    assert.equal(log.status, 403);
    assert.equal(log.errorCode, 'RAMPART_INGRESS_IP_DENIED');
  });
});

describe('fakeClock', () => {
  test('moves only when told', () => {
    const clock = fakeClock(1000);
    assert.equal(clock.now(), 1000);
    clock.advance(250);
    assert.equal(clock.now(), 1250);
    clock.set(5);
    assert.equal(clock.now(), 5);
  });

  test('wakes a sleep only when time passes its wake-up, earliest first', async () => {
    const clock = fakeClock(0);
    const woke: string[] = [];
    const late = clock.sleep(100).then(() => woke.push('late'));
    const early = clock.sleep(50).then(() => woke.push('early'));
    await clock.whenSleeping(2);
    assert.equal(clock.sleeping, 2);
    clock.advance(49);
    await Promise.resolve();
    assert.deepEqual(woke, []);
    clock.advance(60);
    await Promise.all([late, early]);
    assert.deepEqual(woke, ['early', 'late']);
    assert.equal(clock.sleeping, 0);
  });
});
