import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCliInProcess } from '../../test/helpers/cli.ts';
import { diffConfigs } from './config-diff.ts';

const config = (routes: string, redis = 'redis://127.0.0.1:6379/0') => `version: 1
state: { backend: redis, redis: { url: "${redis}" } }
upstreams: { app: { url: "http://127.0.0.1:3000" } }
routes:
${routes}`;

describe('rampart config diff', () => {
  test('matches named items by name and reports additions, removals, changes and order', () => {
    const a = {
      routes: [
        { name: 'a', x: 1 },
        { name: 'b', x: 1 },
      ],
      limits: [1, 2],
    };
    const b = { routes: [{ name: 'c' }, { name: 'b', x: 2 }], limits: [1], added: true };
    assert.deepEqual(
      diffConfigs(a, b).map((c) => `${c.op} ${c.path}`),
      ['+ added', '- limits[1]', '- routes["a"]', '~ routes["b"].x', '+ routes["c"]'],
    );
    const reordered = diffConfigs(
      { routes: [{ name: 'a' }, { name: 'b' }] },
      { routes: [{ name: 'b' }, { name: 'a' }] },
    );
    assert.deepEqual(reordered, [{ op: '~', path: 'routes (order)', before: ['a', 'b'], after: ['b', 'a'] }]);
  });

  test('compares configs after defaults, masks URL passwords and exits 1 on a difference, 0 without', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rampart-diff-'));
    try {
      const route = '  - { name: api, match: { path: /api }, upstream: app }';
      writeFileSync(join(dir, 'a.yaml'), config(route, 'redis://:old-secret@127.0.0.1:6379/0'));
      // The same as a's default written out: no change.
      writeFileSync(
        join(dir, 'b.yaml'),
        config(
          `${route.replace('app }', 'app, allowMethodOverride: false }')}\n  - { name: new, match: { path: /new }, upstream: app }`,
          'redis://:new-secret@127.0.0.1:6379/0',
        ),
      );
      const result = await runCliInProcess(['config', 'diff', 'a.yaml', 'b.yaml'], { cwd: dir });
      assert.equal(result.code, 1, result.stderr);
      const lines = result.stdout.trim().split('\n');
      assert.equal(lines.length, 2, result.stdout);
      assert.match(lines[0]!, /^\+ routes\["new"\]: \{/);
      assert.equal(
        lines[1],
        '~ state.redis.url: "redis://:***@127.0.0.1:6379/0" → "redis://:***@127.0.0.1:6379/0"',
      );
      assert.doesNotMatch(result.stdout, /secret/);
      const same = await runCliInProcess(['config', 'diff', 'a.yaml', 'a.yaml'], { cwd: dir });
      assert.deepEqual([same.code, same.stdout], [0, 'no changes\n']);
      writeFileSync(join(dir, 'bad.yaml'), 'version: 1\nupstreams: {}\nroutes: []\nroutez: []\n');
      assert.equal((await runCliInProcess(['config', 'diff', 'a.yaml', 'bad.yaml'], { cwd: dir })).code, 2);
      assert.ok(readFileSync(join(dir, 'a.yaml'), 'utf8').includes('old-secret'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
