// The PostgreSQL identity store against a real server: the shared store suite, versioned migrations,
// and change notices (LISTEN/NOTIFY) that reach every instance sharing the database.
import assert from 'node:assert/strict';
import { EventEmitter, once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import { Client } from 'pg';
import { createPostgresStore } from '../src/store/postgres-store.ts';
import type { StoreChange } from '../src/store/store.ts';
import { postgresSkipReason, startPostgres, type TestPostgres } from './helpers/postgres.ts';
import { storeSuite } from './helpers/store-suite.ts';

const skip = postgresSkipReason();

describe('postgres identity store', { skip }, () => {
  let pg: TestPostgres;
  let databases = 0;
  const freshDatabase = () => pg.createDatabase(`rampart_${++databases}`);
  before(async () => {
    pg = await startPostgres();
  });
  after(async () => {
    await pg?.stop();
  });

  storeSuite(async (clock) =>
    createPostgresStore({ url: await freshDatabase(), ...(clock === undefined ? {} : { clock }) }),
  );

  test('instances started together migrate once and refuse a schema newer than they know', async () => {
    const url = await freshDatabase();
    const stores = await Promise.all([1, 2, 3].map(() => createPostgresStore({ url })));
    await Promise.all(stores.map((store) => store.close()));
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query('SELECT version FROM rampart_migrations ORDER BY version');
      assert.deepEqual(
        rows.map((r) => r.version),
        [1],
      );
      await client.query('INSERT INTO rampart_migrations (version, applied_at) VALUES (99, 0)');
    } finally {
      await client.end();
    }
    await assert.rejects(createPostgresStore({ url }), /version 99, newer than this rampart knows/);
  });

  test('announces key, signing key, consumer and token changes to every instance', async () => {
    const url = await freshDatabase();
    const writer = await createPostgresStore({ url });
    const reader = await createPostgresStore({ url, listen: true });
    const changes = new EventEmitter();
    const seen: StoreChange[] = [];
    const stop = reader.watch!((change) => {
      seen.push(change);
      changes.emit('change');
    });
    const next = async (count: number) => {
      while (seen.length < count) await once(changes, 'change');
      return seen.slice(0, count);
    };
    try {
      const bob = await writer.createConsumer({ name: 'bob' });
      await writer.insertApiKey({
        id: 'key000000001',
        consumerId: bob.id,
        hash: new Uint8Array(32),
        createdAt: 1,
        expiresAt: undefined,
        revokedAt: undefined,
        replacedBy: undefined,
      });
      await writer.updateApiKey('key000000001', { revokedAt: 2 });
      await writer.updateApiKey('no-such-key', { revokedAt: 2 });
      await writer.setConsumerEnabled(bob.id, false);
      await writer.insertSigningKey({
        id: 'sig_AAAAAAAAAAAAAAAA',
        consumerId: bob.id,
        algorithm: 'ed25519',
        material: new Uint8Array(44),
        createdAt: 1,
        revokedAt: undefined,
      });
      await writer.revokeSigningKey('sig_AAAAAAAAAAAAAAAA', 3);
      const revocation = {
        kind: 'subject' as const,
        value: 'u1',
        issuedBefore: 5,
        createdAt: 5,
        expiresAt: 50,
      };
      await writer.insertTokenRevocation(revocation);
      assert.deepEqual(await next(6), [
        { kind: 'key', id: 'key000000001' },
        { kind: 'key', id: 'key000000001' },
        { kind: 'consumer', id: bob.id },
        { kind: 'signing-key', id: 'sig_AAAAAAAAAAAAAAAA' },
        { kind: 'signing-key', id: 'sig_AAAAAAAAAAAAAAAA' },
        { kind: 'token-revocation', revocation },
      ]);
    } finally {
      stop();
      await writer.close();
      await reader.close();
    }
  });

  test('tells its watchers to resync after the listening connection was lost', async () => {
    const url = await freshDatabase();
    const store = await createPostgresStore({ url, listen: true });
    const changes = new EventEmitter();
    const seen: StoreChange[] = [];
    const stop = store.watch!((change) => {
      seen.push(change);
      changes.emit('change');
    });
    const admin = new Client({ connectionString: url });
    await admin.connect();
    try {
      // Ends the listening backend as a database restart or a network cut would.
      await admin.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%' AND pid <> pg_backend_pid()",
      );
      while (!seen.some((c) => c.kind === 'resync')) await once(changes, 'change');
      // Listening again: a later change arrives.
      const carol = await store.createConsumer({ name: 'carol' });
      await store.setConsumerEnabled(carol.id, false);
      while (!seen.some((c) => c.kind === 'consumer')) await once(changes, 'change');
    } finally {
      stop();
      await admin.end();
      await store.close();
    }
  });
});
