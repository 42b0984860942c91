import assert from 'node:assert/strict';
import { test } from 'node:test';
import { issuesCredentials, normalizeName } from './credential-operations.ts';
import { listOperations } from './operations.ts';
import { parseSpecText } from './spec-file.ts';

const spec = parseSpecText(
  `openapi: 3.1.0
info: { title: t, version: '1' }
paths:
  /users/v1/login: { post: { responses: { '200': { description: ok } } } }
  /oauth/token: { post: { responses: { '200': { description: ok } } } }
  /connect: { post: { operationId: obtainAccessToken, responses: { '200': { description: ok } } } }
  /session-start:
    post:
      requestBody:
        content:
          application/json:
            schema: { $ref: '#/components/schemas/Credentials' }
      responses: { '200': { description: ok } }
  /issue: { post: { responses: { '200': { description: ok } } } }
  /books/v1: { post: { responses: { '201': { description: ok } } } }
  /tokens: { get: { responses: { '200': { description: ok } } } }
components:
  schemas:
    Credentials: { type: object, properties: { user_name: { type: string }, Password: { type: string } } }
  securitySchemes:
    oauth:
      type: oauth2
      flows: { password: { tokenUrl: 'https://auth.example.test/issue', scopes: {} } }
`,
  'spec.yaml',
);

test('recognizes logins and token operations from paths, operationIds, password bodies and tokenUrls', () => {
  const found = listOperations(spec)
    .filter((operation) => issuesCredentials(spec.document, operation))
    .map((operation) => `${operation.method} ${operation.path}`);
  assert.deepEqual(found, [
    'POST /users/v1/login',
    'POST /oauth/token',
    'POST /connect',
    'POST /session-start',
    'POST /issue',
  ]);
});

test('normalizes names without case, underscores, dashes or dots', () => {
  assert.equal(normalizeName('Password_Hash'), 'passwordhash');
  assert.equal(normalizeName('api-key'), normalizeName('apiKey'));
});
