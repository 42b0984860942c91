import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { viewsOf } from '../../decode/views.ts';
import type { InputKind } from '../../types.ts';
import { nosqliDetector } from './nosqli.ts';

/** The strongest score the detector gives one value. */
function strongest(value: string, kind: InputKind = 'query', location = 'query.q'): number {
  return Math.max(0, ...nosqliDetector.detect(viewsOf(value), kind, location).map((hit) => hit.score));
}

/** The rules the detector reports for one value. */
function rules(value: string, kind: InputKind = 'query', location = 'query.q'): string[] {
  return nosqliDetector.detect(viewsOf(value), kind, location).map((hit) => hit.rule);
}

describe('nosqli detector', () => {
  test('finds operator keys in JSON members and bracket query names', () => {
    assert.equal(strongest('$ne', 'key', 'body.password.$ne'), 5);
    assert.equal(strongest('password[$ne]', 'key', 'query.password[$ne]'), 5);
    assert.equal(strongest('{"password": {"$gt": ""}}'), 5);
    assert.equal(strongest('user[$regex]=.*'), 5);
  });

  test('finds JavaScript in $where and string breakouts', () => {
    assert.deepEqual(rules('$where', 'key', 'body.$where'), ['nosqli.script-operator']);
    assert.equal(strongest("'; return true; var x='"), 5);
    assert.equal(strongest("' || '1'=='1"), 5);
  });

  test('lets prices, shell variables and templates through', () => {
    for (const benign of ['$5.99 per month', 'echo $HOME', 'Total: $in stock', '{"price": "$10"}']) {
      assert.ok(strongest(benign) < 5, benign);
    }
  });

  test('finds server-side JavaScript: busy loops, sleeps and shell calls after a breakout', () => {
    assert.deepEqual(rules("'; while(true){}; var x='"), ['nosqli.js-injection']);
    assert.deepEqual(rules("';sleep(5000);'"), ['nosqli.js-injection']);
    assert.deepEqual(rules('db.getCollectionNames()'), ['nosqli.db-call']);
    assert.equal(strongest('1; db.users.find()'), 5);
    assert.equal(strongest('Use db.users.find({}) to list them', 'body', 'body.text'), 3);
    assert.equal(strongest('sleep well; see you', 'body', 'body.text'), 0);
  });

  test('finds JavaScript comparisons and busy loops of $where payloads', () => {
    assert.deepEqual(rules('|| 1==1'), ['nosqli.js-injection']);
    assert.deepEqual(rules("';it=new Date();do{pt=new Date();}while(pt-it<5000);"), ['nosqli.js-injection']);
    assert.deepEqual(rules('a || b'), []);
  });
});

describe('nosqli: operators where an API takes a query language', () => {
  const rules = (value: string, kind: InputKind, location: string) =>
    nosqliDetector.detect(viewsOf(value), kind, location).map((h) => `${h.rule}:${h.score}`);
  test("Strapi's filters and a JSON filter object count from paranoia 2; a scalar turned into an object decides", () => {
    assert.deepEqual(rules('filters[title][$eq]', 'key', 'query.filters[title][$eq]'), [
      'nosqli.operator.filter:3',
    ]);
    assert.deepEqual(rules('$and', 'key', 'body.filter.$and'), ['nosqli.operator.filter:3']);
    assert.deepEqual(rules('$gt', 'key', 'body.selector.year.$gt'), ['nosqli.operator.filter:3']);
    assert.deepEqual(rules('username[$ne]', 'key', 'query.username[$ne]'), ['nosqli.operator:5']);
    assert.deepEqual(rules('$ne', 'key', 'body.password.$ne'), ['nosqli.operator:5']);
    // Server-side JavaScript is no filter syntax.
    assert.deepEqual(rules('filters[$where]', 'key', 'query.filters[$where]'), ['nosqli.script-operator:5']);
  });
});
