// The config examples in the contract policies' READMEs load through the real config loader and
// build, and every key they use exists in the policy's schema, so the docs cannot drift from the code.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { formatConfigError } from '../src/config/errors.ts';
import { loadConfigText } from '../src/config/load.ts';
import { buildPolicies } from '../src/instance/build-check.ts';
import { POLICY_DEFINITIONS } from '../src/policies/registry.ts';

const POLICIES = ['openapi-validate', 'response-filter', 'sensitive-data'] as const;
// The examples name specs relative to examples/, where examples/rampart.yaml lives.
const CONFIG_FILE = fileURLToPath(new URL('../examples/readme-example.yaml', import.meta.url));

function yamlBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1]!);
}

/** A whole config around a README's `policies:` example: one route, one upstream. */
function configAround(policies: unknown): string {
  return stringify({
    version: 1,
    upstreams: { api: { url: 'http://127.0.0.1:3000' } },
    routes: [{ name: 'api', match: { path: '/*' }, upstream: 'api', policies }],
  });
}

describe('contract policy READMEs', () => {
  for (const name of POLICIES) {
    test(`${name}: the config example loads, validates and builds`, async () => {
      const readme = readFileSync(new URL(`../src/policies/${name}/README.md`, import.meta.url), 'utf8');
      const blocks = yamlBlocks(readme);
      assert.ok(blocks.length > 0, 'the README has a yaml example');
      for (const block of blocks) {
        const example = parse(block) as { policies?: Record<string, unknown> };
        assert.ok(example.policies?.[name] !== undefined, `the example configures ${name}`);
        const loaded = await loadConfigText(configAround(example.policies), CONFIG_FILE, POLICY_DEFINITIONS);
        assert.ok(loaded.ok, loaded.ok ? '' : loaded.errors.map(formatConfigError).join('\n'));
        assert.deepEqual(buildPolicies(loaded).map(formatConfigError), []);
      }
    });
  }

  for (const name of POLICIES) {
    test(`${name}: the README lists exactly the error codes the policy can deny with`, () => {
      const readme = readFileSync(new URL(`../src/policies/${name}/README.md`, import.meta.url), 'utf8');
      const documented = new Set(readme.match(/RAMPART_[A-Z_]+/g));
      const definition = POLICY_DEFINITIONS.find((candidate) => candidate.name === name)!;
      assert.deepEqual([...documented].sort(), [...definition.errors].sort());
    });
  }

  test('a README example with a key the schema does not know is refused', async () => {
    const text = configAround({ 'sensitive-data': { types: { card: 'mask' }, maxbytes: '1mb' } });
    const loaded = await loadConfigText(text, CONFIG_FILE, POLICY_DEFINITIONS);
    assert.equal(loaded.ok, false);
  });
});
