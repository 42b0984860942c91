// GitHub's public REST description (@octokit/openapi, OpenAPI 3.0, ~1200 operations) as a contract:
// it loads and compiles, valid example requests pass and crafted invalid ones fail at the right places.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { before, describe, test } from 'node:test';
import {
  type Contract,
  checkRequest,
  compileContract,
  loadSpecFile,
  type RequestCheck,
} from '../src/openapi/index.ts';

const require = createRequire(import.meta.url);
const GITHUB_SPEC = join(
  dirname(require.resolve('@octokit/openapi/package.json')),
  'generated/api.github.com.json',
);
const LIMITS = {
  rejectUnknownQuery: true,
  maxViolations: 20,
  multipart: { maxParts: 10, maxFieldBytes: 1024, maxFileBytes: 1024 },
};

let contract: Contract;

async function check(method: string, url: string, body?: unknown): Promise<RequestCheck> {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const match = contract.index.match(method, path);
  assert.equal(match.kind, 'found', `${method} ${path}`);
  if (match.kind !== 'found') throw new Error('unreachable');
  return checkRequest(
    contract.spec.document,
    contract.compiled(match.operation),
    {
      pathParams: match.params,
      query: new URLSearchParams(q === -1 ? '' : url.slice(q + 1)),
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : Buffer.from(JSON.stringify(body)),
    },
    LIMITS,
  );
}

function locations(result: RequestCheck): string[] {
  assert.equal(result.kind, 'invalid');
  return result.kind === 'invalid' ? result.violations.map((v) => v.location).sort() : [];
}

describe('contract-github', () => {
  before(() => {
    contract = compileContract(loadSpecFile(GITHUB_SPEC), { closeObjects: true, refuseReadOnly: true });
  });

  describe('GitHub REST description as a contract', () => {
    test('indexes every operation of the document', () => {
      assert.ok(contract.index.operations.length > 1000);
      assert.equal(contract.index.match('GET', '/repos/octo/hello/issues').kind, 'found');
      assert.equal(contract.index.match('GET', '/repos/octo/hello/no-such-thing').kind, 'not-found');
      assert.equal(contract.index.match('PATCH', '/meta').kind, 'method-not-allowed');
    });

    test('passes valid example requests', async () => {
      assert.equal(
        (await check('GET', '/repos/octo/hello/issues?state=open&per_page=50&labels=bug,ui')).kind,
        'ok',
      );
      assert.equal(
        (await check('POST', '/repos/octo/hello/issues', { title: 'Crash', labels: ['bug'] })).kind,
        'ok',
      );
      assert.equal((await check('POST', '/user/repos', { name: 'demo', private: true })).kind, 'ok');
      assert.equal((await check('GET', '/users/octocat')).kind, 'ok');
    });

    test('reports enum, type and unknown-parameter violations in the query', async () => {
      const result = await check('GET', '/repos/octo/hello/issues?state=bogus&per_page=abc&debug=1');
      assert.deepEqual(locations(result), ['query.debug', 'query.per_page', 'query.state']);
    });

    test('reports a missing required member and undeclared members in the body', async () => {
      assert.deepEqual(locations(await check('POST', '/repos/octo/hello/issues', { body: 'no title' })), [
        'body.title',
      ]);
      assert.deepEqual(locations(await check('POST', '/user/repos', { name: 'demo', isAdmin: true })), [
        'body.isAdmin',
      ]);
    });

    test('reports a path parameter of the wrong type', async () => {
      assert.deepEqual(locations(await check('GET', '/repos/octo/hello/issues/not-a-number')), [
        'path.issue_number',
      ]);
    });
  });
});
