import assert from 'node:assert/strict';
import { test } from 'node:test';
import { headerOverflowCode, normalizeTarget } from './normalize-path.ts';

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

test('refuses dot and empty segments that carry path parameters, keeps parameters elsewhere', () => {
  for (const target of [
    '/pub/..;/admin',
    '/pub/..;x=1/admin',
    '/pub/%2e%2e;/admin',
    '/.;/admin',
    '/;x/../admin',
    '/a/..;',
  ])
    assert.equal(normalizeTarget(target).ok, false, target);
  assert.equal(pathOf('/cars;color=red/list'), '/cars;color=red/list');
  assert.equal(pathOf('/a/b..;c'), '/a/b..;c');
});

test('tells a request line over the header limit (414) from a header section over it (431)', () => {
  const longLine = Buffer.from(`GET /${'a'.repeat(100)}`);
  assert.equal(headerOverflowCode(longLine, longLine.length), 'RAMPART_HTTP_URL_TOO_LONG');
  const pipelined = Buffer.from(`GET / HTTP/1.1\r\nHost: a\r\n\r\nPOST /${'a'.repeat(100)}`);
  assert.equal(headerOverflowCode(pipelined, pipelined.length), 'RAMPART_HTTP_URL_TOO_LONG');
  const bigHeader = Buffer.from(`GET / HTTP/1.1\r\nHost: a\r\nX-Big: ${'b'.repeat(100)}`);
  assert.equal(headerOverflowCode(bigHeader, bigHeader.length), 'RAMPART_HTTP_HEADERS_TOO_LARGE');
  const middle = Buffer.from('b'.repeat(100));
  assert.equal(headerOverflowCode(middle, middle.length), 'RAMPART_HTTP_HEADERS_TOO_LARGE');
  assert.equal(headerOverflowCode(undefined, undefined), 'RAMPART_HTTP_HEADERS_TOO_LARGE');
});
