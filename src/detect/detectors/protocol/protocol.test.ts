import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { viewsOf } from '../../decode/views.ts';
import { inputsFromProtocolHeaders } from '../../extract/headers.ts';
import { DUPLICATES_LOCATION, protocolDetector } from './protocol.ts';

const rules = (name: string, value: string) =>
  protocolDetector.detect(viewsOf(value), 'header', `header.${name}`).map((h) => h.rule);

describe('protocol detector', () => {
  test('flags malformed or conflicting content types and foreign charsets', () => {
    assert.deepEqual(rules('content-type', 'application/json, text/xml'), ['protocol.content-type']);
    assert.deepEqual(rules('content-type', 'text'), ['protocol.content-type']);
    assert.deepEqual(rules('content-type', 'text/html; charset=utf-7'), ['protocol.charset']);
    assert.deepEqual(rules('content-type', 'application/x-www-form-urlencoded; charset=ibm037'), [
      'protocol.charset',
    ]);
  });

  test('flags bad lengths, codings and ranges, and repeated parameters', () => {
    assert.deepEqual(rules('content-length', '12, 12'), ['protocol.content-length']);
    assert.deepEqual(rules('transfer-encoding', 'chunked, xchunked'), ['protocol.transfer-encoding']);
    assert.deepEqual(rules('range', 'bytes=10-5'), ['protocol.range']);
    assert.deepEqual(rules('range', 'bytes=0-1,2-3,4-5,6-7,8-9,10-11'), ['protocol.range']);
    assert.deepEqual(rules('range', 'items=0-5'), ['protocol.range']);
    assert.deepEqual(
      protocolDetector.detect(viewsOf('id'), 'key', DUPLICATES_LOCATION).map((h) => h.rule),
      ['protocol.parameter-pollution'],
    );
  });

  test('leaves ordinary headers alone', () => {
    for (const [name, value] of [
      ['content-type', 'application/json; charset=UTF-8'],
      ['content-type', 'multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW'],
      ['content-type', 'application/vnd.api+json'],
      ['content-type', 'text/plain;charset="utf-8"'],
      ['content-length', '1024'],
      ['transfer-encoding', 'gzip, chunked'],
      ['range', 'bytes=0-499'],
      ['range', 'bytes=-500, 9500-'],
      ['user-agent', 'x, y'],
    ] as const)
      assert.deepEqual(rules(name, value), [], `${name}: ${value}`);
  });

  test('flags a request framed twice and a session id in the query', () => {
    const framed = inputsFromProtocolHeaders({ 'content-length': '5', 'transfer-encoding': 'chunked' });
    const found = framed.flatMap((input) =>
      protocolDetector.detect(viewsOf(input.value), input.kind, input.location),
    );
    assert.ok(found.some((h) => h.rule === 'protocol.framing-conflict'));
    assert.deepEqual(
      protocolDetector
        .detect(viewsOf('PHPSESSID'.toLowerCase()), 'key', 'query.PHPSESSID')
        .map((h) => h.rule),
      ['protocol.session-id-parameter'],
    );
    assert.deepEqual(protocolDetector.detect(viewsOf('session'), 'key', 'query.session'), []);
  });
});
