import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { findLeak } from './leak-scanner.ts';

const leak = (text: string) => findLeak(Buffer.from(text, 'utf8'));

describe('findLeak', () => {
  test('spots stack traces of common runtimes', () => {
    for (const body of [
      'TypeError: x is undefined\n    at Foo (/srv/x.js:1:2)',
      'Error\n    at handler (webpack-internal:///./src/api.ts:12:5)',
      'Traceback (most recent call last):\n  File "app.py", line 3',
      'Exception in thread "main" java.lang.NullPointerException',
      '\tat com.acme.Svc.run(Svc.java:42)',
      '{"error":"boom","stack":"Error: boom"}',
      'goroutine 1 [running]:\nmain.main()\n\tmain.go:17 +0x1d',
      'PHP Fatal error:  Uncaught Exception',
      '   at Acme.Api.Controller.Get() in Controller.cs:line 12',
    ]) {
      assert.equal(leak(body), 'stack-trace', body);
    }
  });

  test('spots SQL error signatures', () => {
    for (const body of [
      "You have an error in your SQL syntax; check the manual near ''' at line 1",
      'SQLSTATE[42S02]: Base table or view not found',
      'ERROR: syntax error at or near "FROM"',
      'ORA-00933: SQL command not properly ended',
      'SequelizeDatabaseError: relation "users" does not exist',
      'Unclosed quotation mark after the character string',
    ]) {
      assert.equal(leak(body), 'sql-error', body);
    }
  });

  test('spots file paths and internal addresses', () => {
    assert.equal(leak('cannot open /var/lib/app/config.yml'), 'file-path');
    assert.equal(leak('failed to load C:\\inetpub\\wwwroot\\web.config'), 'file-path');
    assert.equal(leak('upstream 10.0.3.17 refused the connection'), 'internal-ip');
    assert.equal(leak('connect ECONNREFUSED 127.0.0.1'), 'internal-ip');
    assert.equal(leak('db at 192.168.1.20 down'), 'internal-ip');
  });

  test('passes generic error bodies, public addresses and version numbers', () => {
    for (const body of [
      '{"error":"internal server error"}',
      '{"title":"Service Unavailable","status":503,"retryAfter":30}',
      'upstream 203.0.113.9 is down',
      'version 10.0.0.1.2 released',
      'build 10.0.0',
      '',
    ]) {
      assert.equal(leak(body), undefined, body);
    }
  });

  test('reads a large clean body in one pass without finding anything', () => {
    const body = Buffer.alloc(1_000_000, '1.');
    assert.equal(findLeak(body), undefined);
  });
});
