// The audit trail's hash chain in a real sqlite file: written through the batching writer, checked by
// `rampart audit-log verify`, which names the record that was changed, removed or reordered, and whose
// signed checkpoints catch a cut tail or a chain rewritten from some record on.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, beforeEach, describe, test } from 'node:test';
import { canonicalJson } from '../src/audit-trail/canonical-json.ts';
import { type AuditRecord, hashRecord } from '../src/audit-trail/record.ts';
import { createCheckpointSigner } from '../src/audit-trail/signer.ts';
import { createSqliteAuditStorage } from '../src/audit-trail/sqlite-storage.ts';
import { createAuditTrail } from '../src/audit-trail/trail.ts';
import { runCliInProcess } from './helpers/cli.ts';
import { fakeClock } from './helpers/context.ts';

const HMAC_KEY = 'audit-checkpoint-key-0123456789abcdef0123';

describe('audit-log verify', () => {
  let dir: string;
  let db: string;
  const env = { AUDIT_KEY: HMAC_KEY };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'rampart-audit-trail-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  let counter = 0;
  /** A fresh file with `count` records, a checkpoint every 4 (the last on close). */
  const writeTrail = async (
    count: number,
    key: string = HMAC_KEY,
    algorithm: 'hmac-sha256' | 'ed25519' = 'hmac-sha256',
  ) => {
    db = join(dir, `trail-${++counter}.db`);
    const storage = createSqliteAuditStorage(db);
    const clock = fakeClock(Date.UTC(2026, 2, 1));
    const trail = createAuditTrail({
      storage,
      clock,
      signer: createCheckpointSigner(algorithm, key),
      checkpointEvery: 4,
      batchSize: 3,
    });
    for (let i = 1; i <= count; i++) {
      trail.record({
        kind: 'admin',
        action: 'POST /consumers',
        actor: 'write-token',
        outcome: '201',
        target: { n: String(i) },
      });
      clock.advance(1000);
      // One append per record, so checkpoints fall on records 4 and 8 (and 10, on close).
      await trail.flush();
    }
    await trail.close();
    await storage.close();
  };
  const sql = (statement: string) => {
    const handle = new DatabaseSync(db);
    try {
      handle.exec(statement);
    } finally {
      handle.close();
    }
  };
  const verify = (...extra: string[]) =>
    runCliInProcess(['audit-log', 'verify', '--db', db, '--key', 'env:AUDIT_KEY', ...extra], { env });

  beforeEach(async () => {
    await writeTrail(10);
  });

  test('an untouched trail verifies, checkpoints included', async () => {
    const result = await verify('--json');
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const report = JSON.parse(result.stdout) as {
      records: number;
      checkpoints: number;
      checkpointsVerified: number;
    };
    assert.equal(report.records, 10);
    assert.equal(report.checkpoints, 3);
    assert.equal(report.checkpointsVerified, report.checkpoints);
  });

  test('a changed record fails at that record', async () => {
    sql(`UPDATE audit_trail SET body = replace(body, '"write-token"', '"read-token"') WHERE position = 5`);
    const result = await verify();
    assert.equal(result.code, 1);
    assert.match(result.stdout, /TAMPERED: record 5: its content does not match its hash \(changed\)/);
    assert.doesNotMatch(result.stdout, /record [1-46-9]\b|record 10/);
  });

  test('a removed record fails naming the missing one', async () => {
    sql('DELETE FROM audit_trail WHERE position = 5');
    const result = await verify();
    assert.equal(result.code, 1);
    assert.match(result.stdout, /TAMPERED: record 5 is missing \(removed\)/);
  });

  test('reordered records fail at the first one out of place', async () => {
    sql(`UPDATE audit_trail SET position = -1 WHERE position = 5;
         UPDATE audit_trail SET position = 5 WHERE position = 6;
         UPDATE audit_trail SET position = 6 WHERE position = -1;`);
    const result = await verify();
    assert.equal(result.code, 1);
    const first = result.stdout.split('\n').find((line) => line.startsWith('TAMPERED'));
    assert.equal(first, 'TAMPERED: record 5: the store holds record 6 in its place (reordered)');
    assert.match(result.stdout, /record 6: the store holds record 5 in its place/);
  });

  test('a changed record whose hash was recomputed breaks the link of the next one', async () => {
    const handle = new DatabaseSync(db);
    const row = handle.prepare('SELECT body FROM audit_trail WHERE position = 7').get() as { body: string };
    const record = { ...(JSON.parse(row.body) as AuditRecord), actor: 'nobody' };
    handle
      .prepare('UPDATE audit_trail SET body = ?, hash = ? WHERE position = 7')
      .run(canonicalJson(record as never), hashRecord(record));
    handle.close();
    const result = await verify();
    assert.equal(result.code, 1);
    assert.match(result.stdout, /TAMPERED: record 8: does not follow record 7/);
  });

  test('a chain rewritten from a record on fails at the signed checkpoint it contradicts', async () => {
    // Rewrite records 3…10 with valid hashes and links: only a signature shows it.
    const handle = new DatabaseSync(db);
    const rows = handle.prepare('SELECT position, body FROM audit_trail ORDER BY position').all() as Array<{
      position: number;
      body: string;
    }>;
    let prev = '';
    for (const row of rows) {
      let record = JSON.parse(row.body) as AuditRecord;
      if (row.position >= 3) {
        record = { ...record, prev, actor: 'someone-else' };
        handle
          .prepare('UPDATE audit_trail SET body = ?, hash = ? WHERE position = ?')
          .run(canonicalJson(record as never), hashRecord(record), row.position);
      }
      prev = hashRecord(record);
    }
    handle.close();
    const result = await verify();
    assert.equal(result.code, 1);
    assert.match(result.stdout, /TAMPERED: record 4: differs from its signed checkpoint/);
    // Without the key the rewrite is still seen: checkpoints keep the original hashes.
    const keyless = await runCliInProcess(['audit-log', 'verify', '--db', db]);
    assert.equal(keyless.code, 1);
    assert.match(keyless.stdout, /signatures not checked/);
  });

  test('a cut tail fails at the last signed record; a forged checkpoint fails its signature', async () => {
    sql('DELETE FROM audit_trail WHERE position >= 9');
    const cut = await verify();
    assert.equal(cut.code, 1);
    assert.match(cut.stdout, /TAMPERED: record 10: signed by a checkpoint but missing \(removed\)/);
    await writeTrail(10);
    sql(`UPDATE audit_checkpoints SET time = time + 1 WHERE seq = 8`);
    const forged = await verify();
    assert.equal(forged.code, 1);
    assert.match(forged.stdout, /checkpoint at record 8: its signature does not hold/);
  });

  test('Ed25519 checkpoints verify with the public key alone; another key is named', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    await writeTrail(6, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 'ed25519');
    const pub = join(dir, 'audit.pub');
    const verifyEd25519 = (file: string) =>
      runCliInProcess(['audit-log', 'verify', '--db', db, '--key', `file:${file}`, '--algorithm', 'ed25519']);
    writeFileSync(pub, publicKey.export({ type: 'spki', format: 'pem' }).toString());
    const ok = await verifyEd25519(pub);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /6 records/);
    const other = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    writeFileSync(pub, other);
    const wrong = await verifyEd25519(pub);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stdout, /signed with another key/);
  });

  test('export prints the records from --since on as JSON lines, in order', async () => {
    const since = new Date(Date.UTC(2026, 2, 1) + 6000).toISOString();
    const result = await runCliInProcess(['audit-log', 'export', '--db', db, '--since', since]);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as AuditRecord & { hash: string });
    assert.deepEqual(
      lines.map((line) => line.seq),
      [7, 8, 9, 10],
    );
    // Each line carries what an outside checker needs: the record as hashed and its hash.
    for (const { hash, timestamp: _t, ...record } of lines as Array<
      AuditRecord & { hash: string; timestamp: string }
    >) {
      assert.equal(hashRecord(record), hash);
    }
    assert.equal((await runCliInProcess(['audit-log', 'export', '--db', db])).code, 2);
    // A path without a trail (a typo) is an error, never an empty trail that verifies.
    const missing = await runCliInProcess(['audit-log', 'verify', '--db', join(dir, 'typo.db')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /holds no audit trail/);
  });
});

describe('audit trail writer', () => {
  test('a full queue drops entries and records the gap in the chain', async () => {
    const storage = createSqliteAuditStorage(':memory:');
    const trail = createAuditTrail({ storage, maxQueue: 3, batchSize: 100 });
    for (let i = 0; i < 5; i++)
      trail.record({ kind: 'denial', action: 'denied', actor: 'gateway', outcome: 'x' });
    await trail.close();
    const stored = await storage.read(1, 100);
    assert.deepEqual(
      stored.map((s) => s.record.kind),
      ['gap', 'denial', 'denial', 'denial'],
    );
    assert.equal(stored[0]!.record.details?.dropped, 2);
    await storage.close();
  });

  test('secret-looking values in details are redacted before they are hashed', async () => {
    const storage = createSqliteAuditStorage(':memory:');
    const trail = createAuditTrail({ storage });
    const key = 'rmp_live_abcdefabcdef0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
    trail.record({
      kind: 'admin',
      action: 'POST /x',
      actor: 'write-token',
      outcome: '200',
      details: { note: `Bearer ${key}` },
    });
    await trail.close();
    const [stored] = await storage.read(1, 10);
    assert.ok(!JSON.stringify(stored).includes(key));
    await storage.close();
  });
});

describe('store commands in the audit trail', () => {
  test('consumers and keys changed from the CLI are recorded, signed, and never hold the key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rampart-audit-cli-'));
    try {
      const db = join(dir, 'rampart.db');
      // A store whose gateway keeps an audit trail (its tables exist).
      await createSqliteAuditStorage(db).close();
      const env = { AUDIT_KEY: HMAC_KEY };
      assert.equal(
        (await runCliInProcess(['consumers', 'add', 'alice', '--roles', 'read', '--db', db])).code,
        0,
      );
      const created = await runCliInProcess(['keys', 'create', '--consumer', 'alice', '--db', db]);
      assert.equal(created.code, 0, created.stderr);
      const key = created.stdout.trim();
      const exported = await runCliInProcess(['audit-log', 'export', '--db', db, '--since', '1h']);
      const records = exported.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as AuditRecord);
      assert.deepEqual(
        records.map((r) => r.action),
        ['consumer.create', 'api-key.create'],
      );
      assert.match(records[0]!.actor, /^cli/);
      assert.equal(records[0]!.details?.consumer, 'alice');
      assert.ok(!exported.stdout.includes(key) && !readFileSync(db).toString('latin1').includes(key));
      const verified = await runCliInProcess(['audit-log', 'verify', '--db', db, '--key', 'env:AUDIT_KEY'], {
        env,
      });
      assert.equal(verified.code, 0, verified.stdout);
      // A store without an audit trail stays without one.
      const plain = join(dir, 'plain.db');
      assert.equal((await runCliInProcess(['consumers', 'add', 'bob', '--db', plain])).code, 0);
      const handle = new DatabaseSync(plain);
      const tables = handle.prepare("SELECT name FROM sqlite_master WHERE name LIKE 'audit%'").all();
      handle.close();
      assert.deepEqual(tables, []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
