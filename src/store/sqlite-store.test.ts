import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, test } from 'node:test';
import { storeSuite } from '../../test/helpers/store-suite.ts';
import { createSqliteStore } from './sqlite-store.ts';

describe('sqlite identity store', () => {
  storeSuite(async (clock) => createSqliteStore(':memory:', clock));

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

  test('records its schema version, upgrades an unversioned file and refuses a newer one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rampart-store-'));
    const file = join(dir, 'ids.db');
    const version = () => {
      const db = new DatabaseSync(file);
      const row = db.prepare('PRAGMA user_version').get() as { user_version: number };
      db.close();
      return row.user_version;
    };
    const setVersion = (v: number) => {
      const db = new DatabaseSync(file);
      db.exec(`PRAGMA user_version = ${v}`);
      db.close();
    };
    try {
      const first = createSqliteStore(file);
      await first.createConsumer({ name: 'erin' });
      await first.close();
      assert.equal(version(), 1);
      // A file written before versioning has the tables and user_version 0.
      setVersion(0);
      const upgraded = createSqliteStore(file);
      assert.equal((await upgraded.findConsumer('erin'))?.name, 'erin');
      await upgraded.close();
      assert.equal(version(), 1);
      setVersion(99);
      assert.throws(() => createSqliteStore(file), /version 99, newer than this rampart knows/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
