import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { boundedTraceState, formatTraceParent, parseTraceParent } from './traceparent.ts';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT = '00f067aa0ba902b7';

describe('parseTraceParent', () => {
  it('reads a version-00 traceparent and writes it back', () => {
    const parsed = parseTraceParent(`00-${TRACE}-${PARENT}-01`);
    assert.deepEqual(parsed, { traceId: TRACE, parentId: PARENT, flags: 1 });
    assert.equal(formatTraceParent(TRACE, PARENT, 1), `00-${TRACE}-${PARENT}-01`);
  });

  it('accepts a future version with more fields, and refuses version ff', () => {
    assert.equal(parseTraceParent(`01-${TRACE}-${PARENT}-00-extra`)?.traceId, TRACE);
    assert.equal(parseTraceParent(`ff-${TRACE}-${PARENT}-01`), undefined);
  });

  it('refuses upper case, all-zero ids, wrong lengths, extra fields on 00 and repeated headers', () => {
    for (const bad of [
      `00-${TRACE.toUpperCase()}-${PARENT}-01`,
      `00-${'0'.repeat(32)}-${PARENT}-01`,
      `00-${TRACE}-${'0'.repeat(16)}-01`,
      `00-${TRACE.slice(1)}-${PARENT}-01`,
      `00-${TRACE}-${PARENT}-01-extra`,
      `00_${TRACE}-${PARENT}-01`,
      '',
      'x'.repeat(10_000),
    ]) {
      assert.equal(parseTraceParent(bad), undefined, bad.slice(0, 80));
    }
    assert.equal(parseTraceParent([`00-${TRACE}-${PARENT}-01`, `00-${TRACE}-${PARENT}-01`]), undefined);
    assert.equal(parseTraceParent(undefined), undefined);
  });
});

describe('boundedTraceState', () => {
  it('keeps a printable tracestate of at most 512 characters', () => {
    assert.equal(
      boundedTraceState('congo=t61rcWkgMzE,rojo=00f067aa0ba902b7'),
      'congo=t61rcWkgMzE,rojo=00f067aa0ba902b7',
    );
    assert.equal(boundedTraceState('a=b'.padEnd(513, 'c')), undefined);
    assert.equal(boundedTraceState('a=b\r\nx: y'), undefined);
    assert.equal(boundedTraceState(['a=b', 'c=d']), undefined);
  });
});
