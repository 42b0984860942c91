import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { apiKeyId, generateApiKey, hashApiKey } from './api-key-token.ts';
import { createExpiringLru } from './lru.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { challengesFor, failureOf, noteChallenge, noteFailure } from './request-notes.ts';

describe('api key text', () => {
  test('generates prefixed keys with a parseable id and a 256-bit secret part', () => {
    const { key, id, hash } = generateApiKey();
    assert.match(key, /^rmp_live_[A-Za-z0-9_-]{55}$/);
    assert.equal(apiKeyId(key), id);
    assert.deepEqual(hash, hashApiKey(key));
    assert.notEqual(generateApiKey().key, key);
  });

  test('refuses text that is not one of its keys', () => {
    const { key } = generateApiKey();
    assert.equal(apiKeyId(`${key}x`), undefined);
    assert.equal(apiKeyId(key.replace('rmp_live_', 'rmp_test_')), undefined);
    assert.equal(apiKeyId(`${key.slice(0, -1)}!`), undefined);
  });
});

describe('expiring LRU', () => {
  test('evicts the least recently used entry when full and drops expired entries', () => {
    const cache = createExpiringLru<number>(2);
    cache.set('a', 1, 100);
    cache.set('b', 2, 100);
    assert.equal(cache.get('a', 0), 1);
    cache.set('c', 3, 100);
    assert.equal(cache.get('b', 0), undefined);
    assert.equal(cache.get('a', 0), 1);
    assert.equal(cache.get('c', 100), undefined);
    assert.equal(cache.size, 1);
  });
});

describe('passwords', () => {
  test('verifies the right password only and refuses malformed hashes', async () => {
    const hash = await hashPassword('correct horse');
    assert.match(hash, /^scrypt\$/);
    assert.equal(await verifyPassword('correct horse', hash), true);
    assert.equal(await verifyPassword('correct horsE', hash), false);
    assert.equal(await verifyPassword('correct horse', 'scrypt$1$1$1$AA$AA'), false);
    await assert.rejects(hashPassword(''));
  });
});

describe('request notes', () => {
  test('joins the challenges of optional methods and remembers a failure', () => {
    const ctx = {};
    noteChallenge(ctx, 'ApiKey realm="r"');
    noteChallenge(ctx, 'ApiKey realm="r"');
    assert.equal(challengesFor(ctx, 'Bearer realm="r"'), 'ApiKey realm="r", Bearer realm="r"');
    assert.equal(failureOf(ctx), undefined);
    noteFailure(ctx, 'rmp_live_x');
    assert.deepEqual(failureOf(ctx), { credentialId: 'rmp_live_x' });
  });
});
