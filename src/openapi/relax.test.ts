// Schemas as real specs write them: a pattern valid in JavaScript but not in unicode mode and an empty
// enum are relaxed with their pointers, the rest of the operation is still validated, eagerly or lazily.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { configFor, contextFor, depsFor } from '../../test/helpers/context.ts';
import { openapiValidate } from '../policies/openapi-validate/index.ts';
import { loadSpecFile } from './spec-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'rampart-relax-'));
after(() => rmSync(dir, { recursive: true, force: true }));

writeFileSync(
  join(dir, 'wild.yaml'),
  String.raw`openapi: 3.0.3
info: { title: wild, version: "1" }
paths:
  /hosts:
    post:
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              additionalProperties: false
              required: [address]
              properties:
                address: { type: string, pattern: '^[a-z0-9.]+\:[0-9]+$' }
                kind: { type: string, enum: [] }
                note: { type: string, maxLength: 10, example: { pattern: '\:' } }
      responses: { "201": { description: created } }
`,
);

describe('keywords no validator compiles', () => {
  test('are dropped and reported with their pointers', () => {
    const spec = loadSpecFile(join(dir, 'wild.yaml'));
    assert.deepEqual(spec.relaxed.map(({ pointer, keyword }) => [pointer, keyword]).sort(), [
      [
        '#/paths/~1hosts/post/requestBody/content/application~1json/schema/properties/address/pattern',
        'pattern',
      ],
      ['#/paths/~1hosts/post/requestBody/content/application~1json/schema/properties/kind/enum', 'enum'],
    ]);
  });

  for (const eager of [true, false]) {
    test(`leave the rest of the operation validated (${eager ? 'eager' : 'lazy'} compile)`, async () => {
      const handlers = openapiValidate.create(
        configFor(openapiValidate, { spec: 'wild.yaml', compile: eager ? 'eager' : 'lazy' }),
        depsFor({ baseDir: dir }),
      );
      const post = (body: object) =>
        handlers.onRequest!(
          contextFor({
            method: 'POST',
            rawUrl: '/hosts',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body),
          }),
        );
      assert.equal((await post({ address: 'db.local:5432', kind: 'any' })).kind, 'continue');
      const tooLong = await post({ address: 'a:1', note: 'x'.repeat(11) });
      assert.equal(tooLong.kind === 'deny' && tooLong.code, 'RAMPART_VALIDATION_REQUEST_INVALID');
      const undeclared = await post({ address: 'a:1', admin: true });
      assert.equal(undeclared.kind, 'deny');
    });
  }
});
