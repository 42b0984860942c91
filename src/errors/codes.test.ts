import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { POLICY_DEFINITIONS } from '../policies/registry.ts';
import { ERROR_CODES, isErrorCode } from './codes.ts';

const errorsDoc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');

test('every error code is documented in docs/errors.md with its status', () => {
  for (const [code, { status }] of Object.entries(ERROR_CODES)) {
    const row = errorsDoc.split('\n').find((line) => line.includes(`\`${code}\``));
    assert.ok(row !== undefined, `${code} is missing from docs/errors.md`);
    assert.ok(row.includes(`| ${status} |`), `${code} is documented with another status than ${status}`);
  }
});

test('every code a policy declares is in the catalogue', () => {
  for (const definition of POLICY_DEFINITIONS) {
    for (const code of definition.errors) assert.ok(isErrorCode(code), `${definition.name} declares ${code}`);
  }
});

test('codes follow RAMPART_<AREA>_<REASON> and statuses are errors, but for two answers that refuse nothing', () => {
  // The HTTPS redirect and the CORS preflight answer are the gateway's own, yet not refusals.
  const answers: Record<string, number> = { RAMPART_HTTP_HTTPS_REQUIRED: 308, RAMPART_CORS_PREFLIGHT: 204 };
  for (const [code, { status }] of Object.entries(ERROR_CODES)) {
    assert.match(code, /^RAMPART_[A-Z]+_[A-Z_]+$/);
    assert.ok((status >= 400 && status < 600) || answers[code] === status, `${code} has status ${status}`);
  }
});
