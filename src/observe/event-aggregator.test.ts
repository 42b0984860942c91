import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fakeClock } from '../../test/helpers/context.ts';
import { EventAggregator, type EventSummary } from './event-aggregator.ts';

const OUTAGE = {
  policy: 'rate-limit',
  code: 'RAMPART_TRAFFIC_STATE_UNAVAILABLE',
  rule: 'state',
  route: 'api',
  outcome: 'denied',
};

describe('EventAggregator', () => {
  it('logs the first events of a window one by one and summarizes the rest when it ends', () => {
    const clock = fakeClock();
    const summaries: EventSummary[] = [];
    const aggregator = new EventAggregator({ perWindow: 3, windowMs: 10_000 }, clock, (s) =>
      summaries.push(s),
    );
    const logged = Array.from({ length: 1000 }, () => aggregator.admit(OUTAGE)).filter(Boolean).length;
    assert.equal(logged, 3);
    assert.equal(summaries.length, 0);
    clock.advance(10_000);
    assert.equal(aggregator.admit(OUTAGE), true, 'a new window starts');
    assert.equal(summaries.length, 1);
    assert.equal(summaries[0]?.suppressed, 997);
    assert.equal(summaries[0]?.rule, 'state');
  });

  it('keeps different events apart and writes no summary when nothing was held back', () => {
    const clock = fakeClock();
    const summaries: EventSummary[] = [];
    const aggregator = new EventAggregator({ perWindow: 1, windowMs: 1000 }, clock, (s) => summaries.push(s));
    assert.equal(aggregator.admit(OUTAGE), true);
    assert.equal(aggregator.admit({ ...OUTAGE, rule: 'other' }), true);
    assert.equal(aggregator.admit({ ...OUTAGE, route: 'admin' }), true);
    assert.equal(aggregator.admit(OUTAGE), false);
    clock.advance(1000);
    aggregator.flush(clock.now());
    assert.deepEqual(
      summaries.map((s) => [s.rule, s.route, s.suppressed]),
      [['state', 'api', 1]],
    );
  });
});
