// What init reads from operations, on a spec in the style of real APIs: versioned user paths, a login
// that answers 200 on failure, a debug dump, a reset, administrators-only prose, owners in answers.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { listOperations } from '../openapi/operations.ts';
import { parseSpecText } from '../openapi/spec-file.ts';
import { routePattern } from './build-config.ts';
import { factsOf, wordsOf } from './operation-facts.ts';

const spec = parseSpecText(
  `openapi: 3.0.3
info: { title: shop, version: "1" }
components:
  securitySchemes:
    bearer: { type: http, scheme: bearer, bearerFormat: JWT }
paths:
  /api/v2/session:
    post:
      operationId: createSession
      requestBody:
        content:
          application/json:
            schema: { type: object, properties: { login: { type: string }, password: { type: string } } }
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  accessToken: { type: string }
                  result: { type: string, enum: [ok, error] }
  /api/v2/signup:
    post:
      requestBody:
        content:
          application/json:
            schema: { type: object, properties: { login: { type: string }, password: { type: string } } }
      responses: { "201": { description: created } }
  /oauth/token:
    post:
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema: { type: object, properties: { grant_type: { type: string }, username: { type: string }, password: { type: string } } }
      responses: { "200": { description: ok }, "401": { description: bad } }
  /api/v2/users/{userName}/password:
    put:
      security: [{ bearer: [] }]
      responses: { "204": { description: changed } }
  /api/v2/accounts/v1/{account_id}:
    delete:
      summary: Delete an account (only admins)
      security: [{ bearer: [] }]
      responses: { "204": { description: gone } }
  /api/v2/orders/{orderId}:
    get:
      security: [{ bearer: [] }]
      responses:
        "200":
          description: an order
          content:
            application/json:
              schema: { type: object, properties: { id: { type: string }, createdBy: { type: string } } }
  /api/v2/system/resetData:
    post:
      security: [{ bearer: [] }]
      responses: { "204": { description: reset } }
  /api/v2/users/{userName}/password/reset:
    post:
      responses: { "202": { description: mail sent } }
  /api/v2/orders:
    get:
      operationId: listOrdersInternal
      x-internal: true
      security: [{ bearer: [] }, {}]
      responses: { "200": { description: ok } }
  /api/v2/webhooks/test:
    post:
      operationId: testWebhook
      summary: Sends a test event to a webhook URL
      security: [{ bearer: [] }]
      responses: { "202": { description: sent } }
  /api/v1/testing/echo:
    get:
      responses: { "200": { description: echo } }
`,
  'shop.yaml',
);

const byPath = new Map(
  listOperations(spec).map((operation) => [
    `${operation.method} ${operation.path}`,
    factsOf(spec.document, operation),
  ]),
);
const facts = (key: string) => byPath.get(key)!;

describe('operation facts', () => {
  test('splits identifiers into words, camelCase and separators alike', () => {
    assert.deepEqual(wordsOf('api_views.users.resetData'), ['api', 'views', 'users', 'reset', 'data']);
    assert.deepEqual(wordsOf('/users/v1/_debug'), ['users', 'v1', 'debug']);
  });

  test('finds a JSON login, its token member and the 2xx member that says it failed', () => {
    const login = facts('POST /api/v2/session').login;
    assert.deepEqual(login?.username, { json: 'login' });
    assert.equal(login?.tokenMember, 'accessToken');
    assert.deepEqual(login?.failureSignal, { member: 'result', equals: 'error' });
  });

  test('finds a form-encoded OAuth2 password grant and its failure status; a signup is no login', () => {
    const token = facts('POST /oauth/token').login;
    assert.deepEqual(token?.username, { form: 'username' });
    // RFC 6749 §5.2: a wrong password is 400 invalid_grant, whatever else the spec lists.
    assert.deepEqual(token?.failureStatuses, [400, 401]);
    assert.equal(facts('POST /api/v2/signup').login, undefined);
  });

  test('keeps resets, internal and debug operations from clients, but not a password reset', () => {
    assert.match(facts('POST /api/v2/system/resetData').denial?.reason ?? '', /resets data/);
    assert.equal(facts('GET /api/v2/orders').denial?.reason, 'x-internal: true');
    assert.equal(facts('POST /api/v2/users/{userName}/password/reset').denial, undefined);
  });

  test('keeps test operations from clients only where "test" leads the path, not a resource\'s test action', () => {
    assert.match(facts('GET /api/v1/testing/echo').denial?.reason ?? '', /test operation/);
    assert.equal(facts('POST /api/v2/webhooks/test').denial, undefined);
  });

  test('reads administrators-only prose, user parameters behind version segments, owners in answers', () => {
    assert.equal(facts('DELETE /api/v2/accounts/v1/{account_id}').adminOnly, true);
    assert.equal(facts('DELETE /api/v2/accounts/v1/{account_id}').userParam, 'account_id');
    assert.equal(facts('PUT /api/v2/users/{userName}/password').userParam, 'userName');
    assert.equal(facts('GET /api/v2/orders/{orderId}').ownerMember, 'createdBy');
  });

  test('treats an optional security requirement as public', () => {
    assert.deepEqual(facts('GET /api/v2/orders').schemes, []);
    assert.deepEqual(facts('GET /api/v2/orders/{orderId}').schemes, ['bearer']);
  });

  test('writes path templates as router patterns', () => {
    assert.equal(routePattern('/users/v1/{username}/email'), '/users/v1/:username/email');
    assert.equal(routePattern('/files/{name}.{ext}'), '/files/:name.:ext');
    assert.equal(routePattern('/a/{weird-name}'), '/a/:weird_name');
  });
});
