import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FinishedRequest } from '../observe/gateway-records.ts';
import { createTrafficSeries, MAX_ROUTES, OTHER_ROUTES } from './traffic.ts';

const request = (fields: Partial<FinishedRequest>): FinishedRequest => ({
  time: 0,
  requestId: 'r',
  method: 'GET',
  route: 'users',
  path: '/users',
  rawQuery: '',
  status: 200,
  durationMs: 3,
  bytesIn: 0,
  bytesOut: 0,
  clientIp: '127.0.0.1',
  consumerId: undefined,
  userAgent: undefined,
  upstream: 'api',
  code: undefined,
  policy: undefined,
  annotations: undefined,
  ...fields,
});

function clockAt(start: number) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('the traffic series', () => {
  it('counts requests, server errors and policy blocks per route', () => {
    const series = createTrafficSeries(clockAt(10 * 60_000));
    series.record(request({}));
    series.record(request({ status: 502 }));
    series.record(request({ status: 403, code: 'RAMPART_AUTHZ_FORBIDDEN', policy: 'authorize' }));
    // A policy's answer that refuses nothing (a CORS preflight) is not a block.
    series.record(request({ status: 204, code: 'RAMPART_AUTHZ_FORBIDDEN', policy: 'cors' }));
    series.record(request({ route: undefined, status: 404, code: 'RAMPART_ROUTE_NOT_FOUND' }));
    const view = series.view();
    assert.equal(view.totals.requests, 5);
    assert.equal(view.totals.errors, 1);
    assert.equal(view.totals.blocked, 1);
    assert.equal(view.totals.errorRate, 0.2);
    const users = view.routes.find((route) => route.route === 'users')!;
    assert.equal(users.requests, 4);
    assert.equal(users.blockRate, 0.25);
    assert.ok(view.routes.some((route) => route.route === 'unmatched'));
  });

  it('estimates p50 and p99 from the latency buckets', () => {
    const series = createTrafficSeries(clockAt(0));
    for (let i = 0; i < 99; i++) series.record(request({ durationMs: 2 }));
    series.record(request({ durationMs: 4000 }));
    const { totals } = series.view();
    // 2 ms falls in the (1, 2.5] ms bucket; the slow one in (2.5, 5] s.
    assert.ok(totals.p50! > 1 && totals.p50! <= 2.5, `p50 ${totals.p50}`);
    assert.ok(totals.p99! > 1 && totals.p99! <= 2.5, `p99 ${totals.p99}`);
    series.record(request({ durationMs: 4000 }));
    assert.ok(series.view().totals.p99! > 2500, 'two slow requests of 101 reach p99');
    assert.equal(createTrafficSeries().view().totals.p50, null);
  });

  it('keeps one point per minute for the last hour and forgets older minutes', () => {
    const clock = clockAt(0);
    const series = createTrafficSeries(clock);
    series.record(request({}));
    clock.advance(60_000);
    series.record(request({}));
    series.record(request({}));
    let view = series.view({ minutes: 5 });
    assert.equal(view.series.length, 5);
    assert.deepEqual(
      view.series.slice(-2).map((point) => point.requests),
      [1, 2],
    );
    clock.advance(59 * 60_000);
    view = series.view();
    assert.equal(view.totals.requests, 2, 'the first minute is out of the hour');
    series.record(request({}));
    assert.equal(series.view().totals.requests, 3);
  });

  it('filters by route, and counts routes beyond the cap together', () => {
    const series = createTrafficSeries(clockAt(0));
    for (let i = 0; i < MAX_ROUTES + 3; i++) series.record(request({ route: `r${i}` }));
    const view = series.view();
    assert.equal(view.routes.length, MAX_ROUTES + 1);
    assert.equal(view.routes.find((route) => route.route === OTHER_ROUTES)?.requests, 3);
    assert.equal(series.view({ route: 'r1' }).totals.requests, 1);
  });
});
