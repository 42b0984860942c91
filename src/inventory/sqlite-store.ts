// The inventory store on node:sqlite, in the same database file as the identity store (its own
// tables, its own connection). A flush is one IMMEDIATE transaction, so instances writing the same
// file merge their facts instead of overwriting each other's.
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { type EndpointFacts, endpointKey, mergeFacts } from './facts.ts';
import type { InventoryStore, InventoryUpdate, MergeResult, RiskPoint } from './store.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS inventory_endpoints (
  method TEXT NOT NULL,
  template TEXT NOT NULL,
  facts TEXT NOT NULL,
  PRIMARY KEY (method, template)
);
CREATE TABLE IF NOT EXISTS inventory_counters (
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS inventory_risk (
  api TEXT NOT NULL,
  at INTEGER NOT NULL,
  score INTEGER NOT NULL,
  PRIMARY KEY (api, at)
);
`;

/** Opens (creating its tables when missing) the inventory store in the sqlite file at `path`. */
export function createSqliteInventoryStore(path: string): InventoryStore {
  if (path !== ':memory:') {
    // The file may be the identity store's, which holds signing secrets: created owner-only, as it is.
    mkdirSync(dirname(path), { recursive: true });
    closeSync(openSync(path, 'a', 0o600));
  }
  const db = new DatabaseSync(path);
  db.exec('PRAGMA busy_timeout = 5000;');
  if (path !== ':memory:') db.exec('PRAGMA journal_mode = WAL;');
  db.exec(SCHEMA);
  const statements = {
    get: db.prepare('SELECT facts FROM inventory_endpoints WHERE method = ? AND template = ?'),
    put: db.prepare(
      `INSERT INTO inventory_endpoints (method, template, facts) VALUES (?, ?, ?)
       ON CONFLICT(method, template) DO UPDATE SET facts = excluded.facts`,
    ),
    remove: db.prepare('DELETE FROM inventory_endpoints WHERE method = ? AND template = ?'),
    count: db.prepare('SELECT COUNT(*) AS n FROM inventory_endpoints'),
    all: db.prepare('SELECT facts FROM inventory_endpoints ORDER BY template, method'),
    addCounter: db.prepare(
      `INSERT INTO inventory_counters (name, value) VALUES (?, ?)
       ON CONFLICT(name) DO UPDATE SET value = value + excluded.value`,
    ),
    counters: db.prepare('SELECT name, value FROM inventory_counters ORDER BY name'),
    insertRisk: db.prepare('INSERT OR REPLACE INTO inventory_risk (api, at, score) VALUES (?, ?, ?)'),
    risk: db.prepare('SELECT api, at, score FROM inventory_risk WHERE api = ? ORDER BY at DESC LIMIT ?'),
  };
  const read = (method: string, template: string): EndpointFacts | undefined => {
    const row = statements.get.get(method, template) as { facts: string } | undefined;
    return row === undefined ? undefined : (JSON.parse(row.facts) as EndpointFacts);
  };
  const write = (facts: EndpointFacts): void => {
    statements.put.run(facts.method, facts.template, JSON.stringify(facts));
  };
  const transaction = <T>(body: () => T): T => {
    db.exec('BEGIN IMMEDIATE');
    try {
      const result = body();
      db.exec('COMMIT');
      return result;
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
  };

  return {
    async merge(update: InventoryUpdate): Promise<MergeResult> {
      return transaction(() => {
        for (const fold of update.folds) {
          const from = read(fold.method, fold.from);
          if (from === undefined || fold.from === fold.to) continue;
          statements.remove.run(fold.method, fold.from);
          from.template = fold.to;
          const into = read(fold.method, fold.to);
          write(into === undefined ? from : mergeFacts(into, from));
        }
        let rows = Number((statements.count.get() as { n: number }).n);
        const created: string[] = [];
        let refused = 0;
        for (const facts of update.endpoints) {
          const held = read(facts.method, facts.template);
          if (held !== undefined) {
            write(mergeFacts(held, facts));
            continue;
          }
          if (rows >= update.maxEndpoints) {
            refused += facts.count;
            continue;
          }
          rows++;
          write(facts);
          created.push(endpointKey(facts.method, facts.template));
        }
        const counters = { ...update.counters };
        if (refused > 0) counters['dropped.endpoints'] = (counters['dropped.endpoints'] ?? 0) + refused;
        for (const [name, value] of Object.entries(counters))
          if (value !== 0) statements.addCounter.run(name, value);
        return { created };
      });
    },
    async list() {
      return (statements.all.all() as Array<{ facts: string }>).map(
        (row) => JSON.parse(row.facts) as EndpointFacts,
      );
    },
    async counters() {
      const out: Record<string, number> = {};
      for (const row of statements.counters.all() as Array<{ name: string; value: number }>)
        out[row.name] = Number(row.value);
      return out;
    },
    async clear() {
      db.exec('DELETE FROM inventory_endpoints; DELETE FROM inventory_counters;');
    },
    async recordRisk(point: RiskPoint) {
      statements.insertRisk.run(point.api, point.at, point.score);
    },
    async riskHistory(api, limit) {
      return (statements.risk.all(api, limit) as Array<{ api: string; at: number; score: number }>).map(
        (row) => ({
          api: String(row.api),
          at: Number(row.at),
          score: Number(row.score),
        }),
      );
    },
    async close() {
      if (db.isOpen) db.close();
    },
  };
}
