// openapi-validate, response-filter and detect (schema-aware) on one spec in one config version: one
// operation index compiled, and each request matched against it once whichever policies ask.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { configFor, contextFor, depsFor } from '../../test/helpers/context.ts';
import type { OperationIndex } from '../openapi/index.ts';
import { detect } from './detect/index.ts';
import { openapiValidate } from './openapi-validate/index.ts';
import type { PolicyContext, PolicyDeps, VersionCache } from './policy.ts';
import { responseFilter } from './response-filter/index.ts';

const SPEC = 'examples/demo-api/openapi.yaml';

/** A per-version cache as the gateway keeps one, remembering what it built. */
function recordingCache(): VersionCache & { readonly built: Map<string, unknown> } {
  const built = new Map<string, unknown>();
  return {
    built,
    once<T>(key: string, build: () => T): T {
      if (!built.has(key)) built.set(key, build());
      return built.get(key) as T;
    },
  };
}

function policiesOn(deps: PolicyDeps) {
  return {
    validate: openapiValidate.create(configFor(openapiValidate, { spec: SPEC }), deps),
    detect: detect.create(configFor(detect, { spec: SPEC }), deps),
    filter: responseFilter.create(configFor(responseFilter, { spec: SPEC }), deps),
  };
}

/** One request through all three: request phases top down, then the response phase. */
async function serve(policies: ReturnType<typeof policiesOn>, ctx: PolicyContext, body: string) {
  assert.equal((await policies.validate.onRequest!(ctx)).kind, 'continue');
  assert.equal((await policies.detect.onRequest!(ctx)).kind, 'continue');
  assert.equal((await policies.filter.onRequest!(ctx)).kind, 'continue');
  const response = contextFor({ response: { status: 200, body } }).response;
  Object.assign(ctx, { response });
  return policies.filter.onResponse!(ctx);
}

describe('one operation index per spec per config version', () => {
  test('compiles one index for three policies and matches each request once', async () => {
    const cache = recordingCache();
    const policies = policiesOn(depsFor({ versionCache: cache }));
    const indexes = [...cache.built.keys()].filter((key) => key.startsWith('openapi:index:'));
    assert.equal(indexes.length, 1);
    const index = (cache.built.get(indexes[0]!) as { index: OperationIndex }).index;
    let matches = 0;
    const match = index.match.bind(index);
    Object.assign(index, {
      match: (method: string, path: string) => {
        matches++;
        return match(method, path);
      },
    });

    // The demo spec requires an API key or a bearer token (openapi-validate checks its presence).
    const headers = { 'x-api-key': 'presented' };
    const first = contextFor({ rawUrl: '/orders?limit=5', headers });
    const body = JSON.stringify({ items: [], total: 0, internal: 'x' });
    assert.equal((await serve(policies, first, body)).kind, 'continue');
    assert.equal(matches, 1);
    // The filter used the match: the undeclared member is gone.
    assert.deepEqual(JSON.parse(String(first.response?.body)), { items: [], total: 0 });

    await serve(policies, contextFor({ rawUrl: '/orders?limit=7', headers }), body);
    assert.equal(matches, 2, 'once per request');
  });

  test('a second route in the same version reuses the index and the contract', () => {
    const cache = recordingCache();
    const deps = depsFor({ versionCache: cache });
    policiesOn(deps);
    const size = cache.built.size;
    policiesOn(deps);
    assert.equal(cache.built.size, size);
  });

  test('another base path is another index of the same spec', () => {
    const cache = recordingCache();
    const deps = depsFor({ versionCache: cache });
    responseFilter.create(configFor(responseFilter, { spec: SPEC }), deps);
    responseFilter.create(configFor(responseFilter, { spec: SPEC, basePath: '/api' }), deps);
    assert.equal([...cache.built.keys()].filter((key) => key.startsWith('openapi:index:')).length, 2);
  });
});
