import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { secretWeakness } from './weak-secrets.ts';

describe('weak shared secrets', () => {
  test('flags defaults, words, walks, digit runs and repetitions, whatever their length', () => {
    for (const secret of [
      'random',
      'secret',
      'changeme',
      'jwt_secret',
      'JWT-Secret',
      'secret2024',
      'your-256-bit-secret',
      'a-string-secret-at-least-256-bits-long',
      'qwertyuiop',
      '123456789',
      '9876543210',
      'secretsecretsecretsecretsecretsecret',
      '0000000000000000000000000000000000000000',
      'abababababababababababababababababab',
    ]) {
      assert.notEqual(secretWeakness(secret), undefined, secret);
    }
  });

  test('flags a random secret shorter than 32 bytes and accepts 32+ random bytes', () => {
    assert.match(secretWeakness(randomBytes(16).toString('base64url')) ?? '', /shorter than 32/);
    for (let i = 0; i < 50; i++) {
      assert.equal(secretWeakness(randomBytes(32).toString('base64')), undefined);
    }
  });

  test('never repeats the secret in its reason', () => {
    const reason = secretWeakness('changeme') ?? '';
    assert.ok(!reason.includes('changeme'));
  });
});
