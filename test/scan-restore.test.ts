// The resource-consumption check's well-formed probes (e-mail addresses a correct API accepts and
// stores) are put back: against an API that stores any address, the account keeps its own.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { parseSpecText } from '../src/openapi/spec-file.ts';
import { parseAuthProfile } from '../src/scanner/identities.ts';
import { runScan } from '../src/scanner/runner.ts';
import { scanOperations } from '../src/scanner/spec.ts';

const SPEC = {
  openapi: '3.0.3',
  info: { title: 'addresses', version: '1' },
  components: { securitySchemes: { user: { type: 'apiKey', in: 'header', name: 'x-user' } } },
  security: [{ user: [] }],
  paths: {
    '/users/{username}': {
      parameters: [{ name: 'username', in: 'path', required: true, schema: { type: 'string' } }],
      get: {
        responses: {
          '200': {
            description: 'the account',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: { username: { type: 'string' }, email: { type: 'string' } },
                },
              },
            },
          },
        },
      },
    },
    '/users/{username}/email': {
      parameters: [{ name: 'username', in: 'path', required: true, schema: { type: 'string' } }],
      put: {
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: { type: 'object', properties: { email: { type: 'string', format: 'email' } } },
            },
          },
        },
        responses: { '204': { description: 'changed' } },
      },
    },
  },
};

const emails = new Map([
  ['ann', 'ann@mail.test'],
  ['bob', 'bob@mail.test'],
]);
const sent: string[] = [];
let server: Server;
let url: string;

before(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const [, , name = '', member] = (req.url ?? '').split('/');
      const caller = req.headers['x-user'];
      if (!emails.has(name) || caller === undefined) {
        res.writeHead(404).end();
        return;
      }
      if (req.method === 'GET' && member === undefined) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ username: name, email: emails.get(name) }));
        return;
      }
      if (req.method !== 'PUT' || member !== 'email' || caller !== name) {
        res.writeHead(403).end();
        return;
      }
      const email = (JSON.parse(Buffer.concat(chunks).toString() || '{}') as { email?: unknown }).email;
      if (typeof email !== 'string' || email.length > 254 || !/^[^@\s]+@[^@\s]+$/.test(email)) {
        res.writeHead(400).end();
        return;
      }
      sent.push(email);
      emails.set(name, email);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('resource consumption on an update', () => {
  it('stores well-formed probes only where it can put the value back, and puts it back', async () => {
    const result = await runScan({
      target: new URL(url),
      operations: scanOperations(parseSpecText(JSON.stringify(SPEC), 'addresses.json')),
      identities: parseAuthProfile({
        identities: [
          { name: 'ann', role: 'user', headers: { 'x-user': 'ann' }, userName: 'ann' },
          { name: 'bob', role: 'user', headers: { 'x-user': 'bob' }, userName: 'bob' },
        ],
      }),
      only: ['resource-consumption'],
    });
    assert.deepEqual(result.findings, []);
    assert.ok(
      sent.some((email) => email.endsWith('-@example.com')),
      `well-formed probes were sent: ${sent.join(', ')}`,
    );
    assert.equal(emails.get('ann'), 'ann@mail.test');
    assert.equal(emails.get('bob'), 'bob@mail.test');
  });
});
