import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { Ajv } from 'ajv';
import formats from 'ajv-formats';
import { parse } from 'yaml';
import { runCliInProcess } from '../../test/helpers/cli.ts';

const EXAMPLE = readFileSync(new URL('../../examples/rampart.yaml', import.meta.url), 'utf8');

/** The schema as `rampart schema` prints it, compiled by a plain draft-07 validator (as an editor would). */
async function printedValidator() {
  const printed = await runCliInProcess(['schema']);
  assert.equal(printed.code, 0, printed.stderr);
  const schema = JSON.parse(printed.stdout) as Record<string, unknown>;
  assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
  const ajv = new Ajv({ allErrors: true, strict: true });
  formats.default(ajv);
  return ajv.compile(schema);
}

describe('rampart schema', () => {
  test('prints a JSON Schema that accepts examples/rampart.yaml and refuses typos', async () => {
    const validate = await printedValidator();
    assert.equal(validate(parse(EXAMPLE)), true, JSON.stringify(validate.errors?.slice(0, 3)));

    // A misspelt policy name inside a route.
    const policyTypo = parse(EXAMPLE.replace('rate-limit:', 'rate-limt:'));
    assert.equal(validate(policyTypo), false);
    assert.ok(
      validate.errors?.some(
        (e) => e.keyword === 'additionalProperties' && e.params.additionalProperty === 'rate-limt',
      ),
    );
    // A misspelt top-level section.
    const sectionTypo = { ...parse(EXAMPLE), upstream: {} };
    assert.equal(validate(sectionTypo), false);
    // A value of the wrong kind.
    const badValue = parse(EXAMPLE) as { version: unknown };
    badValue.version = 2;
    assert.equal(validate(badValue), false);
  });
});
