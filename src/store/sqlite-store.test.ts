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
