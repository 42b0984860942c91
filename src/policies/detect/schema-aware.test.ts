import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isNarrow } from './schema-aware.ts';

const document = { components: { schemas: { Role: { type: 'string', enum: ['user', 'admin'] } } } };
const narrow = (schema: unknown) => isNarrow(document, schema);

describe('isNarrow', () => {
  test('numbers, booleans, enums, const and referenced enums are narrow', () => {
    for (const schema of [
      { type: 'integer' },
      { type: 'number' },
      { type: ['boolean', 'null'] },
      { enum: ['a', 'b'] },
      { const: 'x' },
      { $ref: '#/components/schemas/Role' },
    ]) {
      assert.equal(narrow(schema), true, JSON.stringify(schema));
    }
  });

  test('strings are narrow by a payload-free format or an anchored pattern of word characters only', () => {
    assert.equal(narrow({ type: 'string', format: 'uuid' }), true);
    assert.equal(narrow({ type: 'string', format: 'date-time' }), true);
    assert.equal(narrow({ type: 'string', pattern: '^[a-z]+$' }), true);
    assert.equal(narrow({ type: 'string', pattern: '^[A-Z]{2}-\\d{4,}(_[a-f0-9]+)?$' }), true);
    assert.equal(narrow({ type: 'string' }), false);
    assert.equal(narrow({ type: 'string', format: 'password' }), false);
    // `admin'--@example.com` is a valid email; `' OR 1=1--` and `;id` are short.
    assert.equal(narrow({ type: 'string', format: 'email' }), false);
    assert.equal(narrow({ type: 'string', maxLength: 16 }), false);
    // Anchored, and still free text: any character, a negated class, a space, a range over punctuation.
    for (const pattern of ['^.+$', '^[^<>]*$', '^[\\w ]+$', '^[0-z]+$', '^\\S+$', "^[a-z']+$"]) {
      assert.equal(narrow({ type: 'string', pattern }), false, pattern);
    }
    // Unanchored patterns match anywhere in the value, so they do not constrain the rest of it.
    assert.equal(narrow({ type: 'string', pattern: '[a-z]' }), false);
    assert.equal(narrow({ type: 'string', pattern: '^[a-z]+\\$' }), false);
  });

  test('a format without type string, an object or an untyped schema is not narrow', () => {
    assert.equal(narrow({ format: 'uuid' }), false);
    assert.equal(narrow({ type: 'object', properties: { a: { type: 'integer' } } }), false);
    assert.equal(narrow({}), false);
    assert.equal(narrow({ enum: [{ a: 1 }] }), false);
  });

  test('arrays of narrow items, allOf with a narrow member and anyOf of narrow options are narrow', () => {
    assert.equal(narrow({ type: 'array', items: { type: 'integer' } }), true);
    assert.equal(narrow({ type: 'array', items: { type: 'string' } }), false);
    assert.equal(narrow({ allOf: [{ type: 'string' }, { type: 'string', format: 'uuid' }] }), true);
    assert.equal(narrow({ anyOf: [{ type: 'integer' }, { type: 'string' }] }), false);
    assert.equal(narrow({ oneOf: [{ type: 'integer' }, { type: 'boolean' }] }), true);
  });
});
