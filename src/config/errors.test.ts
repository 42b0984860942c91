import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatPath, parsePath } from './errors.ts';
import { closestMatch } from './suggest.ts';

describe('config paths', () => {
  test('formats keys and indexes, quoting keys that are not plain', () => {
    assert.equal(
      formatPath(['routes', 2, 'policies', 'rate-limit', 'limit']),
      'routes[2].policies.rate-limit.limit',
    );
    assert.equal(formatPath(['upstreams', 'billing.v2', 'url']), 'upstreams["billing.v2"].url');
    assert.equal(formatPath([]), '');
  });

  test('parses what it formats', () => {
    for (const segments of [
      ['routes', 1, 'policies', 'ip-filter', 'allow', 0],
      ['upstreams', 'a.b', 'url'],
      ['x', 'quote"and]bracket', 3],
    ]) {
      assert.deepEqual(parsePath(formatPath(segments)), segments);
    }
  });

  test('throws a SyntaxError on a malformed path', () => {
    for (const path of ['routes[', 'routes[x]', 'a..b.', '.a', 'a["b]']) {
      assert.throws(() => parsePath(path), SyntaxError, path);
    }
  });
});

describe('closestMatch', () => {
  test('suggests the one close candidate for a typo', () => {
    assert.equal(closestMatch('stripPrefx', ['name', 'stripPrefix', 'upstream']), 'stripPrefix');
    assert.equal(closestMatch('upstraem', ['name', 'stripPrefix', 'upstream']), 'upstream');
  });

  test('suggests nothing when no candidate is close or two are equally close', () => {
    assert.equal(closestMatch('banana', ['name', 'upstream']), undefined);
    assert.equal(closestMatch('ab', ['ax', 'xb']), undefined);
  });
});
