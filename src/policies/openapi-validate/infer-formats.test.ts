// inferFormats: a member named like an email address is checked as one when its schema gives no
// format, so a catastrophic-regex payload aimed at the upstream's own email check never reaches it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { configFor, contextFor, depsFor } from '../../../test/helpers/context.ts';
import { isEmailName } from '../../openapi/to-json-schema.ts';
import { openapiValidate } from './index.ts';

const dir = mkdtempSync(join(tmpdir(), 'rampart-infer-'));
after(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(
  join(dir, 'spec.yaml'),
  `openapi: 3.0.3
info: { title: t, version: "1" }
paths:
  /users/{name}/email:
    put:
      parameters: [{ name: name, in: path, required: true, schema: { type: string } }]
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                email: { type: string }
                contactEmail: { $ref: "#/components/schemas/Text" }
                emailTemplate: { type: string, format: uri }
      responses: { "204": { description: changed } }
components:
  schemas:
    Text: { type: string }
`,
);

function put(inferFormats: boolean, body: object) {
  const handlers = openapiValidate.create(
    configFor(openapiValidate, { spec: 'spec.yaml', inferFormats }),
    depsFor({ baseDir: dir }),
  );
  return handlers.onRequest!(
    contextFor({
      method: 'PUT',
      rawUrl: '/users/name1/email',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
  );
}

const REDOS = `${'a'.repeat(60)}@${'a'.repeat(60)}.${'a'.repeat(40)}!`;

describe('inferFormats', () => {
  test('refuses a malformed address in a member named like an email, also behind a $ref', async () => {
    assert.equal((await put(true, { email: REDOS })).kind, 'deny');
    assert.equal((await put(true, { contactEmail: 'not an address' })).kind, 'deny');
    assert.equal((await put(true, { email: `${'a'.repeat(250)}@example.com` })).kind, 'deny');
  });

  test('lets real addresses through, and leaves members with a format of their own alone', async () => {
    assert.equal((await put(true, { email: 'jane.doe+api@mail.example.com' })).kind, 'continue');
    assert.equal((await put(true, { emailTemplate: 'https://example.com/t' })).kind, 'continue');
  });

  test('is off by default: the spec alone decides', async () => {
    assert.equal((await put(false, { email: REDOS })).kind, 'continue');
  });

  test('reads email-like names', () => {
    for (const name of ['email', 'Email', 'contactEmail', 'user_email', 'email_address', 'e-mail'])
      assert.equal(isEmailName(name), true, name);
    for (const name of ['emailTemplate', 'mailbox', 'name']) assert.equal(isEmailName(name), false, name);
  });
});
