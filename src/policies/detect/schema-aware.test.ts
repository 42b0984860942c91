import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isNarrow, NARROW_MAX_LENGTH } from './schema-aware.ts';

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

  test('strings are narrow by format, anchored pattern or a short maxLength only', () => {
    assert.equal(narrow({ type: 'string', format: 'uuid' }), true);
    assert.equal(narrow({ type: 'string', format: 'date-time' }), true);
    assert.equal(narrow({ type: 'string', pattern: '^[a-z]+$' }), true);
    assert.equal(narrow({ type: 'string', maxLength: NARROW_MAX_LENGTH }), true);
    assert.equal(narrow({ type: 'string' }), false);
    assert.equal(narrow({ type: 'string', format: 'password' }), false);
    assert.equal(narrow({ type: 'string', maxLength: NARROW_MAX_LENGTH + 1 }), false);
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
