import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalizeTarget } from './normalize-path.ts';

function pathOf(target: string): string {
  const result = normalizeTarget(target);
  assert.ok(result.ok, `expected ${target} to normalize`);
  return result.path;
}

test('resolves dot segments and merges duplicate slashes so /admin spellings collapse to /admin', () => {
  for (const target of [
    '/a/../admin',
    '//admin',
    '/%2e%2e/admin',
    '/./admin',
    '/x/%2E%2E/admin',
    '/../../admin',
  ]) {
    assert.equal(pathOf(target), '/admin', target);
  }
});

test('keeps a trailing slash and the root', () => {
  assert.equal(pathOf('/users/'), '/users/');
  assert.equal(pathOf('/'), '/');
  assert.equal(pathOf('/a/..'), '/');
  assert.equal(pathOf('/users/.'), '/users/');
});

test('decodes escapes of unreserved characters and upper-cases the others', () => {
  assert.equal(pathOf('/%61dmin'), '/admin');
  assert.equal(pathOf('/files/a%20b%c3%a9'), '/files/a%20b%C3%A9');
});

test('separates the raw query without touching it', () => {
  const result = normalizeTarget('/search/../find?q=%2e%2e/&x=1');
  assert.deepEqual(result, { ok: true, path: '/find', rawQuery: 'q=%2e%2e/&x=1' });
});

test('refuses encoded slashes, backslashes, control characters and double encodings', () => {
  for (const target of [
    '/admin%2f..',
    '/admin%2F..%2F',
    '/a%5c..%5cadmin',
    '/a\\..\\admin',
    '/a%00b',
    '/a%0d%0aSet-Cookie:x',
    '/%252e%252e/admin',
    '/bad%zz',
    '/trunc%2',
    'http://evil/admin',
    '*',
    '',
  ]) {
    assert.equal(normalizeTarget(target).ok, false, target);
  }
});

test('refuses targets longer than the limit', () => {
  assert.equal(normalizeTarget(`/${'a'.repeat(100)}`, 50).ok, false);
});
