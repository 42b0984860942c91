import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { contextFor } from '../../test/helpers/context.ts';
import { createSqliteStore } from '../store/sqlite-store.ts';
import { apiKeyId, generateApiKey, hashApiKey } from './api-key-token.ts';
import { issueApiKey, rotateApiKey } from './api-keys.ts';
import { type AuthnMethod, type AuthnSettings, establish, missingCredential, refuse } from './authn.ts';
import { createExpiringLru } from './lru.ts';
import { hashPassword, verifyPassword } from './passwords.ts';

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

describe('the authentication outcome on the context', () => {
  const settings = (optional: boolean): AuthnSettings => ({
    optional,
    stripCredentials: true,
    forward: {
      consumerId: 'x-consumer-id',
      consumerName: 'x-consumer-name',
      scopes: 'x-consumer-scopes',
      method: 'x-authenticated-by',
      claims: {},
    },
  });
  const apiKey: AuthnMethod = {
    method: 'api-key',
    challenge: 'ApiKey realm="r"',
    location: 'header.x-api-key',
  };
  const jwt: AuthnMethod = { method: 'jwt', challenge: 'Bearer realm="r"', location: 'header.authorization' };

  test('records absent methods once per challenge and offers every challenge in the final 401', () => {
    const ctx = contextFor();
    assert.equal(missingCredential(ctx, settings(true), apiKey).kind, 'continue');
    assert.equal(missingCredential(ctx, settings(true), apiKey).kind, 'continue');
    const verdict = missingCredential(ctx, settings(false), jwt);
    assert.equal(
      verdict.kind === 'deny' && verdict.headers?.['www-authenticate'],
      'ApiKey realm="r", Bearer realm="r"',
    );
    assert.deepEqual(
      ctx.authn.attempts.map((a) => `${a.method}:${a.result}`),
      ['api-key:absent', 'api-key:absent', 'jwt:absent'],
    );
    assert.equal(ctx.authn.failure, undefined);
  });

  test('records a refusal with its credential id and a success with the method that identified', () => {
    const ctx = contextFor();
    const refused = refuse(ctx, apiKey, {
      rule: 'unknown-key',
      reason: 'no such key',
      credentialId: 'rmp_live_x',
    });
    assert.equal(refused.headers?.['www-authenticate'], 'ApiKey realm="r"');
    assert.deepEqual(ctx.authn.failure, { method: 'api-key', result: 'failed', credentialId: 'rmp_live_x' });
    establish(ctx, { consumerId: 'alice', scopes: [], method: 'jwt' }, settings(false), 'sub:alice');
    assert.deepEqual(ctx.authn.attempts.at(-1), {
      method: 'jwt',
      result: 'succeeded',
      credentialId: 'sub:alice',
    });
    assert.equal(ctx.identity?.consumerId, 'alice');
    assert.equal(ctx.upstreamHeaders.get('x-authenticated-by'), 'jwt');
  });
});

describe('rotateApiKey', () => {
  test("gives the successor the old key's lifetime unless one is given, as the CLI and the admin API do", async () => {
    const store = createSqliteStore(':memory:');
    const consumer = await store.createConsumer({ name: 'alice' });
    const now = Date.UTC(2026, 5, 1);
    const day = 86_400_000;
    const lifetime = (issued: Awaited<ReturnType<typeof issueApiKey>>) =>
      issued.record.expiresAt === undefined ? undefined : issued.record.expiresAt - issued.record.createdAt;
    const weekly = await issueApiKey(store, consumer, { now, ttlMs: 7 * day });
    assert.equal(lifetime(await rotateApiKey(store, weekly.record.id, { now, graceMs: day })), 7 * day);
    const other = await issueApiKey(store, consumer, { now, ttlMs: 7 * day });
    assert.equal(
      lifetime(await rotateApiKey(store, other.record.id, { now, graceMs: day, ttlMs: day })),
      day,
    );
    const permanent = await issueApiKey(store, consumer, { now });
    assert.equal(lifetime(await rotateApiKey(store, permanent.record.id, { now, graceMs: day })), undefined);
    await store.close();
  });
});
