// The comparison with a contract (superseded versions, drift below free-form and closed objects,
// secured operations answered anonymously) and the export of what was learned (nested members, array
// answers) as an OpenAPI 3.1 document that validates.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validate } from '@readme/openapi-parser';
import { parseSpecText } from '../openapi/index.ts';
import { compareWithSpecs } from './compare.ts';
import { exportOpenApi } from './export.ts';
import { Learner } from './learner.ts';
import { specSetOf } from './spec-set.ts';

const SPEC = `
openapi: 3.1.0
info: { title: shop, version: '2' }
security: [{ key: [] }]
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: X-Api-Key }
paths:
  /v2/orders:
    get:
      parameters: [{ name: limit, in: query, schema: { type: integer } }]
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  items:
                    type: array
                    items:
                      type: object
                      additionalProperties: false
                      properties: { id: { type: integer }, total: { type: number } }
                  meta: { type: object, additionalProperties: true }
    post:
      security: []
      requestBody:
        content:
          application/json:
            schema: { type: object, properties: { sku: { type: string } } }
      responses: { '201': { description: created } }
  /status:
    get:
      security: [{}]
      responses: { '200': { description: ok } }
`;

const json = { 'content-type': 'application/json' };

function learned() {
  const specs = specSetOf([{ file: parseSpecText(SPEC, 'shop.yaml') }]);
  const learner = new Learner({ specs });
  const send = (method: string, path: string, query: string, body: unknown, answer: unknown, headers = {}) =>
    learner.learn({
      time: 0,
      method,
      path,
      rawQuery: query,
      status: method === 'POST' ? 201 : 200,
      durationMs: 2,
      requestHeaders: { ...json, ...headers },
      requestBody: body === undefined ? undefined : JSON.stringify(body),
      responseHeaders: json,
      responseBody: answer === undefined ? undefined : JSON.stringify(answer),
    });
  send(
    'GET',
    '/v2/orders',
    'limit=5&debug=1',
    undefined,
    { items: [{ id: 1, total: 9.5, secret: 'x' }], meta: { any: 1 } },
    { 'x-api-key': 'k', 'x-trace': 'abc' },
  );
  send('POST', '/v2/orders', '', { sku: 'a-1', coupon: 'FREE' }, undefined);
  send('GET', '/v1/orders', '', undefined, [{ id: 1, lines: [{ sku: 'a' }] }]);
  send('GET', '/status', '', undefined, { ok: true });
  // Anonymous: no key at all, and answered.
  send('GET', '/v2/orders', '', undefined, { items: [] });
  return { specs, endpoints: learner.take().endpoints };
}

describe('compareWithSpecs', () => {
  it('finds a superseded version, drift, and a secured operation answered anonymously', () => {
    const { specs, endpoints } = learned();
    const diff = compareWithSpecs(endpoints, specs);
    assert.deepEqual(
      diff.shadow.map((e) => `${e.method} ${e.template}`),
      ['GET /v1/orders'],
    );
    assert.deepEqual(
      diff.zombie.map((e) => [e.template, e.reason, e.by]),
      [['/v1/orders', 'superseded', '/v2/orders']],
    );
    const drift = diff.drift.map((d) => `${d.method} ${d.location} ${d.name}`).sort();
    assert.deepEqual(drift, [
      'GET header x-trace',
      'GET query debug',
      'GET response items[].secret',
      'POST body coupon',
    ]);
    // The anonymous GET is listed; the POST is public in the spec, /status's security is optional.
    assert.deepEqual(
      diff.unauthenticated.map((e) => `${e.method} ${e.template} ${e.anonymousOk}`),
      ['GET /v2/orders 1'],
    );
    assert.deepEqual(diff.unused, []);
  });
});

describe('exportOpenApi', () => {
  it('exports nested members and array answers as a document that validates', async () => {
    const { endpoints } = learned();
    const document = exportOpenApi(endpoints, { now: 0 }) as {
      paths: Record<
        string,
        Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>
      >;
    };
    const v1 = document.paths['/v1/orders']!.get!.responses['200']!.content!['application/json']!.schema;
    assert.deepEqual(v1, {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'integer', examples: [1] },
          lines: {
            type: 'array',
            items: { type: 'object', properties: { sku: { type: 'string', examples: ['a'] } } },
          },
        },
      },
    });
    const result = await validate(structuredClone(document) as never);
    assert.equal(result.valid, true, JSON.stringify(result));
    const learner = new Learner();
    for (const id of [1, 2, 2, 3])
      learner.learn({
        time: 0,
        method: 'GET',
        path: `/items/${id}`,
        rawQuery: '',
        status: 200,
        durationMs: 1,
      });
    const items = exportOpenApi(learner.take().endpoints) as {
      paths: Record<string, { get: { parameters: Array<Record<string, unknown>> } }>;
    };
    assert.deepEqual(items.paths['/items/{id}']?.get.parameters[0], {
      name: 'id',
      in: 'path',
      required: true,
      schema: { type: 'integer', examples: [1] },
      'x-rampart-values': { kinds: { int: 4 }, distinct: 3 },
    });
    assert.equal(result.valid, true, JSON.stringify(result));
  });
});
