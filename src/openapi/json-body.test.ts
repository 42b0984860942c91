import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { forgetJson, jsonOf, replaceJson } from './json-body.ts';

describe('shared JSON bodies', () => {
  test('parses a body once and hands every reader the same value', () => {
    const body = Buffer.from('{"a":[1,2]}');
    const first = jsonOf(body);
    assert.equal(first.ok, true);
    assert.equal(jsonOf(body), first);
    assert.deepEqual(first.ok && first.value, { a: [1, 2] });
  });

  test('reports a body that is not JSON, also from the cache', () => {
    const body = Buffer.from('{"a":');
    assert.equal(jsonOf(body).ok, false);
    assert.equal(jsonOf(body).ok, false);
  });

  test('gives an edited value its own body and serves it for that body', () => {
    const body = Buffer.from('{"keep":1,"drop":2}');
    const parsed = jsonOf(body);
    assert.ok(parsed.ok);
    delete (parsed.value as Record<string, unknown>).drop;
    const next = replaceJson(body, parsed.value);
    assert.equal(next.toString(), '{"keep":1}');
    const again = jsonOf(next);
    assert.ok(again.ok);
    assert.equal(again.value, parsed.value);
    // The old body is parsed afresh: its cached value was the edited one.
    const old = jsonOf(body);
    assert.ok(old.ok);
    assert.deepEqual(old.value, { keep: 1, drop: 2 });
  });

  test('parses a body again after an edit was dropped', () => {
    const body = Buffer.from('{"card":"4111111111111111"}');
    const parsed = jsonOf(body);
    assert.ok(parsed.ok);
    (parsed.value as Record<string, unknown>).card = '****1111';
    forgetJson(body);
    const fresh = jsonOf(body);
    assert.ok(fresh.ok);
    assert.deepEqual(fresh.value, { card: '4111111111111111' });
  });
});
