import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { canonicalSegments, compilePathPattern } from './path-pattern.ts';

describe('authorize path patterns', () => {
  test('matches literals, one-segment wildcards, captures and a final **', () => {
    const users = compilePathPattern('/users/:id', false);
    assert.deepEqual(users.match(canonicalSegments('/users/42')), { id: '42' });
    assert.equal(users.match(canonicalSegments('/users/42/orders')), undefined);
    const admin = compilePathPattern('/admin/**', false);
    assert.deepEqual(admin.match(canonicalSegments('/admin')), {});
    assert.deepEqual(admin.match(canonicalSegments('/admin/a/b')), {});
    assert.equal(compilePathPattern('/files/*', false).match(canonicalSegments('/files')), undefined);
  });

  test('sees through case, trailing slashes, escapes and matrix parameters', () => {
    const admin = compilePathPattern('/admin/stats', false);
    for (const path of [
      '/Admin/stats',
      '/admin/stats/',
      '/%61dmin/stats',
      '/admin;jsessionid=1/stats',
      '/admin%2Fstats',
    ]) {
      assert.ok(admin.match(canonicalSegments(path)) !== undefined, path);
    }
    assert.equal(
      compilePathPattern('/admin/stats', true).match(canonicalSegments('/Admin/stats')),
      undefined,
    );
  });

  test('keeps the case of captured parameters', () => {
    assert.deepEqual(compilePathPattern('/u/{name}', false).match(canonicalSegments('/U/Alice')), {
      name: 'Alice',
    });
  });

  test('refuses ** anywhere but at the end', () => {
    assert.throws(() => compilePathPattern('/a/**/b', false), /\*\*/);
  });
});
