import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { indexOperations } from './operations.ts';
import { loadSpecFile } from './spec-file.ts';
import { specFilesOf } from './spec-files.ts';

const dir = mkdtempSync(join(tmpdir(), 'rampart-spec-files-'));
describe('spec-files', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  function specWith(paths: readonly string[]): string {
    const entries = paths.map(
      (path) => `  ${path}:\n    get:\n      responses: { "200": { description: ok } }`,
    );
    return `openapi: 3.1.0\ninfo: { title: t, version: "1" }\npaths:\n${entries.join('\n')}\n`;
  }

  describe('spec files of a config', () => {
    test('lists each spec the contract policies name once, resolved against the config directory', () => {
      const files = specFilesOf(
        {
          defaults: { policies: { 'response-filter': { spec: 'api.yaml' } } },
          routes: [
            { policies: { 'openapi-validate': { spec: 'api.yaml' }, methods: { allow: ['GET'] } } },
            { policies: { 'openapi-validate': { spec: '/srv/other.json' } } },
            {},
          ],
        },
        '/etc/rampart',
      );
      assert.deepEqual(files, ['/etc/rampart/api.yaml', '/srv/other.json']);
    });

    test('a config version built after the spec file changed sees the new operations', () => {
      const file = join(dir, 'api.yaml');
      writeFileSync(file, specWith(['/a']));
      const before = indexOperations(loadSpecFile('api.yaml', dir), {});
      assert.equal(before.match('GET', '/b').kind, 'not-found');
      // A different size, so the change is seen even where modification times are coarse.
      writeFileSync(file, specWith(['/a', '/b']));
      const afterEdit = indexOperations(loadSpecFile('api.yaml', dir), {});
      assert.equal(afterEdit.match('GET', '/b').kind, 'found');
    });
  });
});
