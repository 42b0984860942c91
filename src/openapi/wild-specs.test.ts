// Specs as public APIs write them (found by bench/spec-conformance.ts on GitHub's and DigitalOcean's
// descriptions): each shape below once made openapi-validate refuse a valid request or check nothing.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { configFor, contextFor, depsFor } from '../../test/helpers/context.ts';
import { openapiValidate } from '../policies/openapi-validate/index.ts';
import type { PolicyHandlers } from '../policies/policy.ts';
import { listOperations } from './operations.ts';
import { loadSpecFile } from './spec-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'rampart-wild-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function write(relative: string, text: string): string {
  const path = join(dir, relative);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

function policy(spec: string): PolicyHandlers {
  return openapiValidate.create(configFor(openapiValidate, { spec }), depsFor({ baseDir: dir }));
}

async function outcome(
  handlers: PolicyHandlers,
  method: string,
  rawUrl: string,
  body?: unknown,
): Promise<string> {
  const verdict = await handlers.onRequest!(
    contextFor({
      method,
      rawUrl,
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    }),
  );
  return verdict.kind === 'deny' ? `${verdict.code} ${verdict.location ?? ''}`.trim() : verdict.kind;
}

const INVALID = 'RAMPART_VALIDATION_REQUEST_INVALID';

write(
  'ops/openapi.yaml',
  `openapi: 3.0.3
info: { title: ops, version: "1" }
paths:
  /droplets/{droplet_id}:
    get: { $ref: droplets_get.yaml }
  /keys/{key_id}:
    delete:
      parameters: [{ name: key_id, in: path, required: true, schema: { type: integer } }]
      responses: { "204": { description: gone } }
  /keys/{digest}:
    get:
      parameters: [{ name: digest, in: path, required: true, schema: { type: string, pattern: "^sha256:" } }]
      responses: { "200": { description: key } }
  /search{coords}:
    get:
      parameters:
        - name: coords
          in: path
          required: true
          style: matrix
          explode: true
          schema:
            type: object
            properties: { lat: { type: number, maximum: 90 }, long: { type: number } }
      responses: { "200": { description: found } }
  /reports:
    get:
      security: [{ key: [] }]
      responses: { "200": { description: reports } }
${jsonOperation('/runs', 'post', '{ type: object, properties: { model: { type: string } } }')}\
${jsonOperation('/runs?beta=true', 'post', '{ type: object, properties: { model: { type: string }, agents: { type: integer } } }')}\
components:
  securitySchemes:
    key: { type: apiKey, in: query, name: api_key }
`,
);
write(
  'ops/droplets_get.yaml',
  `operationId: droplets_get
parameters:
  - name: droplet_id
    in: path
    required: true
    schema: { type: integer, minimum: 1 }
responses: { "200": { description: a droplet } }
`,
);

describe('operations and parameters as real specs write them', () => {
  const handlers = policy('ops/openapi.yaml');

  test('an operation written as a $ref to another file is indexed with its parameters and checked', async () => {
    const operation = listOperations(loadSpecFile('ops/openapi.yaml', dir)).find((op) => op.method === 'GET');
    assert.equal(operation?.operationId, 'droplets_get');
    assert.equal(await outcome(handlers, 'GET', '/droplets/5'), 'continue');
    assert.equal(await outcome(handlers, 'GET', '/droplets/abc'), `${INVALID} path.droplet_id`);
  });

  test('templates that differ only in parameter names each reach their own operation', async () => {
    assert.equal(await outcome(handlers, 'GET', '/keys/sha256:abcd'), 'continue');
    assert.equal(await outcome(handlers, 'DELETE', '/keys/12'), 'continue');
    assert.equal(await outcome(handlers, 'DELETE', '/keys/sha256:abcd'), `${INVALID} path.key_id`);
  });

  test('an exploded matrix object is read member by member', async () => {
    assert.equal(await outcome(handlers, 'GET', '/search;lat=50;long=20'), 'continue');
    assert.equal(await outcome(handlers, 'GET', '/search;lat=500;long=20'), `${INVALID} path.coords.lat`);
  });

  test('a template with a fixed query part is chosen by the query, beside the plain one', async () => {
    assert.equal(await outcome(handlers, 'POST', '/runs', { model: 'm' }), 'continue');
    assert.equal(await outcome(handlers, 'POST', '/runs', { agents: 2 }), `${INVALID} body.agents`);
    assert.equal(await outcome(handlers, 'POST', '/runs?beta=true', { model: 'm', agents: 2 }), 'continue');
    assert.equal(
      await outcome(handlers, 'POST', '/runs?beta=true', { agents: 'x' }),
      `${INVALID} body.agents`,
    );
  });

  test('an API key sent in the query as the security scheme says is not an unknown parameter', async () => {
    assert.equal(await outcome(handlers, 'GET', '/reports?api_key=k'), 'continue');
    assert.equal(await outcome(handlers, 'GET', '/reports?api_key=k&debug=1'), `${INVALID} query.debug`);
  });
});

/** A path item whose `method` takes a required JSON body of `schema` (YAML flow text). */
function jsonOperation(path: string, method: string, schema: string): string {
  return `  ${path}:
    ${method}:
      requestBody: { required: true, content: { application/json: { schema: ${schema} } } }
      responses: { "200": { description: ok } }
`;
}

write(
  'bodies/openapi.yaml',
  `openapi: 3.0.3
info: { title: bodies, version: "1" }
paths:
${jsonOperation('/balancers', 'post', '{ type: object, required: [region], properties: { $ref: "attributes.yaml#/balancer" } }')}\
${jsonOperation('/checks', 'post', '{ type: object, required: [name, method], properties: { name: { type: string } } }')}\
${jsonOperation(
  '/apps',
  'post',
  `{ allOf: [{ $ref: "autoscaling.yaml#/base" }, { type: object, properties: { metrics: { type: object, properties: { requests_per_second: { type: integer } } } } }] }`,
)}\
${jsonOperation(
  '/issues',
  'patch',
  '{ type: object, properties: { milestone: { nullable: true, oneOf: [{ type: string }, { type: integer }] }, title: { type: string } } }',
)}\
${jsonOperation(
  '/actions',
  'post',
  `{ oneOf: [{ $ref: "actions.yaml#/action" }, { $ref: "actions.yaml#/action_rename" }], discriminator: { propertyName: type, mapping: { reboot: "actions.yaml#/action", rename: "actions.yaml#/action_rename" } } }`,
)}`,
);
write(
  'bodies/attributes.yaml',
  `balancer:
  region: { type: string }
  droplet_ids: { type: array, items: { type: integer } }
`,
);
write(
  'bodies/autoscaling.yaml',
  `base:
  type: object
  properties:
    min: { type: integer }
    metrics:
      type: object
      properties: { cpu: { type: integer } }
`,
);
write(
  'bodies/actions.yaml',
  `action:
  type: object
  required: [type]
  properties:
    type: { type: string, enum: [reboot, rename] }
action_rename:
  allOf:
    - $ref: "#/action"
    - type: object
      properties: { name: { type: string } }
      required: [name]
`,
);

describe('bodies as real specs write them', () => {
  const handlers = policy('bodies/openapi.yaml');

  test('a properties map written as a $ref to another file declares its members', async () => {
    assert.equal(
      await outcome(handlers, 'POST', '/balancers', { region: 'nyc1', droplet_ids: [1] }),
      'continue',
    );
    assert.equal(
      await outcome(handlers, 'POST', '/balancers', { region: 'nyc1', admin: true }),
      `${INVALID} body.admin`,
    );
  });

  test('a required member the schema does not describe is accepted when objects are closed', async () => {
    assert.equal(await outcome(handlers, 'POST', '/checks', { name: 'a', method: 'GET' }), 'continue');
    assert.equal(
      await outcome(handlers, 'POST', '/checks', { name: 'a', method: 'GET', extra: 1 }),
      `${INVALID} body.extra`,
    );
  });

  test('a member two allOf parts both declare is closed over the union of their members', async () => {
    const both = { min: 1, metrics: { cpu: 80, requests_per_second: 100 } };
    assert.equal(await outcome(handlers, 'POST', '/apps', both), 'continue');
    const extra = { metrics: { cpu: 80, admin: true } };
    assert.equal(await outcome(handlers, 'POST', '/apps', extra), `${INVALID} body.metrics.admin`);
    assert.equal(
      await outcome(handlers, 'POST', '/apps', { metrics: { cpu: 'x' } }),
      `${INVALID} body.metrics.cpu`,
    );
    assert.equal(await outcome(handlers, 'POST', '/apps', { min: 1, owner: 'x' }), `${INVALID} body.owner`);
  });

  test('a 3.0 nullable beside oneOf and no type accepts null and still checks the options', async () => {
    assert.equal(await outcome(handlers, 'PATCH', '/issues', { milestone: null }), 'continue');
    assert.equal(await outcome(handlers, 'PATCH', '/issues', { milestone: 3 }), 'continue');
    assert.equal(
      await outcome(handlers, 'PATCH', '/issues', { milestone: true }),
      `${INVALID} body.milestone`,
    );
    assert.equal(await outcome(handlers, 'PATCH', '/issues', { title: null }), `${INVALID} body.title`);
  });

  test('the discriminator picks one of overlapping oneOf options, mapped in another file', async () => {
    assert.equal(await outcome(handlers, 'POST', '/actions', { type: 'reboot' }), 'continue');
    assert.equal(await outcome(handlers, 'POST', '/actions', { type: 'rename', name: 'web-2' }), 'continue');
    assert.equal(await outcome(handlers, 'POST', '/actions', { type: 'rename' }), `${INVALID} body.name`);
    assert.equal(
      await outcome(handlers, 'POST', '/actions', { type: 'reboot', force: true }),
      `${INVALID} body.force`,
    );
  });
});

write(
  'forms/openapi.yaml',
  `openapi: 3.0.3
info: { title: forms, version: "1" }
paths:
  /subscriptions:
    post:
      requestBody:
        required: true
        content:
          application/x-www-form-urlencoded:
            encoding:
              metadata: { style: deepObject, explode: true }
              items: { style: deepObject, explode: true }
            schema:
              type: object
              required: [customer]
              properties:
                customer: { type: string }
                metadata:
                  anyOf:
                    - { type: object, additionalProperties: { type: string } }
                    - { type: string, enum: [""] }
                items:
                  type: array
                  items:
                    type: object
                    properties: { price: { type: string }, quantity: { type: integer } }
                expand: { type: array, items: { type: string } }
      responses: { "200": { description: ok } }
  /files:
    post:
      requestBody:
        required: true
        content:
          multipart/form-data:
            schema:
              type: object
              properties:
                file: { type: string, format: binary }
                stream: { anyOf: [{ type: boolean }, { type: "null" }] }
                expires_after:
                  type: object
                  required: [seconds]
                  properties: { seconds: { type: integer } }
      responses: { "200": { description: ok } }
`,
);

describe('URL-encoded forms with nested members in bracket form (Stripe-style deepObject)', () => {
  const handlers = policy('forms/openapi.yaml');
  const post = async (form: string) => {
    const verdict = await handlers.onRequest!(
      contextFor({
        method: 'POST',
        rawUrl: '/subscriptions',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form,
      }),
    );
    return verdict.kind === 'deny' ? `${verdict.code} ${verdict.location ?? ''}`.trim() : verdict.kind;
  };

  test('nested objects, arrays of objects and bracket arrays are read into their members', async () => {
    const form =
      'customer=c1&metadata[plan]=pro&items[0][price]=p1&items[0][quantity]=2&items[1][price]=p2&expand[]=a&expand[]=b';
    assert.equal(await post(form), 'continue');
    assert.equal(await post('customer=c1&metadata='), 'continue');
  });

  test('a nested leaf is coerced and checked against its own schema', async () => {
    assert.equal(await post('customer=c1&items[0][quantity]=two'), `${INVALID} body.items[0].quantity`);
    assert.equal(await post('customer=c1&items[0][admin]=1'), `${INVALID} body.items[0].admin`);
  });

  test('an index out of order or an undeclared base stays an undeclared member, the prototype untouched', async () => {
    assert.match(await post('customer=c1&items[2][price]=p'), /^RAMPART_VALIDATION_REQUEST_INVALID body/);
    assert.match(await post('customer=c1&__proto__[admin]=1'), /^RAMPART_VALIDATION_REQUEST_INVALID body/);
    assert.equal(({} as Record<string, unknown>).admin, undefined);
  });
});

test('a multipart object member is read as JSON and a nullable boolean field is coerced (OpenAI uploads)', async () => {
  const handlers = policy('forms/openapi.yaml');
  const part = (name: string, value: string, type = '') =>
    `--b\r\ncontent-disposition: form-data; name="${name}"\r\n${type}\r\n${value}\r\n`;
  const post = async (body: string) => {
    const verdict = await handlers.onRequest!(
      contextFor({
        method: 'POST',
        rawUrl: '/files',
        headers: { 'content-type': 'multipart/form-data; boundary=b' },
        body: `${body}--b--\r\n`,
      }),
    );
    return verdict.kind === 'deny' ? `${verdict.code} ${verdict.location ?? ''}`.trim() : verdict.kind;
  };
  assert.equal(await post(part('stream', 'true') + part('expires_after', '{"seconds":60}')), 'continue');
  const typed = part('expires_after', '{"seconds":60}', 'content-type: application/json\r\n');
  assert.equal(await post(typed), 'continue');
  assert.equal(await post(part('expires_after', '{"seconds":"x"}')), `${INVALID} body.expires_after.seconds`);
  assert.equal(await post(part('stream', 'maybe')), `${INVALID} body.stream`);
});

write(
  'dialect/openapi.yaml',
  `openapi: 3.1.0
info: { title: dialect, version: "1" }
paths:
${jsonOperation('/rates', 'post', '{ type: object, properties: { rate: { type: number, minimum: 0, exclusiveMinimum: true }, note: { type: string, nullable: true } } }')}\
${jsonOperation('/trees', 'post', '{ $ref: "#/components/schemas/Tree" }')}\
${jsonOperation('/broken', 'post', '{ $ref: "#/components/schemas/Bad" }')}\
components:
  schemas:
    Bad: { type: object, properties: { size: { type: strng } } }
    Tree:
      $recursiveAnchor: true
      type: object
      properties:
        name: { type: string }
        children: { type: array, items: { $recursiveRef: "#" } }
`,
);

test('3.0 shapes in a 3.1 document are read, draft 2019 recursion relaxed, one bad schema fails only its operation', async () => {
  const spec = loadSpecFile('dialect/openapi.yaml', dir);
  assert.deepEqual(spec.relaxed.map((keyword) => keyword.keyword).sort(), [
    '$recursiveAnchor',
    '$recursiveRef',
  ]);
  const handlers = policy('dialect/openapi.yaml');
  assert.equal(await outcome(handlers, 'POST', '/rates', { rate: 0.5, note: null }), 'continue');
  assert.equal(await outcome(handlers, 'POST', '/rates', { rate: 0 }), `${INVALID} body.rate`);
  assert.equal(
    await outcome(handlers, 'POST', '/trees', { name: 'a', children: [{ name: 'b' }] }),
    'continue',
  );
  assert.equal(await outcome(handlers, 'POST', '/trees', { name: 1 }), `${INVALID} body.name`);
  assert.equal(await outcome(handlers, 'POST', '/broken', { size: 1 }), 'continue');
});

test('a spec split across more than a thousand files loads (DigitalOcean: ~2,900)', () => {
  const paths: string[] = [];
  for (let i = 0; i < 1200; i++) {
    write(
      `many/paths/p${i}.yaml`,
      `get: { operationId: op${i}, responses: { "200": { description: ok } } }\n`,
    );
    paths.push(`  /p${i}: { $ref: "paths/p${i}.yaml" }`);
  }
  write(
    'many/openapi.yaml',
    `openapi: 3.0.3\ninfo: { title: many, version: "1" }\npaths:\n${paths.join('\n')}\n`,
  );
  const spec = loadSpecFile('many/openapi.yaml', dir);
  assert.equal(spec.parts.length, 1200);
  assert.equal(listOperations(spec).length, 1200);
});
