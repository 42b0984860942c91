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

  test('lets ordinary uses of the words through', () => {
    for (const benign of ['The constructor builds the prototype model', 'prototype', 'constructor']) {
      assert.equal(strongest(benign, 'body', 'body.text'), 0, benign);
    }
    assert.equal(strongest('prototype', 'key', 'body.design.prototype'), 0);
  });
});
