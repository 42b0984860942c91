import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SecurityEventRecord } from '../observe/events.ts';
import { createEventRing } from './event-ring.ts';

const event = (n: number, fields: Partial<SecurityEventRecord> = {}): SecurityEventRecord => ({
  policy: 'detect',
  rule: 'sqli.tautology',
  code: 'RAMPART_THREAT_DETECTED',
  requestId: `r${n}`,
  route: 'users',
  clientIp: '127.0.0.1',
  outcome: 'denied',
  time: 1000 + n,
  ...fields,
});

describe('the event ring', () => {
  it('lists the newest first and keeps only its capacity', () => {
    const ring = createEventRing(3);
    for (let n = 1; n <= 5; n++) ring.push(event(n));
    const page = ring.query({});
    assert.deepEqual(
      page.events.map((each) => each.requestId),
      ['r5', 'r4', 'r3'],
    );
    assert.equal(page.kept, 3);
    assert.equal(page.seen, 5);
  });

  it('filters by route, consumer, rule (id, code or policy), client address, outcome and time', () => {
    const ring = createEventRing();
    ring.push(event(1, { route: 'orders', consumerId: 'c1' }));
    ring.push(event(2, { policy: 'api-key', rule: 'unknown-key', code: 'RAMPART_AUTHN_UNAUTHORIZED' }));
    ring.push(event(3, { clientIp: '192.0.2.7', outcome: 'would-deny' }));
    const ids = (filter: Parameters<typeof ring.query>[0]) =>
      ring.query(filter).events.map((e) => e.requestId);
    assert.deepEqual(ids({ route: 'orders' }), ['r1']);
    assert.deepEqual(ids({ consumer: 'c1' }), ['r1']);
    assert.deepEqual(ids({ rule: 'unknown-key' }), ['r2']);
    assert.deepEqual(ids({ rule: 'RAMPART_AUTHN_UNAUTHORIZED' }), ['r2']);
    assert.deepEqual(ids({ rule: 'detect' }), ['r3', 'r1']);
    assert.deepEqual(ids({ clientIp: '192.0.2.7' }), ['r3']);
    assert.deepEqual(ids({ outcome: 'would-deny' }), ['r3']);
    assert.deepEqual(ids({ since: 1002, until: 1002 }), ['r2']);
  });

  it('counts every match but lists at most the limit', () => {
    const ring = createEventRing();
    for (let n = 1; n <= 10; n++) ring.push(event(n));
    const page = ring.query({ limit: 4 });
    assert.equal(page.events.length, 4);
    assert.equal(page.matched, 10);
  });
});
