import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { createSecurityEvents, type SecurityEventInput, type SecurityEventRecord } from './events.ts';
import { createLogger } from './logger.ts';
import { createMetrics } from './metrics.ts';

function setup() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const logger = createLogger({ level: 'info', destination: stream });
  const metrics = createMetrics({ defaultMetrics: false });
  const events = createSecurityEvents({ logger, metrics, clock: { now: () => 1_000 } });
  const lines = () =>
    chunks
      .join('')
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { events, metrics, lines };
}

const event: SecurityEventInput = {
  policy: 'detect',
  code: 'RAMPART_INGRESS_IP_DENIED',
  rule: 'sqli-1',
  location: 'query.q',
  evidence: "' OR 1=1 -- Bearer abcdef123",
  requestId: 'req-9',
  route: 'users',
  clientIp: '198.51.100.4',
  outcome: 'denied',
};

describe('createSecurityEvents', () => {
  it('logs a security_event line with redacted evidence and counts it', async () => {
    const { events, metrics, lines } = setup();
    events.emit(event);
    const [line] = lines();
    assert.equal(line?.msg, 'security_event');
    assert.equal(line?.type, 'security_event');
    assert.equal(line?.policy, 'detect');
    assert.equal(line?.requestId, 'req-9');
    assert.equal(line?.eventTime, 1_000);
    assert.ok(!JSON.stringify(line).includes('abcdef123'));
    assert.match(
      await metrics.render(),
      /rampart_security_events_total\{policy="detect",code="RAMPART_INGRESS_IP_DENIED",outcome="denied"\} 1/,
    );
  });

  it('bounds evidence to 128 characters', () => {
    const { events } = setup();
    let seen: SecurityEventRecord | undefined;
    events.on((record) => {
      seen = record;
    });
    events.emit({ ...event, evidence: 'x '.repeat(5_000) });
    assert.ok((seen?.evidence ?? '').length <= 128);
  });

  it('isolates listeners that throw or reject from the emitter and from each other', async () => {
    const { events, lines } = setup();
    const received: string[] = [];
    events.on(() => {
      throw new Error('sync failure');
    });
    events.on(() => Promise.reject(new Error('async failure')));
    events.on((record) => {
      received.push(record.requestId);
    });
    assert.doesNotThrow(() => events.emit(event));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(received, ['req-9']);
    const failures = lines().filter((line) => line.msg === 'security event listener failed');
    assert.equal(failures.length, 2);
  });

  it('stops calling a listener once it unsubscribed', () => {
    const { events } = setup();
    let calls = 0;
    const off = events.on(() => {
      calls++;
    });
    events.emit(event);
    off();
    events.emit(event);
    assert.equal(calls, 1);
  });
});

describe('security event aggregation', () => {
  it('logs 20 identical events per window one by one; listeners still get every one', () => {
    const { events, lines } = setup();
    const seen: SecurityEventRecord[] = [];
    events.on((record) => {
      seen.push(record);
    });
    for (let i = 0; i < 500; i++) events.emit({ ...event, requestId: `req-${i}` });
    assert.equal(lines().filter((line) => line.type === 'security_event').length, 20);
    assert.equal(seen.length, 500);
  });
});
