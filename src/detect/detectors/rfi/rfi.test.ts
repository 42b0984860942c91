import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { viewsOf } from '../../decode/views.ts';
import type { InputKind } from '../../types.ts';
import { rfiDetector } from './rfi.ts';

function rules(value: string, location = 'query.q'): string[] {
  return rfiDetector.detect(viewsOf(value), 'query', location).map((h) => h.rule);
}

describe('rfi detector', () => {
  test('finds URLs to public addresses, truncated URLs and URLs in include parameters', () => {
    assert.ok(rules('http://203.0.113.7/shell.txt').includes('rfi.ip-url'));
    assert.ok(rules('http://evil.example/shell.txt?').includes('rfi.truncation'));
    assert.ok(rules('http://evil.example/shell.txt%00').includes('rfi.truncation'));
    assert.ok(rules('https://evil.example/s.txt#').includes('rfi.truncation'));
    assert.ok(rules('http://evil.example/x', 'query.page').includes('rfi.include-parameter'));
    assert.ok(rules('http://evil.example/c99.php').includes('rfi.off-site-url'));
  });

  test('reads a header as sent, and a URL that starts a request path segment', () => {
    const found = (value: string, kind: InputKind, location: string) =>
      rfiDetector.detect(viewsOf(value), kind, location).map((h) => h.rule);
    assert.ok(
      found('http://evil.example/c99.txt?', 'header', 'header.user-agent').includes('rfi.truncation'),
    );
    assert.ok(found('/page/http%3A//203.0.113.7/shell.txt', 'path', 'path').includes('rfi.ip-url'));
    assert.ok(found('/page/http%3A//evil.example/r57.php%3F', 'path', 'path').includes('rfi.truncation'));
    assert.ok(found('/page/http%3A//evil.example/s.txt%2500', 'path', 'path').includes('rfi.truncation'));
    // A page's own address in Referer or Origin; a path that names a site without fetching it.
    assert.deepEqual(found('https://shop.example/cart.php?', 'header', 'header.referer'), []);
    assert.deepEqual(found('/links/https%3A//example.com/docs', 'path', 'path'), []);
    assert.deepEqual(found('/see/x/http%3A//example.com/a.txt', 'query', 'query.q'), []);
  });

  test('leaves look-alikes alone', () => {
    for (const value of [
      'https://example.com/docs?page=2',
      'http://10.0.0.1/',
      'see http://203.0.113.7/ in the logs',
      'https://github.com/octocat',
      'What is http?',
    ])
      assert.deepEqual(rules(value), [], value);
    assert.deepEqual(rules('https://example.com/a', 'query.redirect'), []);
  });
});
