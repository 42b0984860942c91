import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseDictionary } from './structured-fields.ts';

describe('structured field dictionaries', () => {
  test('parses inner lists with parameters and byte sequences', () => {
    const inputs = parseDictionary('sig1=("@method" "@path");created=1618884473;keyid="test-key", sig2=()');
    const sig1 = inputs?.get('sig1');
    assert.deepEqual(sig1?.items, ['@method', '@path']);
    assert.equal(sig1?.params.get('created'), 1618884473);
    assert.equal(sig1?.params.get('keyid'), 'test-key');
    assert.equal(sig1?.raw, '("@method" "@path");created=1618884473;keyid="test-key"');
    assert.deepEqual(inputs?.get('sig2')?.items, []);
    assert.deepEqual(parseDictionary('sha-256=:AQID:')?.get('sha-256')?.bytes, Buffer.from([1, 2, 3]));
  });

  test('refuses malformed or oversized fields', () => {
    for (const field of [
      'sig1',
      'sig1=("a"',
      'sig1=:AQ',
      'Sig1=()',
      'sig1=("a";sf)',
      'sig1=()x',
      'x'.repeat(9000),
    ]) {
      assert.equal(parseDictionary(field), undefined, field);
    }
  });
});
