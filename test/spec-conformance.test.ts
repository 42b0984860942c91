// The spec conformance harness (bench/spec-conformance.ts) as a regression test: valid requests
// generated from a multi-file spec and from a sample of GitHub's description pass openapi-validate
// (strict defaults) and schema-aware detect; an example that contradicts its schema is told apart.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { samplePattern } from '../bench/conformance/pattern-sample.ts';
import { runConformance } from '../bench/conformance/run.ts';

const GITHUB = 'node_modules/@octokit/openapi/generated/api.github.com.json';

describe('spec conformance', () => {
  test('every operation of the multi-file fixture gets a request and none is falsely refused', async () => {
    const report = await runConformance('test/fixtures/multi-file-spec/openapi.yaml', { full: true });
    assert.equal(report.operations, 10);
    assert.equal(report.requests, 10);
    assert.deepEqual([...report.notGenerated], []);
    assert.deepEqual(report.falseRefusals, []);
    assert.deepEqual(report.exampleUndecided, []);
    assert.equal(report.fullRequests, 40);
    assert.deepEqual(report.fullRefusals, []);
    assert.deepEqual(report.detectDenied, []);
    // patchThing's example sends `watts: "forty"` for an integer: the spec's fault, located.
    assert.deepEqual(
      report.exampleContradictions.map((r) => [r.operation, r.location]),
      [['patchThing', 'body.watts']],
    );
  });

  test('a sample of GitHub operations passes with no false refusal and no detect denial', async () => {
    const report = await runConformance(GITHUB, { sample: 120, compile: 'lazy', full: true });
    assert.equal(report.selected, 120);
    assert.ok(report.requests >= 115, `requests ${report.requests}`);
    assert.deepEqual(report.falseRefusals, []);
    assert.deepEqual(report.fullRefusals, []);
    assert.deepEqual(report.detectDenied, []);
  });

  test('GitHub operations whose templates differ only in parameter names are each reached', async () => {
    // GET …/{subject_digest} and DELETE …/{attestation_id} share one path shape.
    const only = new Set([
      'orgs/list-attestations',
      'orgs/delete-attestations-by-id',
      'users/list-attestations',
    ]);
    const report = await runConformance(GITHUB, { only, compile: 'lazy' });
    assert.equal(report.requests, 3);
    assert.deepEqual(report.falseRefusals, []);
  });

  test('a pattern sample matches its pattern, and patterns the reader does not know give none', () => {
    for (const pattern of [
      '^(0|[1-9][0-9]*)$',
      '^[a-z][a-z0-9-]{2,30}$',
      '^sha256:[0-9a-f]{8}$',
      '^ssh-(rsa|dss|ed25519) |^ecdsa-sha2-nistp(256|384|521) ',
      '^[^/]+\\.json$',
      '^\\d{4}-\\d{2}$',
    ]) {
      const sample = samplePattern(pattern);
      assert.ok(sample !== undefined && new RegExp(pattern, 'u').test(sample), `${pattern} → ${sample}`);
    }
    assert.equal(samplePattern('^(?=a)b$'), undefined);
    assert.equal(samplePattern('^(a)\\1$'), undefined);
  });
});
