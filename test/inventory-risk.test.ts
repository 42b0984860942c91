// The risk register over a real config and store: an API overdue for review is listed, a reviewed
// one with a steady score is not, and one whose risk rose (a new shadow endpoint, a scan with
// findings) is listed again; every run records its scores in the store.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import type { CliIo } from '../src/cli/io.ts';
import { runRisk } from '../src/cli/risk.ts';
import { Learner } from '../src/inventory/learner.ts';
import type { RiskEntry } from '../src/inventory/risk.ts';
import { loadSpecSet } from '../src/inventory/spec-set.ts';
import { createSqliteInventoryStore } from '../src/inventory/sqlite-store.ts';

const SPEC = resolve(import.meta.dirname, '../examples/demo-api/openapi.yaml');
const NOW = Date.parse('2026-06-01T12:00:00Z');

let dir: string;

function writeConfig(reviewedAt: string): string {
  const file = join(dir, 'rampart.yaml');
  writeFileSync(
    file,
    `
version: 1
store: { sqlite: rampart.db }
inventory:
  apis:
    - { name: demo, spec: ${SPEC}, routes: [api], owner: team-demo, reviewedAt: "${reviewedAt}", reviewEvery: 30d }
upstreams:
  demo: { url: "http://127.0.0.1:1" }
routes:
  - name: api
    match: { path: /* }
    upstream: demo
    policies:
      openapi-validate: { spec: ${SPEC} }
`,
  );
  return file;
}

async function risk(args: string[]): Promise<{ code: number; entries: RiskEntry[] }> {
  let stdout = '';
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: () => true },
    stdin: Readable.from([]),
    env: {},
    cwd: dir,
  };
  const code = await runRisk(['-c', 'rampart.yaml', '--json', ...args], io, () => NOW);
  return { code, entries: JSON.parse(stdout) as RiskEntry[] };
}

async function learn(paths: ReadonlyArray<[method: string, path: string, status: number]>): Promise<void> {
  const store = createSqliteInventoryStore(join(dir, 'rampart.db'));
  const learner = new Learner({ specs: loadSpecSet([{ spec: SPEC }], dir) });
  for (const [method, path, status] of paths)
    learner.learn({ time: NOW, method, path, rawQuery: '', status, durationMs: 2, route: 'api' });
  await store.merge({ endpoints: learner.take().endpoints, folds: [], counters: {}, maxEndpoints: 100 });
  await store.close();
}

describe('rampart risk', () => {
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'rampart-risk-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('lists an API overdue for review with its owner and parts', async () => {
    writeConfig('2026-01-01');
    await learn([
      ['GET', '/users/1', 200],
      ['GET', '/v1/users/1', 200],
    ]);
    const { code, entries } = await risk([]);
    assert.equal(code, 1);
    const demo = entries.find((e) => e.name === 'demo')!;
    assert.equal(demo.owner, 'team-demo');
    assert.equal(demo.overdue, true);
    assert.equal(demo.reviewDue, '2026-01-31');
    assert.equal(demo.risen, false);
    assert.ok(demo.parts.audit.score > 0);
    assert.ok(demo.parts.inventory.score > 0, 'a zombie and an anonymous secured call count');
    assert.equal(demo.parts.scan.score, 50);
  });

  test('a reviewed API whose score did not rise is not listed', async () => {
    writeConfig('2026-05-20');
    const { code, entries } = await risk([]);
    assert.equal(code, 0);
    assert.equal(entries.find((e) => e.name === 'demo')?.overdue, false);
  });

  test('lists an API again when its risk rose: a new shadow endpoint, a scan with findings', async () => {
    const before = (await risk(['--no-record'])).entries.find((e) => e.name === 'demo')!;
    await learn([['GET', '/debug/crash', 500]]);
    const report = join(dir, 'scan.json');
    writeFileSync(
      report,
      JSON.stringify({
        startedAt: '2026-05-30T00:00:00Z',
        findings: [{ severity: 'high' }, { severity: 'critical' }, { severity: 'critical' }],
      }),
    );
    const { code, entries } = await risk(['--scan', `demo=${report}`]);
    assert.equal(code, 1);
    const demo = entries.find((e) => e.name === 'demo')!;
    assert.equal(demo.risen, true);
    assert.equal(demo.previous, before.score);
    assert.ok(demo.score > before.score);
    assert.equal(demo.parts.scan.score, 75);
    assert.ok(demo.parts.inventory.score > before.parts.inventory.score, 'the shadow endpoint counts');
  });
});
