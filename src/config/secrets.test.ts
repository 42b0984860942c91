import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Type } from '@sinclair/typebox';
import { SecretRef } from './schema.ts';
import { findSecretRefs } from './secrets.ts';

describe('findSecretRefs', () => {
  test('finds references wherever the schema uses SecretRef, also inside records and arrays', () => {
    const schema = Type.Object({
      admin: Type.Optional(Type.Object({ token: Type.Optional(SecretRef) })),
      keys: Type.Record(Type.String({ pattern: '^[a-z]+$' }), Type.Object({ secret: SecretRef })),
      list: Type.Array(Type.Union([SecretRef, Type.Integer()])),
      plain: Type.String(),
    });
    const value = {
      admin: { token: 'env:A' },
      keys: { one: { secret: 'file:one.key' } },
      list: ['env:B', 3],
      plain: 'env:NOT_A_SECRET_FIELD',
    };
    assert.deepEqual(findSecretRefs(schema, value), [
      { path: ['admin', 'token'], ref: 'env:A' },
      { path: ['keys', 'one', 'secret'], ref: 'file:one.key' },
      { path: ['list', 0], ref: 'env:B' },
    ]);
  });
});
