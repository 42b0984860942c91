// The configs a newcomer meets first must load and build: the README's example and the embedded defaults.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { demoConfigText } from '../src/config/defaults.ts';
import { formatConfigError } from '../src/config/errors.ts';
import { loadConfigFile, loadConfigText } from '../src/config/load.ts';
import { buildPolicies } from '../src/instance/build-check.ts';
import { POLICY_DEFINITIONS } from '../src/policies/registry.ts';

test('examples/rampart.yaml loads and every policy block builds', async () => {
  const file = fileURLToPath(new URL('../examples/rampart.yaml', import.meta.url));
  const loaded = await loadConfigFile(file, POLICY_DEFINITIONS);
  assert.ok(loaded.ok, loaded.ok ? '' : loaded.errors.map(formatConfigError).join('\n'));
  assert.deepEqual(buildPolicies(loaded).map(formatConfigError), []);
});

test('the embedded demo defaults load and every policy block builds', async () => {
  const loaded = await loadConfigText(
    demoConfigText('http://127.0.0.1:3000', { http: 8080, admin: 9901 }),
    '<embedded defaults>',
    POLICY_DEFINITIONS,
  );
  assert.ok(loaded.ok, loaded.ok ? '' : loaded.errors.map(formatConfigError).join('\n'));
  assert.deepEqual(buildPolicies(loaded).map(formatConfigError), []);
});
