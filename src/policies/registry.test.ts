import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ERROR_CODES } from '../errors/codes.ts';
import { STAGES } from './policy.ts';
import { findPolicy, POLICY_DEFINITIONS } from './registry.ts';

describe('policy registry', () => {
  test('lists the policies in their documented order', () => {
    assert.deepEqual(
      POLICY_DEFINITIONS.map((definition) => definition.name),
      [
        'request-limits',
        'cors',
        'csrf',
        'methods',
        'ip-filter',
        'brute-force',
        'api-key',
        'jwt',
        'basic',
        'hmac-signature',
        'mtls',
        'introspection',
        'token-shield',
        'identity-enrich',
        'login-guard',
        'authorize',
        'rate-limit',
        'quota',
        'concurrency',
        'openapi-validate',
        'graphql',
        'detect',
        'security-headers',
        'error-sanitize',
        'response-filter',
        'sensitive-data',
      ],
    );
  });

  test('finds a policy by its config key and nothing else', () => {
    assert.equal(findPolicy('ip-filter')?.name, 'ip-filter');
    assert.equal(findPolicy('IP-FILTER'), undefined);
    assert.equal(findPolicy('toString'), undefined);
  });

  test('has unique kebab-case names, known stages and catalogued error codes', () => {
    const names = new Set<string>();
    for (const definition of POLICY_DEFINITIONS) {
      assert.match(definition.name, /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
      assert.ok(!names.has(definition.name), definition.name);
      names.add(definition.name);
      assert.ok(STAGES.includes(definition.stage), definition.stage);
      for (const code of definition.errors) assert.ok(Object.hasOwn(ERROR_CODES, code), code);
    }
  });

  test('gives every policy a config schema that refuses unknown members', () => {
    for (const definition of POLICY_DEFINITIONS) {
      assert.equal(definition.config.additionalProperties, false, definition.name);
    }
  });

  test('keeps `mode` free in every policy config, since the pipeline reserves it', () => {
    for (const definition of POLICY_DEFINITIONS) {
      assert.equal(Object.hasOwn(definition.config.properties, 'mode'), false, definition.name);
    }
  });
});
