// Places of a spec that are not validated as written (a keyword relaxed at load, a schema that does not
// compile) are reported with their file and pointer: as audit findings, and as `rampart validate`
// warnings that leave the config valid.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { auditSpecFile } from '../src/audit/index.ts';
import { buildInitConfig } from '../src/init/build-config.ts';
import { loadSpecFile } from '../src/openapi/index.ts';
import { runCli } from './helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'rampart-spec-warnings-'));
after(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, 'schemas'));
const spec = join(dir, 'openapi.yaml');
const part = join(dir, 'schemas', 'host.yaml');
writeFileSync(
  spec,
  `openapi: 3.0.3
info: { title: warnings, version: "1" }
paths:
  /hosts:
    post:
      requestBody:
        content:
          application/json:
            schema: { $ref: "schemas/host.yaml#/Host" }
      responses: { "201": { description: created } }
  /zones:
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                kind: { type: string, enum: [] }
                size: { type: strng }
      responses: { "201": { description: created } }
`,
);
writeFileSync(
  part,
  String.raw`Host:
  type: object
  properties:
    address: { type: string, pattern: '^[a-z]+\:[0-9]+$' }
`,
);

describe('spec places not validated as written', () => {
  test('audit reports each relaxed keyword and uncompilable schema with its file and pointer', () => {
    const report = auditSpecFile(spec);
    const relaxed = report.findings.filter((f) => f.rule === 'schema-keyword-relaxed');
    assert.deepEqual(relaxed.map((f) => [f.severity, f.pointer]).sort(), [
      ['medium', '#/Host/properties/address/pattern'],
      ['medium', '#/paths/~1zones/post/requestBody/content/application~1json/schema/properties/kind/enum'],
    ]);
    assert.ok(relaxed.some((f) => f.message.startsWith(`${part}#/Host/properties/address/pattern`)));
    const uncompilable = report.findings.filter((f) => f.rule === 'schema-uncompilable');
    assert.deepEqual(
      uncompilable.map((f) => [f.severity, f.pointer]),
      [['high', '#/paths/~1zones/post']],
    );
  });

  test('validate prints them as warnings and the config stays valid', async () => {
    const config = join(dir, 'rampart.yaml');
    writeFileSync(
      config,
      `version: 1
upstreams:
  app: { url: http://127.0.0.1:1 }
routes:
  - name: r
    match: { path: /hosts }
    upstream: app
    policies:
      openapi-validate: { spec: openapi.yaml }
`,
    );
    const result = await runCli(['validate', '-c', config]);
    assert.equal(result.code, 0, result.stderr);
    assert.ok(
      result.stderr.includes(`warning: ${part}#/Host/properties/address/pattern: pattern cannot be compiled`),
    );
    assert.match(
      result.stderr,
      /warning: .*openapi\.yaml#\/paths\/~1zones\/post: POST \/zones: the application\/json body schema does not compile/,
    );
  });

  test('init lists them among what the user still has to look at', () => {
    const result = buildInitConfig({
      spec: loadSpecFile(spec),
      upstream: 'http://127.0.0.1:9',
      outFile: join(dir, 'init.yaml'),
      jwtSecret: undefined,
      jwtSecretWeak: false,
      admins: [],
    });
    assert.ok(
      result.todo.some((line) => line.startsWith(`${part}#/Host/properties/address/pattern: pattern`)),
    );
    assert.ok(
      result.todo.some((line) =>
        line.includes('#/paths/~1zones/post: POST /zones: the application/json body'),
      ),
    );
  });
});
