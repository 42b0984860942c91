// Multi-file specs: operations, parameters and schemas behind `$ref`s to other files are loaded as if
// written in one file; what cannot be resolved is refused with its file and pointer.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { configFor, contextFor, depsFor } from '../../test/helpers/context.ts';
import { openapiValidate } from '../policies/openapi-validate/index.ts';
import { hasExternalRefs, UnresolvableRefError } from './bundle.ts';
import { listOperations } from './operations.ts';
import { loadSpecFile } from './spec-file.ts';
import { specFilesOf } from './spec-files.ts';

const dir = mkdtempSync(join(tmpdir(), 'rampart-bundle-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function write(relative: string, text: string): string {
  const path = join(dir, relative);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

write(
  'api/openapi.yaml',
  `openapi: 3.0.3
info: { title: split, version: "1" }
paths:
  /pets/{petId}:
    $ref: paths/pet.yaml
  /owners:
    $ref: "./paths/owners.yaml#/owners"
components:
  schemas:
    Error: { type: object, properties: { message: { type: string } } }
`,
);
write(
  'api/paths/pet.yaml',
  `parameters:
  - $ref: "../common/parameters.yaml#/PetId"
get:
  operationId: getPet
  responses:
    "200":
      description: a pet
      content:
        application/json:
          schema: { $ref: "../common/schemas.yaml#/Pet" }
    default:
      description: error
      content:
        application/json:
          schema: { $ref: "../openapi.yaml#/components/schemas/Error" }
put:
  operationId: putPet
  requestBody:
    required: true
    content:
      application/json:
        schema: { $ref: "../common/schemas.yaml#/Pet" }
  responses: { "204": { description: stored } }
`,
);
write(
  'api/paths/owners.yaml',
  `owners:
  post:
    operationId: addOwner
    requestBody:
      content:
        application/json:
          schema: { $ref: "../common/schemas.yaml#/Owner" }
    responses: { "201": { description: created } }
`,
);
write(
  'api/common/parameters.yaml',
  'PetId: { name: petId, in: path, required: true, schema: { type: integer } }\n',
);
write(
  'api/common/schemas.yaml',
  `Pet:
  type: object
  additionalProperties: false
  required: [name]
  properties:
    name: { type: string, maxLength: 20 }
    owner: { $ref: "#/Owner" }
Owner:
  type: object
  additionalProperties: false
  properties:
    name: { type: string }
    pets: { type: array, items: { $ref: "#/Pet" } }
`,
);

describe('a spec split across files', () => {
  test('loads every operation, with the parts it is made of', () => {
    const spec = loadSpecFile(join(dir, 'api/openapi.yaml'));
    const operations = listOperations(spec).map((operation) => operation.operationId);
    assert.deepEqual(operations.sort(), ['addOwner', 'getPet', 'putPet']);
    assert.equal(spec.parts.length, 4);
    assert.ok(
      specFilesOf(
        { routes: [{ policies: { 'openapi-validate': { spec: 'api/openapi.yaml' } } }] },
        dir,
      ).includes(join(dir, 'api/common/schemas.yaml')),
    );
  });

  test('validates requests against schemas and parameters defined in other files, cycles included', async () => {
    const handlers = openapiValidate.create(
      configFor(openapiValidate, { spec: 'api/openapi.yaml' }),
      depsFor({ baseDir: dir }),
    );
    const put = (path: string, body: object) =>
      handlers.onRequest!(
        contextFor({
          method: 'PUT',
          rawUrl: path,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }),
      );
    assert.equal(
      (await put('/pets/7', { name: 'Rex', owner: { name: 'Ann', pets: [{ name: 'Tom' }] } })).kind,
      'continue',
    );
    const undeclared = await put('/pets/7', { name: 'Rex', role: 'admin' });
    assert.equal(undeclared.kind === 'deny' && undeclared.code, 'RAMPART_VALIDATION_REQUEST_INVALID');
    const nested = await put('/pets/7', { name: 'Rex', owner: { pets: [{ name: 'x'.repeat(21) }] } });
    assert.equal(nested.kind, 'deny');
    const badParam = await put('/pets/seven', { name: 'Rex' });
    assert.equal(badParam.kind, 'deny');
  });

  test('reloads a part that changed', () => {
    const path = join(dir, 'api/openapi.yaml');
    const before = loadSpecFile(path);
    const schemas = write('api/common/schemas.yaml', 'Pet: { type: object }\nOwner: { type: object }\n');
    utimesSync(schemas, new Date(), new Date(Date.now() + 5_000));
    assert.notEqual(loadSpecFile(path), before);
  });
});

describe('references that cannot be resolved', () => {
  test('a missing file is refused with the file and pointer that name it', () => {
    const path = write(
      'broken/openapi.yaml',
      'openapi: 3.1.0\ninfo: { title: b, version: "1" }\npaths:\n  /a:\n    $ref: paths/missing.yaml\n',
    );
    assert.throws(
      () => loadSpecFile(path),
      (error: unknown) =>
        error instanceof UnresolvableRefError && error.file === path && error.pointer === '#/paths/~1a',
    );
  });

  test('a remote URL is refused, never fetched', () => {
    const path = write(
      'remote/openapi.yaml',
      'openapi: 3.1.0\ninfo: { title: r, version: "1" }\npaths:\n  /a:\n    $ref: "https://example.com/a.yaml"\n',
    );
    assert.throws(() => loadSpecFile(path), /remote references are not fetched/);
  });

  test('a pointer that does not exist in the other file is refused', () => {
    write('pointer/other.yaml', 'Thing: { type: string }\n');
    const path = write(
      'pointer/openapi.yaml',
      'openapi: 3.1.0\ninfo: { title: p, version: "1" }\npaths:\n  /a:\n    $ref: "other.yaml#/Nothing"\n',
    );
    assert.throws(() => loadSpecFile(path), /other\.yaml#\/Nothing.*does not resolve/);
  });

  test('the quick check finds only non-local references', () => {
    assert.equal(hasExternalRefs('a:\n  $ref: "#/components/schemas/A"\nb: { "$ref": "#/x" }'), false);
    assert.equal(hasExternalRefs('a:\n  $ref: other.yaml'), true);
    assert.equal(hasExternalRefs('{"$ref": "./x.json#/a"}'), true);
  });
});
