import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inputsFromBody } from './body.ts';
import { inputsFromCookies, inputsFromHeaders } from './headers.ts';
import { inputsFromJson } from './json.ts';
import { inputsFromPath, inputsFromPathSegments, inputsFromQuery } from './query.ts';
import { inputsFromXml } from './xml.ts';

describe('extractors', () => {
  test('splits a query string into key and value inputs, decoding once', () => {
    assert.deepEqual(inputsFromQuery('q=a+b%27&user[$ne]=1'), [
      { location: 'query.q', value: 'q', kind: 'key' },
      { location: 'query.q', value: "a b'", kind: 'query' },
      { location: 'query.user[$ne]', value: 'user[$ne]', kind: 'key' },
      { location: 'query.user[$ne]', value: '1', kind: 'query' },
    ]);
    assert.deepEqual(inputsFromQuery('bad=%E0%A4%A'), [
      { location: 'query.bad', value: 'bad', kind: 'key' },
      { location: 'query.bad', value: '%E0%A4%A', kind: 'query' },
    ]);
  });

  test('walks JSON into keys and string leaves with their paths', () => {
    const inputs = inputsFromJson('{"user":{"name":"x","tags":["a",1]},"__proto__":{"admin":true}}');
    const locations = inputs.map((i) => `${i.kind}:${i.location}`);
    assert.ok(locations.includes('body:body.user.name'));
    assert.ok(locations.includes('body:body.user.tags[0]'));
    assert.ok(locations.includes('key:body.__proto__'));
    assert.ok(locations.includes('key:body.__proto__.admin'));
  });

  test('walks deep JSON without recursion and inspects invalid JSON whole', () => {
    const deep = `${'['.repeat(5000)}"x"${']'.repeat(5000)}`;
    assert.equal(inputsFromJson(deep).length, 1);
    assert.deepEqual(inputsFromJson('{not json'), [{ location: 'body', value: '{not json', kind: 'body' }]);
  });

  test('reads XML text, attributes and the DOCTYPE', () => {
    const inputs = inputsFromXml(
      '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a id="7"><b>hi &x;</b></a>',
    );
    assert.ok(inputs.some((i) => i.location === 'body.#doctype' && i.value.includes('ENTITY')));
    assert.ok(inputs.some((i) => i.location === 'body.a@id' && i.value === '7'));
    assert.ok(inputs.some((i) => i.location === 'body.a.b' && i.value === 'hi &x;'));
    const more = inputsFromXml('<?xml version="1.0"?><a><!--#exec cmd="id"--><?php system("id"); ?></a>');
    assert.ok(more.some((i) => i.location === 'body.#comment' && i.value.includes('#exec')));
    assert.ok(more.some((i) => i.location === 'body.#pi' && i.value.startsWith('<?php')));
    assert.equal(more.filter((i) => i.location === 'body.#pi').length, 1);
    // An Edge Side Include is markup a cache acts on: its tag is an input; other tags are not.
    const esi = inputsFromXml('<p><esi:include src="http://evil.example/"/><b class="x">y</b></p>');
    assert.deepEqual(
      esi.filter((i) => i.value.startsWith('<')).map((i) => `${i.location}=${i.value}`),
      ['body.p.esi:include=<esi:include src="http://evil.example/"/>'],
    );
  });

  test('picks the body reader from the content type and reads unknown types whole', () => {
    assert.equal(
      inputsFromBody(Buffer.from('{"a":"b"}'), 'application/json; charset=utf-8')[1]?.location,
      'body.a',
    );
    assert.equal(inputsFromBody('a=1', 'application/x-www-form-urlencoded')[1]?.location, 'body.a');
    assert.equal(inputsFromBody('<a>1</a>', 'application/soap+xml')[0]?.location, 'body.a');
    assert.deepEqual(
      inputsFromBody('--x\r\nContent-Disposition: form-data', 'multipart/form-data; boundary=x'),
      [{ location: 'body', value: '--x Content-Disposition: form-data', kind: 'body' }],
    );
  });

  test('reads selected headers, cookies and the raw path', () => {
    assert.deepEqual(inputsFromHeaders({ 'user-agent': 'ua', 'x-other': 'no' }), [
      { location: 'header.user-agent', value: 'ua', kind: 'header' },
    ]);
    assert.deepEqual(inputsFromCookies('sid=abc; theme="dark"'), [
      { location: 'cookie.sid', value: 'sid', kind: 'key' },
      { location: 'cookie.sid', value: 'abc', kind: 'cookie' },
      { location: 'cookie.theme', value: 'theme', kind: 'key' },
      { location: 'cookie.theme', value: 'dark', kind: 'cookie' },
    ]);
    assert.deepEqual(inputsFromPath('/a/../../etc/passwd?x=1'), [
      { location: 'path', value: '/a/../../etc/passwd', kind: 'path' },
    ]);
  });

  test('reads cookie values percent-decoded once, as cookie parsers hand them to the application', () => {
    assert.deepEqual(
      inputsFromCookies('u=http%3A%2F%2Fx.example%2Fs.txt%3F; n=50%25; bad=%E0%A4%A; p=a+b').filter(
        (input) => input.kind === 'cookie',
      ),
      [
        { location: 'cookie.u', value: 'http://x.example/s.txt?', kind: 'cookie' },
        { location: 'cookie.n', value: '50%', kind: 'cookie' },
        { location: 'cookie.bad', value: '%E0%A4%A', kind: 'cookie' },
        { location: 'cookie.p', value: 'a+b', kind: 'cookie' },
      ],
    );
  });

  test('reads a cookie pair without `=` as a nameless value, as browsers and PHP hand it over', () => {
    assert.deepEqual(inputsFromCookies('q=x; cat%20/etc/passwd; ;'), [
      { location: 'cookie.q', value: 'q', kind: 'key' },
      { location: 'cookie.q', value: 'x', kind: 'cookie' },
      { location: 'cookie', value: 'cat /etc/passwd', kind: 'cookie' },
    ]);
  });

  test('reads path segments with more than unreserved characters as their own decoded inputs', () => {
    assert.deepEqual(inputsFromPathSegments('/api/users/%3Bid/a+b?x=1'), [
      { location: 'path', value: ';id', kind: 'path' },
      { location: 'path', value: 'a+b', kind: 'path' },
    ]);
    assert.deepEqual(inputsFromPathSegments('/api/users/42/profile'), []);
    assert.deepEqual(inputsFromPathSegments('/api/%3Bid/%27', new Set([2])), [
      { location: 'path', value: "'", kind: 'path' },
    ]);
  });
});
