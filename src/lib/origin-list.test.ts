import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileOriginList, parseOrigin } from './origin-list.ts';

test('matches exact origins case-insensitively and with their port', () => {
  const list = compileOriginList(['https://app.example.com', 'http://localhost:3000']);
  assert.equal(list.allows('https://app.example.com'), true);
  assert.equal(list.allows('HTTPS://App.Example.com'), true);
  assert.equal(list.allows('http://localhost:3000'), true);
  assert.equal(list.allows('http://localhost:3001'), false);
  assert.equal(list.allows('http://app.example.com'), false);
  assert.equal(list.allows('https://app.example.com.evil.com'), false);
  assert.equal(list.allows('https://app.example.com/'), false);
});

test('a subdomain wildcard matches subdomains only, never a look-alike suffix or the domain itself', () => {
  const list = compileOriginList(['https://*.example.com']);
  assert.equal(list.allows('https://a.example.com'), true);
  assert.equal(list.allows('https://a.b.example.com'), true);
  assert.equal(list.allows('https://example.com'), false);
  assert.equal(list.allows('https://evil-example.com'), false);
  assert.equal(list.allows('https://evilexample.com'), false);
  assert.equal(list.allows('https://a.example.com.evil.com'), false);
  assert.equal(list.allows('http://a.example.com'), false);
  assert.equal(list.allows('https://a.example.com:8443'), false);
  assert.equal(list.allows('https://.example.com'), false);
});

test('null matches only when listed, and * matches any parseable origin', () => {
  assert.equal(compileOriginList(['https://a.example']).allows('null'), false);
  assert.equal(compileOriginList(['null']).allows('null'), true);
  const any = compileOriginList(['*']);
  assert.equal(any.any, true);
  assert.equal(any.allows('https://anything.test'), true);
  assert.equal(any.allows('null'), false);
});

test('refuses entries that are not origins', () => {
  for (const entry of [
    'example.com',
    'https://a.example/',
    'https://*example.com',
    'https://*.com.',
    'ftp//x',
  ])
    assert.throws(() => compileOriginList([entry]), /origin/, entry);
});

test('parses IPv6 origins and refuses junk without backtracking', () => {
  assert.deepEqual(parseOrigin('http://[::1]:8080'), { scheme: 'http', host: '[::1]', port: '8080' });
  assert.equal(parseOrigin(`https://${'a'.repeat(10_000)}`), undefined);
  assert.equal(parseOrigin('https://a b'), undefined);
  assert.equal(parseOrigin('https://user@a.example'), undefined);
});
