// The behaviour every IdentityStore backend must show, as one suite run against each (node:sqlite in
// src/store/sqlite-store.test.ts, PostgreSQL in test/store-postgres.test.ts). `open` gives a fresh,
// empty store per test, on the clock it is given.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type IdentityStore, StoreConflictError } from '../../src/store/store.ts';

/** Opens a new empty store whose clock is `clock`. */
export type OpenStore = (clock?: () => number) => Promise<IdentityStore>;

const record = (id: string, consumerId: string) => ({
  id,
  consumerId,
  hash: new Uint8Array(32).fill(7),
  createdAt: 1_000,
  expiresAt: undefined,
  revokedAt: undefined,
  replacedBy: undefined,
});

/** Registers the shared store tests (call inside a describe). */
export function storeSuite(open: OpenStore): void {
  test('creates, finds by id or name, lists and disables consumers', async () => {
    const store = await open(() => 42);
    try {
      const alice = await store.createConsumer({ name: 'alice', roles: ['read'], metadata: { team: 'a' } });
      assert.deepEqual(await store.findConsumer(alice.id), alice);
      assert.deepEqual(await store.findConsumer('alice'), alice);
      assert.equal(alice.createdAt, 42);
      await assert.rejects(store.createConsumer({ name: 'alice' }), StoreConflictError);
      assert.equal(await store.setConsumerEnabled(alice.id, false), true);
      assert.equal((await store.findConsumer('alice'))?.enabled, false);
      assert.equal(await store.setConsumerEnabled('missing', false), false);
      assert.equal(await store.setConsumerRoles(alice.id, ['write', 'read']), true);
      assert.deepEqual((await store.findConsumer(alice.id))?.roles, ['write', 'read']);
      await store.createConsumer({ name: 'Zed' });
      await store.createConsumer({ name: 'bob' });
      // Byte order, whatever the database's collation: upper case before lower case.
      assert.deepEqual(
        (await store.listConsumers()).map((c) => c.name),
        ['Zed', 'alice', 'bob'],
      );
    } finally {
      await store.close();
    }
  });

  test('stores key hashes, finds a key with its consumer and applies updates', async () => {
    const store = await open();
    try {
      const bob = await store.createConsumer({ name: 'bob' });
      await store.insertApiKey(record('key000000001', bob.id));
      await assert.rejects(store.insertApiKey(record('key000000001', bob.id)), StoreConflictError);
      const found = await store.findApiKey('key000000001');
      assert.equal(found?.consumer.name, 'bob');
      assert.deepEqual([...found!.key.hash], [...new Uint8Array(32).fill(7)]);
      assert.equal(found?.key.expiresAt, undefined);
      assert.equal(await store.updateApiKey('key000000001', { revokedAt: 5 }), true);
      assert.equal((await store.findApiKey('key000000001'))?.key.revokedAt, 5);
      await store.updateApiKey('key000000001', { expiresAt: 9, replacedBy: 'key000000003' });
      const updated = await store.findApiKey('key000000001');
      assert.deepEqual(
        [updated?.key.revokedAt, updated?.key.expiresAt, updated?.key.replacedBy],
        [5, 9, 'key000000003'],
      );
      assert.equal(await store.updateApiKey('nope', { revokedAt: 1 }), false);
      assert.equal(await store.findApiKey('nope'), undefined);
      await assert.rejects(store.insertApiKey(record('key000000002', 'no-such-consumer')));
      await store.insertApiKey({ ...record('key000000004', bob.id), createdAt: 2_000 });
      assert.deepEqual(
        (await store.listApiKeys(bob.id)).map((k) => k.id),
        ['key000000004', 'key000000001'],
      );
      assert.equal((await store.listApiKeys()).length, 2);
      assert.deepEqual(await store.listApiKeys('someone-else'), []);
    } finally {
      await store.close();
    }
  });

  test('stores passwords with their consumer and replaces them', async () => {
    const store = await open();
    try {
      const carol = await store.createConsumer({ name: 'carol' });
      await store.setPassword({ username: 'carol', consumerId: carol.id, hash: 'scrypt$a', createdAt: 1 });
      await store.setPassword({ username: 'carol', consumerId: carol.id, hash: 'scrypt$b', createdAt: 2 });
      const found = await store.findPassword('carol');
      assert.deepEqual(found?.password, {
        username: 'carol',
        consumerId: carol.id,
        hash: 'scrypt$b',
        createdAt: 2,
      });
      assert.equal(found?.consumer.name, 'carol');
      assert.equal(await store.findPassword('nobody'), undefined);
    } finally {
      await store.close();
    }
  });

  test('stores signing keys with their consumer and revokes them once', async () => {
    const store = await open();
    try {
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
      assert.equal((await store.listSigningKeys()).length, 1);
      assert.equal(await store.revokeSigningKey(key.id, 7), true);
      await store.revokeSigningKey(key.id, 9);
      assert.equal((await store.findSigningKey(key.id))?.key.revokedAt, 7);
      assert.equal(await store.revokeSigningKey('sig_nope', 7), false);
    } finally {
      await store.close();
    }
  });

  test('lists token revocations after a sequence number and only while in force', async () => {
    const store = await open();
    try {
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
      assert.equal((await store.listTokenRevocations(0, 20)).length, 2);
    } finally {
      await store.close();
    }
  });
}
