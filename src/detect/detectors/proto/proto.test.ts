import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { viewsOf } from '../../decode/views.ts';
import type { InputKind } from '../../types.ts';
import { protoDetector } from './proto.ts';

/** The strongest score the detector gives one value. */
function strongest(value: string, kind: InputKind = 'query', location = 'query.q'): number {
  return Math.max(0, ...protoDetector.detect(viewsOf(value), kind, location).map((hit) => hit.score));
}

describe('proto detector', () => {
  test('finds __proto__ and constructor.prototype paths', () => {
    assert.equal(strongest('__proto__', 'key', 'body.__proto__'), 5);
    assert.equal(strongest('a[__proto__][isAdmin]', 'key', 'query.a[__proto__][isAdmin]'), 5);
    assert.equal(strongest('prototype', 'key', 'body.constructor.prototype'), 5);
    assert.equal(strongest('constructor[prototype][isAdmin]=true'), 5);
    assert.equal(strongest('{"constructor": {"prototype": {"x": 1}}}'), 5);
  });

  test('in a body, __proto__ written as a member counts; a changelog mentioning it does not', () => {
    assert.equal(strongest('__proto__[isAdmin]=true', 'body', 'body.q'), 5);
    assert.equal(strongest('{"__proto__":{"isAdmin":true}}', 'body', 'body.q'), 5);
    assert.equal(strongest('- Fix: do not assign onto __proto__ (#12)', 'body', 'body.notes'), 3);
  });

  test('lets ordinary uses of the words through', () => {
    for (const benign of ['The constructor builds the prototype model', 'prototype', 'constructor']) {
      assert.equal(strongest(benign, 'body', 'body.text'), 0, benign);
    }
    assert.equal(strongest('prototype', 'key', 'body.design.prototype'), 0);
  });

  test('in a cookie, header or path, __proto__ written as a member decides; a mention does not', () => {
    const rule = (value: string, kind: InputKind) =>
      protoDetector.detect(viewsOf(value), kind, kind).map((h) => `${h.rule}:${h.score}`);
    // A JSON cookie (`j:{…}` in Express), a qs-style cookie value, a route that walks segments.
    assert.deepEqual(rule('j:{"__proto__":{"admin":true}}', 'cookie'), ['proto.proto-key:5']);
    assert.deepEqual(rule('prefs[__proto__][theme]=dark', 'cookie'), ['proto.proto-key:5']);
    assert.deepEqual(rule('/settings/__proto__/admin', 'path'), ['proto.proto-key:5']);
    // A filter that deletes `__proto__` once leaves one behind.
    assert.deepEqual(rule('__pro__proto__to__.polluted=1', 'header'), ['proto.proto-key:5']);
    assert.deepEqual(rule('see the __proto__ docs', 'header'), ['proto.proto-key.header:3']);
    // `constructor.prototype` followed by a statement end.
    assert.deepEqual(rule('x.constructor.prototype;', 'cookie'), ['proto.constructor-prototype:5']);
  });
});
