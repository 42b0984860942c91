import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type JsonShapeLimits, scanJsonShape } from './json-shape.ts';

const WIDE: JsonShapeLimits = { maxDepth: 64, maxKeys: 10_000 };

function scan(text: string, limits: JsonShapeLimits = WIDE) {
  return scanJsonShape(Buffer.from(text, 'utf8'), limits);
}

describe('scanJsonShape', () => {
  test('measures depth, keys, array items and string bytes of a valid document', () => {
    const result = scan('{"a": [1, 2, {"b": "xyz"}], "c": {"d": null}}');
    assert.deepEqual(result, { ok: true, depth: 3, keys: 4, items: 3, stringBytes: 7 });
  });

  test('accepts every kind of top-level value', () => {
    for (const text of ['0', '-0.5e+10', '"x"', 'true', 'false', 'null', '[]', '{}', ' \t\r\n[ ] ']) {
      assert.equal(scan(text).ok, true, text);
    }
  });

  test('accepts escapes, including unicode escapes, and multi-byte UTF-8', () => {
    assert.equal(scan('"\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\uD83D\\uDE00 é 😀"').ok, true);
  });

  test('stops at the first container deeper than maxDepth', () => {
    const limits = { maxDepth: 3, maxKeys: 100 };
    assert.equal(scan('[[[1]]]', limits).ok, true);
    assert.deepEqual(scan('[[[[1]]]]', limits), { ok: false, error: 'too-deep', offset: 3 });
    assert.deepEqual(scan('{"a":{"b":{"c":{}}}}', limits), { ok: false, error: 'too-deep', offset: 15 });
  });

  test('reports too-deep for hostile nesting without recursion', () => {
    const hostile = Buffer.alloc(1_000_000, '[');
    assert.deepEqual(scanJsonShape(hostile, { maxDepth: 32, maxKeys: 10 }), {
      ok: false,
      error: 'too-deep',
      offset: 32,
    });
  });

  test('counts object members across the whole document against maxKeys', () => {
    const limits = { maxDepth: 10, maxKeys: 3 };
    assert.equal(scan('{"a":1,"b":{"c":2}}', limits).ok, true);
    const result = scan('{"a":1,"b":{"c":2,"d":3}}', limits);
    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.error, 'too-many-keys');
  });

  test('refuses invalid documents', () => {
    for (const text of [
      '',
      ' ',
      '{',
      '[1,]',
      '{"a":1,}',
      '{"a" 1}',
      '{a:1}',
      "{'a':1}",
      '[1 2]',
      '01',
      '1.',
      '.5',
      '1e',
      '-',
      '+1',
      'tru',
      'nul',
      'True',
      'NaN',
      '"abc',
      '"\\x"',
      '"\\u12g4"',
      '"a\tb"',
      '[}',
      '{]',
      '[1]]',
      '{} {}',
      '1 2',
      '\ufeff{}',
      '{"a":}',
      '[,1]',
    ]) {
      const result = scan(text);
      assert.equal(result.ok, false, JSON.stringify(text));
      assert.equal(!result.ok && result.error, 'invalid', JSON.stringify(text));
    }
  });

  test('refuses bytes that are not UTF-8', () => {
    const result = scanJsonShape(Buffer.from([0x22, 0xff, 0xfe, 0x22]), WIDE);
    assert.equal(!result.ok && result.error, 'invalid');
  });

  test('agrees with JSON.parse on validity for generated documents', () => {
    const alphabet = [
      '{',
      '}',
      '[',
      ']',
      ',',
      ':',
      '"a"',
      '"',
      '1',
      '-',
      '0',
      '.',
      'e',
      'true',
      'null',
      ' ',
      '\\',
    ];
    let seed = 42;
    const random = (n: number): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed % n;
    };
    let valid = 0;
    for (let round = 0; round < 5000; round++) {
      let text = '';
      const length = 1 + random(12);
      for (let k = 0; k < length; k++) text += alphabet[random(alphabet.length)];
      let parses = true;
      try {
        JSON.parse(text);
      } catch {
        parses = false;
      }
      if (parses) valid++;
      assert.equal(scan(text).ok, parses, JSON.stringify(text));
    }
    assert.ok(valid > 50, 'the generator produces some valid documents');
  });
});
