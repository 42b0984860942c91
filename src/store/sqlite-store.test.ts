import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createSqliteStore } from './sqlite-store.ts';
import { StoreConflictError } from './store.ts';

const record = (id: string, consumerId: string) => ({
  id,
  consumerId,
  hash: new Uint8Array(32).fill(7),
  createdAt: 1_000,
  expiresAt: undefined,
  revokedAt: undefined,
  replacedBy: undefined,
});

describe('sqlite identity store', () => {
  test('creates, finds by id or name, lists and disables consumers', async () => {
    const store = createSqliteStore(':memory:', () => 42);
    const alice = await store.createConsumer({ name: 'alice', roles: ['read'], metadata: { team: 'a' } });
    assert.deepEqual(await store.findConsumer(alice.id), alice);
    assert.deepEqual(await store.findConsumer('alice'), alice);
    assert.equal(alice.createdAt, 42);
    await assert.rejects(store.createConsumer({ name: 'alice' }), StoreConflictError);
    assert.equal(await store.setConsumerEnabled(alice.id, false), true);
    assert.equal((await store.findConsumer('alice'))?.enabled, false);
    assert.equal(await store.setConsumerEnabled('missing', false), false);
    assert.deepEqual(
      (await store.listConsumers()).map((c) => c.name),
      ['alice'],
    );
    await store.close();
  });

  test('stores key hashes, finds a key with its consumer and applies updates', async () => {
    const store = createSqliteStore(':memory:');
    const bob = await store.createConsumer({ name: 'bob' });
    await store.insertApiKey(record('key000000001', bob.id));
    const found = await store.findApiKey('key000000001');
    assert.equal(found?.consumer.name, 'bob');
    assert.deepEqual([...found!.key.hash], [...new Uint8Array(32).fill(7)]);
    assert.equal(await store.updateApiKey('key000000001', { revokedAt: 5 }), true);
    assert.equal((await store.findApiKey('key000000001'))?.key.revokedAt, 5);
    await store.updateApiKey('key000000001', { expiresAt: 9 });
    assert.equal((await store.findApiKey('key000000001'))?.key.revokedAt, 5);
    assert.equal(await store.findApiKey('nope'), undefined);
    await assert.rejects(store.insertApiKey(record('key000000002', 'no-such-consumer')));
    await store.close();
  });

  test('stores signing keys with their consumer and revokes them once', async () => {
    const store = createSqliteStore(':memory:');
    const dave = await store.createConsumer({ name: 'dave' });
    const key = {
      id: 'sig_AAAAAAAAAAAAAAAA',
      consumerId: dave.id,
      algorithm: 'hmac-sha256' as const,
      material: new Uint8Array(43).fill(65),
      createdAt: 1,
      revokedAt: undefined,
    };
    await store.insertSigningKey(key);
    await assert.rejects(store.insertSigningKey(key), StoreConflictError);
    const found = await store.findSigningKey(key.id);
    assert.equal(found?.consumer.name, 'dave');
    assert.deepEqual([...found!.key.material], [...key.material]);
    assert.equal((await store.listSigningKeys(dave.id)).length, 1);
    assert.equal(await store.revokeSigningKey(key.id, 7), true);
    await store.revokeSigningKey(key.id, 9);
    assert.equal((await store.findSigningKey(key.id))?.key.revokedAt, 7);
    assert.equal(await store.revokeSigningKey('sig_nope', 7), false);
    await store.close();
  });

  test('lists token revocations after a sequence number and only while in force', async () => {
    const store = createSqliteStore(':memory:');
    const base = { issuedBefore: 10, createdAt: 10, expiresAt: 100 };
    const first = await store.insertTokenRevocation({ kind: 'jti', value: 'a', ...base });
    await store.insertTokenRevocation({ kind: 'subject', value: 'u1', ...base, expiresAt: 50 });
    assert.deepEqual(
      (await store.listTokenRevocations(0, 20)).map((r) => r.value),
      ['a', 'u1'],
    );
    assert.deepEqual(
      (await store.listTokenRevocations(first, 60)).map((r) => r.value),
      [],
    );
    const again = await store.insertTokenRevocation({ kind: 'jti', value: 'a', ...base, expiresAt: 200 });
    assert.ok(again > first);
    assert.deepEqual(
      (await store.listTokenRevocations(first, 150)).map((r) => [r.value, r.expiresAt]),
      [['a', 200]],
    );
    await store.close();
  });

  test('keeps its data in the file across openings', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rampart-store-'));
    try {
      const first = createSqliteStore(join(dir, 'ids.db'));
      const carol = await first.createConsumer({ name: 'carol' });
      await first.setPassword({ username: 'carol', consumerId: carol.id, hash: 'scrypt$x', createdAt: 1 });
      await first.close();
      const second = createSqliteStore(join(dir, 'ids.db'));
      assert.equal((await second.findPassword('carol'))?.consumer.id, carol.id);
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
