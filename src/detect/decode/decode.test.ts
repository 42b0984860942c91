import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeEntities } from './entities.ts';
import { decodeEscapes } from './escapes.ts';
import { percentDecode } from './percent.ts';
import { decodeLayers } from './views.ts';

describe('decoding', () => {
  test('percent-decodes UTF-8, %u escapes and keeps malformed escapes as text', () => {
    assert.equal(percentDecode('%3Cscript%3E'), '<script>');
    assert.equal(percentDecode('caf%C3%A9'), 'café');
    assert.equal(percentDecode('%u003c'), '<');
    assert.equal(percentDecode('100%'), '100%');
    assert.equal(percentDecode('%zz%4'), '%zz%4');
  });

  test('reads overlong UTF-8 forms as the character they encode', () => {
    assert.equal(percentDecode('%c0%ae%c0%ae%c0%af'), '../');
    assert.equal(percentDecode('%e0%80%ae'), '.');
    assert.equal(percentDecode('%c0%2e'), '.');
  });

  test('decodes named, decimal and hex entities with and without semicolons', () => {
    assert.equal(decodeEntities('&lt;a&gt;'), '<a>');
    assert.equal(decodeEntities('&#106;&#x61;&#X76'), 'jav');
    assert.equal(decodeEntities('&#0000106avascript&colon;'), 'javascript:');
    assert.equal(decodeEntities('AT&T &unknown;'), 'AT&T &unknown;');
  });

  test('decodes \\u, \\u{} and \\x escapes', () => {
    assert.equal(decodeEscapes('\\u003cscript\\x3e'), '<script>');
    assert.equal(decodeEscapes('\\u{6a}s'), 'js');
    assert.equal(decodeEscapes('C:\\temp\\new'), 'C:\\temp\\new');
  });

  test('peels repeated layers up to a fixed point', () => {
    assert.equal(decodeLayers('%252e%252e%252f'), '../');
    assert.equal(decodeLayers('%26lt%3Bscript%26gt%3B'), '<script>');
  });

  test('folds full-width forms with NFKC and removes null bytes and zero-width characters', () => {
    assert.equal(decodeLayers('＜ｓｃｒｉｐｔ＞'), '<script>');
    assert.equal(decodeLayers('sel%00ect'), 'select');
    assert.equal(decodeLayers('un\u200bion'), 'union');
  });
});
