import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { configFor, contextFor, depsFor, type TestContext } from '../../../test/helpers/context.ts';
import type { Identity, PolicyHandlers, Verdict } from '../policy.ts';
import { createTextCache } from './document-cache.ts';
import { graphql } from './index.ts';
import { documentHash } from './persisted.ts';
import { graphqlMediaOf, stripSuggestions, withoutHints } from './response-shape.ts';

const dir = mkdtempSync(join(tmpdir(), 'rampart-graphql-unit-'));
writeFileSync(
  join(dir, 'schema.graphql'),
  `
interface Node { id: ID! secret: String }
type User implements Node { id: ID! name: String secret: String @rampart(roles: ["admin"]) posts(first: Int): [Post!]! }
type Post implements Node { id: ID! title: String secret: String }
type Query { node(id: ID!): Node users(first: Int, limit: Int): [User!]! me: User }
`,
);

type State = { media: undefined };
type Handlers = PolicyHandlers<State>;

function create(raw: Record<string, unknown> = {}): Handlers {
  return graphql.create(configFor(graphql, raw), depsFor({ baseDir: dir })) as Handlers;
}

function run(handlers: Handlers, ctx: TestContext): { verdict: Verdict; state: State } {
  const state = handlers.requestState!();
  return { verdict: handlers.onRequest!(ctx, state) as Verdict, state };
}

function post(
  body: unknown,
  extra: { identity?: Identity; accept?: string; type?: string } = {},
): TestContext {
  return contextFor({
    method: 'POST',
    rawUrl: '/graphql',
    headers: {
      'content-type': extra.type ?? 'application/json',
      ...(extra.accept === undefined ? {} : { accept: extra.accept }),
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...(extra.identity === undefined ? {} : { identity: extra.identity }),
  });
}

function codeOf(verdict: Verdict): string | undefined {
  return verdict.kind === 'deny' ? verdict.code : undefined;
}

const admin: Identity = { consumerId: 'c1', scopes: ['admin'], method: 'api-key' };
const reader: Identity = { consumerId: 'c2', scopes: ['reader'], method: 'api-key' };

describe('graphql', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('lets an ordinary query through and annotates its depth and cost', () => {
    const ctx = post({ query: '{ users(first: 5) { name posts(first: 2) { title } } }' });
    const { verdict } = run(create({ schema: 'schema.graphql' }), ctx);
    assert.equal(verdict.kind, 'continue');
    assert.equal(ctx.annotations.get('graphql_depth'), 3);
    // users: 5 × (1 + posts: 2 × 1) = 15
    assert.equal(ctx.annotations.get('graphql_cost'), 15);
    assert.equal(ctx.upstreamHeaders.get('accept-encoding'), 'identity');
  });

  test('costs a fragment once however often it is spread, and refuses what it multiplies to', () => {
    // Each level spreads the one below twice: 2^20 fields when expanded, a few dozen as written.
    const levels = Array.from(
      { length: 20 },
      (_, i) => `fragment F${i} on User { ...F${i + 1} ...F${i + 1} }`,
    );
    const query = `{ users(first: 1) { ...F0 } } ${levels.join(' ')} fragment F20 on User { posts(first: 1) { title } }`;
    const { verdict } = run(
      create({ schema: 'schema.graphql', maxDepth: 30, maxCost: 1000 }),
      post({ query }),
    );
    assert.equal(codeOf(verdict), 'RAMPART_GRAPHQL_TOO_COSTLY');
  });

  test('takes list sizes from literal and variable arguments, and the schema default otherwise', () => {
    const handlers = create({ schema: 'schema.graphql', maxCost: 100 });
    const big = post({
      query: 'query Q($n: Int) { users(limit: $n) { posts { title } } }',
      variables: { n: 50 },
    });
    // 50 users × (1 + 10 posts by default) > 100
    assert.equal(codeOf(run(handlers, big).verdict), 'RAMPART_GRAPHQL_TOO_COSTLY');
    const small = post({
      query: 'query Q($n: Int) { users(limit: $n) { posts(first: 1) { title } } }',
      variables: { n: 5 },
    });
    assert.equal(run(handlers, small).verdict.kind, 'continue');
  });

  test('refuses fragments that spread themselves or do not exist', () => {
    const handlers = create();
    const cycle = post({ query: '{ me { ...A } } fragment A on User { ...B } fragment B on User { ...A }' });
    assert.equal(codeOf(run(handlers, cycle).verdict), 'RAMPART_GRAPHQL_REQUEST_INVALID');
    const missing = post({ query: '{ me { ...Nowhere } }' });
    assert.equal(codeOf(run(handlers, missing).verdict), 'RAMPART_GRAPHQL_REQUEST_INVALID');
  });

  test('applies a field rule also when the field is read through an interface', () => {
    const handlers = create({ schema: 'schema.graphql' });
    const query = '{ node(id: "1") { id secret } }';
    const refused = run(handlers, post({ query }, { identity: reader })).verdict;
    assert.equal(codeOf(refused), 'RAMPART_GRAPHQL_FIELD_FORBIDDEN');
    assert.equal(refused.kind === 'deny' && refused.location, 'graphql.node.secret');
    assert.equal(run(handlers, post({ query }, { identity: admin })).verdict.kind, 'continue');
    // Post.secret alone has no rule.
    const post_ = post({ query: '{ node(id: "1") { ... on Post { secret } } }' }, { identity: reader });
    assert.equal(run(handlers, post_).verdict.kind, 'continue');
  });

  test('takes role rules from the config map, for root fields without a schema too', () => {
    const handlers = create({ roles: { 'Query.users': ['admin'] } });
    assert.equal(
      codeOf(run(handlers, post({ query: '{ users { name } }' })).verdict),
      'RAMPART_GRAPHQL_FIELD_FORBIDDEN',
    );
    assert.equal(
      run(handlers, post({ query: '{ users { name } }' }, { identity: admin })).verdict.kind,
      'continue',
    );
  });

  test('reads application/graphql bodies with variables in the query string', () => {
    const ctx = contextFor({
      method: 'POST',
      rawUrl: '/graphql?variables=%7B%22a%22%3A1%7D',
      headers: { 'content-type': 'application/graphql' },
      body: '{ me { name } }',
    });
    assert.equal(run(create(), ctx).verdict.kind, 'continue');
    const bad = contextFor({
      method: 'POST',
      rawUrl: '/graphql?variables=%7B',
      headers: { 'content-type': 'application/graphql' },
      body: '{ me { name } }',
    });
    assert.equal(codeOf(run(create(), bad).verdict), 'RAMPART_GRAPHQL_REQUEST_INVALID');
  });

  test('refuses other media types, methods and sizes before parsing', () => {
    const handlers = create({ maxBytes: 64 });
    assert.equal(
      codeOf(run(handlers, post('{ me { name } }', { type: 'text/plain' })).verdict),
      'RAMPART_GRAPHQL_UNSUPPORTED_MEDIA_TYPE',
    );
    const put = contextFor({ method: 'PUT', rawUrl: '/graphql' });
    const refused = run(handlers, put).verdict;
    assert.equal(codeOf(refused), 'RAMPART_GRAPHQL_METHOD_NOT_ALLOWED');
    assert.equal(refused.kind === 'deny' && refused.headers?.allow, 'GET, POST');
    const large = post({ query: `{ me { ${'name '.repeat(20)} } }` });
    assert.equal(codeOf(run(handlers, large).verdict), 'RAMPART_GRAPHQL_REQUEST_TOO_LARGE');
    assert.equal(handlers.requestBodyLimit, 64);
    const getLarge = contextFor({ method: 'GET', rawUrl: `/graphql?query=${'x'.repeat(100)}` });
    assert.equal(codeOf(run(handlers, getLarge).verdict), 'RAMPART_GRAPHQL_REQUEST_TOO_LARGE');
  });

  test('stops the parser at maxTokens and refuses syntax errors', () => {
    const handlers = create({ maxTokens: 50 });
    const many = post({ query: `{ me { ${'name '.repeat(60)} } }` });
    assert.equal(codeOf(run(handlers, many).verdict), 'RAMPART_GRAPHQL_TOO_COMPLEX');
    assert.equal(
      codeOf(run(handlers, post({ query: '{ me { ' })).verdict),
      'RAMPART_GRAPHQL_DOCUMENT_INVALID',
    );
  });

  test('counts directives and refuses floods of them', () => {
    const handlers = create({ maxDirectives: 3 });
    const flood = post({
      query: '{ me @include(if: true) @include(if: true) { name @skip(if: false) @skip(if: false) } }',
    });
    assert.equal(codeOf(run(handlers, flood).verdict), 'RAMPART_GRAPHQL_TOO_MANY_DIRECTIVES');
  });

  test('asks an APQ client for a document it has not seen, then remembers it by hash', () => {
    const handlers = create();
    const query = '{ me { name } }';
    const hash = documentHash(query);
    const extensions = { persistedQuery: { version: 1, sha256Hash: hash } };
    assert.equal(
      codeOf(run(handlers, post({ extensions })).verdict),
      'RAMPART_GRAPHQL_PERSISTED_QUERY_NOT_FOUND',
    );
    assert.equal(run(handlers, post({ query, extensions })).verdict.kind, 'continue');
    assert.equal(run(handlers, post({ extensions })).verdict.kind, 'continue');
    const lying = post({ query: '{ __schema { types { name } } }', extensions });
    assert.equal(codeOf(run(handlers, lying).verdict), 'RAMPART_GRAPHQL_REQUEST_INVALID');
    const passing = create({ persistedQueries: { unknownHash: 'pass' } });
    const unseen = { persistedQuery: { version: 1, sha256Hash: 'cd'.repeat(32) } };
    assert.equal(run(passing, post({ extensions: unseen })).verdict.kind, 'continue');
  });

  test('accepts listed hashes and documentId on an allow-list, analyzing listed documents', () => {
    const query = '{ me { secret } }';
    writeFileSync(
      join(dir, 'manifest.json'),
      JSON.stringify({
        format: 'apollo-persisted-query-manifest',
        version: 1,
        operations: [{ id: documentHash(query), body: query, name: 'Me', type: 'query' }],
      }),
    );
    const handlers = create({
      schema: 'schema.graphql',
      persistedQueries: { mode: 'allow-list', manifest: 'manifest.json', hashes: ['ef'.repeat(32)] },
    });
    const byId = post({ documentId: `sha256:${documentHash(query)}` }, { identity: admin });
    assert.equal(run(handlers, byId).verdict.kind, 'continue');
    // The listed document is still checked: a reader may not read User.secret.
    const asReader = post({ documentId: `sha256:${documentHash(query)}` }, { identity: reader });
    assert.equal(codeOf(run(handlers, asReader).verdict), 'RAMPART_GRAPHQL_FIELD_FORBIDDEN');
    assert.equal(run(handlers, post({ documentId: 'ef'.repeat(32) })).verdict.kind, 'continue');
    assert.equal(
      codeOf(run(handlers, post({ query: '{ me { name } }' })).verdict),
      'RAMPART_GRAPHQL_PERSISTED_QUERY_REFUSED',
    );
  });

  test("refuses a manifest whose hashes are not its documents'", () => {
    writeFileSync(join(dir, 'forged.json'), JSON.stringify({ ['ab'.repeat(32)]: '{ me { name } }' }));
    assert.throws(() => create({ persistedQueries: { manifest: 'forged.json' } }), /not the SHA-256/);
  });

  test('inspects variables and inline arguments only when detect is configured', () => {
    const query = 'query Q($q: String) { users(first: 1) { name } me { posts(first: 1) { title } } } ';
    const attack = post({ query, variables: { q: '../../../../etc/passwd' } });
    assert.equal(run(create(), attack).verdict.kind, 'continue');
    const refused = run(
      create({ detect: {} }),
      post({ query, variables: { q: '../../../../etc/passwd' } }),
    ).verdict;
    assert.equal(codeOf(refused), 'RAMPART_THREAT_DETECTED');
    assert.equal(refused.kind === 'deny' && refused.location, 'graphql.variables.q');
    const batch = post([
      { query: '{ me { name } }' },
      { query: '{ node(id: "1 UNION SELECT password FROM users--") { id } }' },
    ]);
    const inBatch = run(create({ detect: {} }), batch).verdict;
    assert.equal(inBatch.kind === 'deny' && inBatch.location, 'graphql[1].node(id)');
  });

  test("answers its own refusal in the GraphQL shape with the spec's status per media type", () => {
    const handlers = create();
    for (const [accept, status, type] of [
      ['application/graphql-response+json, application/json;q=0.9', 400, 'application/graphql-response+json'],
      ['application/json', 200, 'application/json'],
    ] as const) {
      const ctx = post(
        { query: '{ a { b { c { d { e { f { g { h { i { j { k { l { m } } } } } } } } } } } } }' },
        { accept },
      );
      const { verdict, state } = run(handlers, ctx);
      assert.equal(codeOf(verdict), 'RAMPART_GRAPHQL_TOO_DEEP');
      const response = contextFor({
        headers: { accept },
        response: {
          status: 400,
          local: true,
          headers: { 'content-type': 'application/problem+json', 'www-authenticate': 'x' },
          body: JSON.stringify({
            type: 't',
            title: 'GraphQL query nested too deeply',
            status: 400,
            code: 'RAMPART_GRAPHQL_TOO_DEEP',
            requestId: 'r1',
          }),
        },
      });
      handlers.onResponse!(response, state);
      assert.equal(response.response?.status, status);
      assert.ok(String(response.response?.headers['content-type']).startsWith(type));
      assert.equal(response.response?.headers['www-authenticate'], 'x');
      assert.deepEqual(JSON.parse(response.response!.body!.toString()), {
        errors: [
          {
            message: 'GraphQL query nested too deeply',
            extensions: { code: 'RAMPART_GRAPHQL_TOO_DEEP', requestId: 'r1' },
          },
        ],
      });
    }
  });

  test("keeps the status of other policies' refusals and leaves problem+json to clients that did not ask", () => {
    const handlers = create();
    const unauthorized = contextFor({
      headers: { accept: 'application/json' },
      response: {
        status: 401,
        local: true,
        headers: { 'content-type': 'application/problem+json' },
        body: JSON.stringify({
          type: 't',
          title: 'Unauthorized',
          status: 401,
          code: 'RAMPART_AUTHN_UNAUTHORIZED',
          requestId: 'r2',
        }),
      },
    });
    handlers.onResponse!(unauthorized, handlers.requestState!());
    assert.equal(unauthorized.response?.status, 401);
    assert.equal(
      JSON.parse(unauthorized.response!.body!.toString()).errors[0].extensions.code,
      'RAMPART_AUTHN_UNAUTHORIZED',
    );
    const plain = contextFor({
      headers: { accept: '*/*' },
      response: {
        status: 401,
        local: true,
        headers: { 'content-type': 'application/problem+json' },
        body: '{"code":"RAMPART_AUTHN_UNAUTHORIZED","title":"U","requestId":"r"}',
      },
    });
    handlers.onResponse!(plain, handlers.requestState!());
    assert.equal(plain.response?.headers['content-type'], 'application/problem+json');
  });

  test('removes suggestions from upstream errors unless they are allowed', () => {
    const body = JSON.stringify({
      errors: [{ message: 'Cannot query field "nam" on type "User". Did you mean "name" or "names"?' }],
    });
    const handlers = create();
    const ctx = contextFor({ response: { status: 200, body } });
    handlers.onResponse!(ctx, handlers.requestState!());
    assert.equal(
      JSON.parse(ctx.response!.body!.toString()).errors[0].message,
      'Cannot query field "nam" on type "User".',
    );
    const allowed = create({ suggestions: true });
    assert.deepEqual(allowed.needs, { requestBody: true, responseBody: false });
    const untouched = contextFor({ response: { status: 200, body } });
    allowed.onResponse!(untouched, allowed.requestState!());
    assert.equal(untouched.response!.body!.toString(), body);
  });
});

describe('graphql response shape', () => {
  test('negotiates the GraphQL media types, honouring q=0', () => {
    assert.equal(graphqlMediaOf('application/json, application/graphql-response+json'), 'graphql-response');
    assert.equal(graphqlMediaOf('application/graphql-response+json;q=0, application/json'), 'json');
    assert.equal(graphqlMediaOf('*/*'), undefined);
    assert.equal(graphqlMediaOf(undefined), undefined);
  });

  test('removes every hint in linear time and leaves other text', () => {
    assert.equal(withoutHints('A. Did you mean "b"? C. Did you mean "d"?'), 'A. C.');
    assert.equal(withoutHints('No hint here.'), 'No hint here.');
    assert.equal(withoutHints('Broken Did you mean'), 'Broken');
    const long = 'Did you mean '.repeat(100_000);
    assert.equal(withoutHints(long), '');
    assert.equal(stripSuggestions(Buffer.from('{"data":{}}')), undefined);
    const batch = stripSuggestions(
      Buffer.from(JSON.stringify([{ errors: [{ message: 'X. Did you mean "y"?' }] }])),
    );
    assert.deepEqual(JSON.parse(batch!.toString()), [{ errors: [{ message: 'X.' }] }]);
  });
});

describe('graphql document cache', () => {
  test('evicts the least recently used entries by count and by bytes, and keeps no oversized entry', () => {
    const cache = createTextCache<string>(3, 1600, (text) => text.length);
    cache.set('a', 'x'.repeat(10));
    cache.set('b', 'x'.repeat(10));
    cache.set('c', 'x'.repeat(10));
    assert.equal(cache.get('a'), 'x'.repeat(10)); // a is now the most recent
    cache.set('d', 'x'.repeat(10));
    assert.equal(cache.get('b'), undefined);
    assert.equal(cache.size, 3);
    cache.set('e', 'y'.repeat(200)); // over 1600 / 16: not kept
    assert.equal(cache.get('e'), undefined);
    const bytes = createTextCache<string>(100, 1600, (text) => text.length);
    for (let i = 0; i < 30; i++) bytes.set(`k${i}`, 'z'.repeat(90));
    assert.ok(bytes.bytes <= 1600);
    assert.equal(bytes.get('k29'), 'z'.repeat(90));
    assert.equal(bytes.get('k0'), undefined);
  });
});

test('the README config example is a valid graphql block', () => {
  const readme = readFileSync(new URL('./README.md', import.meta.url), 'utf8');
  const block = /```yaml\n(graphql:\n[\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(block !== undefined);
  const parsed = parseYaml(block) as { graphql: unknown };
  assert.doesNotThrow(() => configFor(graphql, parsed.graphql));
});

test('silences detection rules where the config excludes them', () => {
  const query = '{ search(text: "<script>alert(1)</script>") { name } }';
  const strict = graphql.create(configFor(graphql, { detect: {} }), depsFor({ baseDir: dir })) as Handlers;
  assert.equal(codeOf(run(strict, post({ query })).verdict), 'RAMPART_THREAT_DETECTED');
  const excluded = graphql.create(
    configFor(graphql, { detect: { exclusions: [{ location: 'graphql.search(text)', rules: ['xss'] }] } }),
    depsFor({ baseDir: dir }),
  ) as Handlers;
  assert.equal(run(excluded, post({ query })).verdict.kind, 'continue');
});

test('allows introspection to everyone, no one, or the roles listed', () => {
  const query = '{ __schema { queryType { name } } }';
  const byRole = graphql.create(configFor(graphql, { introspection: ['admin'] }), depsFor()) as Handlers;
  assert.equal(
    codeOf(run(byRole, post({ query }, { identity: reader })).verdict),
    'RAMPART_GRAPHQL_INTROSPECTION_DISABLED',
  );
  assert.equal(run(byRole, post({ query }, { identity: admin })).verdict.kind, 'continue');
  const open = graphql.create(configFor(graphql, { introspection: true }), depsFor()) as Handlers;
  assert.equal(run(open, post({ query })).verdict.kind, 'continue');
});

test('tells a token-limit stop from a syntax error that mentions tokens', () => {
  const handlers = graphql.create(configFor(graphql, {}), depsFor()) as Handlers;
  const verdict = run(
    handlers,
    post({ query: '{ me(tokens: "Document contains more than") { name ' }),
  ).verdict;
  assert.equal(codeOf(verdict), 'RAMPART_GRAPHQL_DOCUMENT_INVALID');
});
