import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRedactor, REDACTED, redactHeaders, redactQuery, redactUrl } from './redact.ts';

describe('redactQuery', () => {
  it('replaces values of parameters named like credentials and keeps the others', () => {
    assert.equal(
      redactQuery('api_key=secret789&q=ok&access_token=t1&client_secret=s1&page=2'),
      `api_key=${REDACTED}&q=ok&access_token=${REDACTED}&client_secret=${REDACTED}&page=2`,
    );
  });

  it('matches parameter names case-insensitively and after percent-decoding', () => {
    assert.equal(
      redactQuery('X-Amz-Signature=abc&Password=p'),
      `X-Amz-Signature=${REDACTED}&Password=${REDACTED}`,
    );
    assert.equal(redactQuery('api%5Fkey=v&sess%69on=w'), `api%5Fkey=${REDACTED}&sess%69on=${REDACTED}`);
  });

  it('returns the same string when nothing is sensitive', () => {
    const raw = 'q=ok&page=2&&flag';
    assert.equal(redactQuery(raw), raw);
    assert.equal(redactQuery(''), '');
  });

  it('leaves names without a value alone and survives malformed escapes', () => {
    assert.equal(redactQuery('token&code='), 'token&code=');
    assert.equal(redactQuery('%E0%A4%A=1&auth=%ZZ'), `%E0%A4%A=1&auth=${REDACTED}`);
  });

  it('handles a very long query in one pass', () => {
    const raw = `${'a=1&'.repeat(50_000)}token=x`;
    assert.ok(redactQuery(raw).endsWith(`token=${REDACTED}`));
  });
});

describe('redactUrl', () => {
  it('redacts only the query of a request target and keeps path and fragment', () => {
    assert.equal(redactUrl('/cb?code=abc&state=s#frag'), `/cb?code=${REDACTED}&state=s#frag`);
    assert.equal(redactUrl('/plain/path'), '/plain/path');
    assert.equal(redactUrl('https://h.example/x?key=1'), `https://h.example/x?key=${REDACTED}`);
  });

  it('redacts configured extra names exactly', () => {
    const redactor = createRedactor(['Ticket']);
    assert.equal(redactor.redactUrl('/x?ticket=t&q=1'), `/x?ticket=${REDACTED}&q=1`);
  });
});

describe('redactHeaders', () => {
  it('replaces credential headers and keeps the rest', () => {
    const out = redactHeaders({
      authorization: 'Bearer abc',
      'proxy-authorization': 'Basic x',
      cookie: 'sid=1',
      'set-cookie': ['a=1', 'b=2'],
      'x-api-key': 'k',
      'x-csrf-token': 'c',
      accept: 'application/json',
      absent: undefined,
    });
    assert.deepEqual(out, {
      authorization: REDACTED,
      'proxy-authorization': REDACTED,
      cookie: REDACTED,
      'set-cookie': REDACTED,
      'x-api-key': REDACTED,
      'x-csrf-token': REDACTED,
      accept: 'application/json',
    });
  });

  it('redacts configured header names in any case', () => {
    const redactor = createRedactor(['X-Tenant-Secret-Id', 'X-Internal']);
    assert.equal(redactor.isSensitiveHeader('x-internal'), true);
    assert.equal(redactor.isSensitiveHeader('X-INTERNAL'), true);
    assert.equal(redactor.isSensitiveHeader('x-request-id'), false);
  });

  it('compiles pino paths only for names that are header tokens', () => {
    const redactor = createRedactor(['x-ok', 'bad"name']);
    assert.ok(redactor.pinoPaths.includes('headers["x-ok"]'));
    assert.ok(redactor.pinoPaths.includes('req.headers["authorization"]'));
    assert.ok(!redactor.pinoPaths.some((path) => path.includes('bad')));
  });
});
