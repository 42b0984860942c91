// The graphql policy over real sockets: a graphql-http server behind the gateway answers ordinary
// queries, and the gateway refuses a too-deep query, an alias flood, a batch over the limit,
// introspection, an unknown persisted query, a field the caller's role may not read and an injection
// in a variable; refusals come in the GraphQL shape or as problem+json, as the client asked.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { formatConfigError } from '../src/config/errors.ts';
import { loadConfigText } from '../src/config/load.ts';
import { issueApiKey } from '../src/identity/api-keys.ts';
import { documentHash } from '../src/policies/graphql/persisted.ts';
import { POLICY_DEFINITIONS } from '../src/policies/registry.ts';
import { createSqliteStore } from '../src/store/sqlite-store.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { GATEWAY_SDL, type GraphqlUpstream, startGraphqlUpstream } from './helpers/graphql-upstream.ts';

const GRAPHQL_RESPONSE = 'application/graphql-response+json';
const PERSISTED = 'query Names { users { name } }';

function config(upstream: string): string {
  return `
version: 1
server: { http: { host: 127.0.0.1, port: 0 } }
upstreams: { gql: { url: ${upstream} } }
routes:
  - name: graphql
    match: { path: /graphql }
    upstream: gql
    policies:
      api-key: {}
      graphql: { schema: schema.graphql, maxDepth: 4, maxAliases: 5, maxBatch: 2, detect: {} }
  - name: persisted
    match: { path: /persisted }
    upstream: gql
    policies:
      api-key: {}
      graphql: { persistedQueries: { mode: allow-list, manifest: persisted.json } }
`;
}

interface GraphqlAnswer {
  status: number;
  type: string;
  body: {
    data?: Record<string, unknown>;
    errors?: Array<{ message: string; extensions?: { code?: string } }>;
    code?: string;
  };
}

describe('graphql over sockets', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rampart-graphql-'));
  const store = createSqliteStore(':memory:');
  let upstream: GraphqlUpstream;
  let gateway: TestGateway;
  let adminKey: string;
  let readerKey: string;

  before(async () => {
    writeFileSync(join(dir, 'schema.graphql'), GATEWAY_SDL);
    writeFileSync(join(dir, 'persisted.json'), JSON.stringify({ [documentHash(PERSISTED)]: PERSISTED }));
    const alice = await store.createConsumer({ name: 'alice', roles: ['admin'] });
    const bob = await store.createConsumer({ name: 'bob', roles: ['reader'] });
    adminKey = (await issueApiKey(store, alice, { now: Date.now() })).key;
    readerKey = (await issueApiKey(store, bob, { now: Date.now() })).key;
    upstream = await startGraphqlUpstream();
    gateway = await startTestGateway(config(upstream.url), { store, baseDir: dir });
  });
  after(async () => {
    await gateway?.close();
    await upstream?.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function post(
    body: unknown,
    options: { key?: string; accept?: string; path?: string } = {},
  ): Promise<GraphqlAnswer> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-api-key': options.key ?? readerKey,
    };
    if (options.accept !== undefined) headers.accept = options.accept;
    const response = await fetch(`${gateway.url}${options.path ?? '/graphql'}`, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
    });
    return {
      status: response.status,
      type: response.headers.get('content-type') ?? '',
      body: (await response.json()) as GraphqlAnswer['body'],
    };
  }

  const codeOf = (answer: GraphqlAnswer) => answer.body.errors?.[0]?.extensions?.code;

  test('answers an ordinary query, over POST and GET', async () => {
    const answer = await post({ query: '{ users(first: 2) { id name friends(first: 1) { name } } }' });
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body.data, {
      users: [
        { id: '1', name: 'Alice', friends: [{ name: 'Bob' }] },
        { id: '2', name: 'Bob', friends: [{ name: 'Alice' }] },
      ],
    });
    const query = encodeURIComponent('{ user(id: "3") { name } }');
    const got = await fetch(`${gateway.url}/graphql?query=${query}`, {
      headers: { 'x-api-key': readerKey, accept: GRAPHQL_RESPONSE },
    });
    assert.equal(got.status, 200);
    assert.deepEqual(await got.json(), { data: { user: { name: 'Carol' } } });
  });

  test('refuses a too-deep query in the GraphQL shape the client asked for', async () => {
    const deep = '{ user(id: "1") { friends { friends { friends { friends { name } } } } } }';
    const before = upstream.requests();
    const strict = await post({ query: deep }, { accept: GRAPHQL_RESPONSE });
    assert.equal(strict.status, 400);
    assert.ok(strict.type.startsWith(GRAPHQL_RESPONSE));
    assert.equal(codeOf(strict), 'RAMPART_GRAPHQL_TOO_DEEP');
    assert.equal(strict.body.data, undefined);
    // application/json: a well-formed request's errors come with 200 (GraphQL over HTTP).
    const legacy = await post({ query: deep }, { accept: 'application/json' });
    assert.equal(legacy.status, 200);
    assert.ok(legacy.type.startsWith('application/json'));
    assert.equal(codeOf(legacy), 'RAMPART_GRAPHQL_TOO_DEEP');
    // Neither asked for: problem+json.
    const plain = await post({ query: deep });
    assert.equal(plain.status, 400);
    assert.ok(plain.type.startsWith('application/problem+json'));
    assert.equal(plain.body.code, 'RAMPART_GRAPHQL_TOO_DEEP');
    assert.equal(upstream.requests(), before, 'the upstream never saw them');
  });

  test('refuses an alias flood', async () => {
    const aliases = Array.from({ length: 6 }, (_, i) => `a${i}: user(id: "1") { name }`).join(' ');
    const answer = await post({ query: `{ ${aliases} }` }, { accept: GRAPHQL_RESPONSE });
    assert.equal(answer.status, 400);
    assert.equal(codeOf(answer), 'RAMPART_GRAPHQL_TOO_MANY_ALIASES');
    const fine = await post({ query: '{ a: user(id: "1") { name } b: user(id: "2") { name } }' });
    assert.deepEqual(fine.body.data, { a: { name: 'Alice' }, b: { name: 'Bob' } });
  });

  test('refuses a batch over the limit', async () => {
    const batch = [1, 2, 3].map((id) => ({ query: `{ user(id: "${id}") { name } }` }));
    const answer = await post(batch, { accept: GRAPHQL_RESPONSE });
    assert.equal(answer.status, 400);
    assert.equal(codeOf(answer), 'RAMPART_GRAPHQL_BATCH_TOO_LARGE');
  });

  test('refuses introspection but lets __typename through', async () => {
    const answer = await post({ query: '{ __schema { types { name } } }' }, { accept: GRAPHQL_RESPONSE });
    assert.equal(answer.status, 403);
    assert.equal(codeOf(answer), 'RAMPART_GRAPHQL_INTROSPECTION_DISABLED');
    const hidden = await post({
      query: 'query { ...T } fragment T on Query { __type(name: "User") { name } }',
    });
    assert.equal(hidden.body.code, 'RAMPART_GRAPHQL_INTROSPECTION_DISABLED');
    const typename = await post({ query: '{ user(id: "2") { __typename name } }' });
    assert.deepEqual(typename.body.data, { user: { __typename: 'User', name: 'Bob' } });
  });

  test('runs only persisted queries on an allow-list route', async () => {
    const known = await post({ query: PERSISTED }, { path: '/persisted' });
    assert.equal(known.status, 200);
    assert.deepEqual(known.body.data, { users: [{ name: 'Alice' }, { name: 'Bob' }, { name: 'Carol' }] });
    const unknown = await post(
      { query: '{ users { id } }' },
      { path: '/persisted', accept: GRAPHQL_RESPONSE },
    );
    assert.equal(unknown.status, 403);
    assert.equal(codeOf(unknown), 'RAMPART_GRAPHQL_PERSISTED_QUERY_REFUSED');
    const hashOnly = await post(
      { extensions: { persistedQuery: { version: 1, sha256Hash: 'ab'.repeat(32) } } },
      { path: '/persisted' },
    );
    assert.equal(hashOnly.body.code, 'RAMPART_GRAPHQL_PERSISTED_QUERY_REFUSED');
  });

  test("refuses a field the caller's role may not read, also through a fragment", async () => {
    const query = '{ user(id: "2") { name email } }';
    const reader = await post({ query }, { accept: GRAPHQL_RESPONSE });
    assert.equal(reader.status, 403);
    assert.equal(codeOf(reader), 'RAMPART_GRAPHQL_FIELD_FORBIDDEN');
    const viaFragment = await post({
      query: '{ users(first: 1) { friends { ...F } } } fragment F on User { email }',
    });
    assert.equal(viaFragment.body.code, 'RAMPART_GRAPHQL_FIELD_FORBIDDEN');
    const admin = await post({ query }, { key: adminKey });
    assert.deepEqual(admin.body.data, { user: { name: 'Bob', email: 'bob@example.com' } });
    const event = gateway.events.find((e) => e.code === 'RAMPART_GRAPHQL_FIELD_FORBIDDEN');
    assert.equal(event?.location, 'graphql.user.email');
  });

  test('refuses a mutation over GET', async () => {
    const query = encodeURIComponent('mutation { rename(id: "1", name: "Eve") { name } }');
    const response = await fetch(`${gateway.url}/graphql?query=${query}`, {
      headers: { 'x-api-key': readerKey },
    });
    assert.equal(response.status, 405);
    assert.equal(response.headers.get('allow'), 'POST');
    await response.body?.cancel();
  });

  test('feeds variables and inline arguments to the detection engine with their GraphQL paths', async () => {
    const variable = await post({
      query: 'query Find($text: String!) { search(text: $text) { name } }',
      variables: { text: "x' UNION SELECT password FROM users --" },
    });
    assert.equal(variable.status, 403);
    assert.equal(variable.body.code, 'RAMPART_THREAT_DETECTED');
    const inline = await post({
      query: '{ search(text: "<script>alert(document.cookie)</script>") { name } }',
    });
    assert.equal(inline.body.code, 'RAMPART_THREAT_DETECTED');
    const locations = gateway.events
      .filter((e) => e.code === 'RAMPART_THREAT_DETECTED')
      .map((e) => e.location);
    assert.deepEqual(locations, ['graphql.variables.text', 'graphql.search(text)']);
    const benign = await post({
      query: 'query Find($text: String!) { search(text: $text) { name } }',
      variables: { text: "O'Brien or carol" },
    });
    assert.equal(benign.status, 200);
  });

  test('strips "did you mean" suggestions from the upstream\'s errors', async () => {
    const answer = await post({ query: '{ users { nam } }' }, { accept: GRAPHQL_RESPONSE });
    assert.equal(answer.status, 400, "the upstream's own validation answer");
    const message = answer.body.errors?.[0]?.message ?? '';
    assert.match(message, /Cannot query field "nam" on type "User"\./);
    assert.ok(!message.includes('Did you mean'), message);
  });
});

test('the GraphQL route examples of docs/graphql.md and the README are valid configs', async () => {
  for (const file of ['../docs/graphql.md', '../README.md']) {
    const text = readFileSync(new URL(file, import.meta.url), 'utf8');
    const block = /```yaml\n(routes:\n {2}- name: graphql\n[\s\S]*?)```/.exec(text)?.[1];
    assert.ok(block !== undefined, `${file} shows a graphql route`);
    const yaml = `version: 1\nupstreams: { api: { url: http://127.0.0.1:1 } }\n${block}`;
    const loaded = await loadConfigText(yaml, 'graphql.yaml', POLICY_DEFINITIONS);
    assert.ok(loaded.ok, loaded.ok ? '' : `${file}: ${loaded.errors.map(formatConfigError).join('\n')}`);
  }
});
