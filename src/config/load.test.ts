import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Type } from '@sinclair/typebox';
import { definePolicy } from '../policies/policy.ts';
import { formatConfigError } from './errors.ts';
import { type LoadResult, loadConfigFile, loadConfigText } from './load.ts';
import { Bytes, Duration, SecretRef } from './schema.ts';
import { errorAt, MAX_CONFIG_BYTES } from './source.ts';

const rateLimit = definePolicy({
  name: 'rate-limit',
  stage: 'traffic',
  description: 'test policy',
  config: Type.Object(
    {
      limit: Type.Integer({ minimum: 1 }),
      window: Type.Optional(Duration),
      burst: Type.Optional(Bytes),
      key: Type.Union([Type.Literal('ip'), Type.Literal('consumer')], { default: 'ip' }),
    },
    { additionalProperties: false },
  ),
  errors: [],
  create: () => ({}),
});
const methods = definePolicy({
  name: 'methods',
  stage: 'ingress',
  description: 'test policy',
  config: Type.Object(
    { allow: Type.Array(Type.String({ pattern: '^[A-Z]+$' })) },
    { additionalProperties: false },
  ),
  errors: [],
  create: () => ({}),
});
const hmac = definePolicy({
  name: 'hmac',
  stage: 'authn',
  description: 'test policy',
  config: Type.Object({ secret: SecretRef }, { additionalProperties: false }),
  errors: [],
  create: () => ({}),
});
const definitions = [rateLimit, methods, hmac];
const env = { RAMPART_TEST_ADMIN_TOKEN: 'admin-token-value' };
const fixture = new URL('./fixtures/valid.yaml', import.meta.url).pathname;

const BASE = `version: 1
upstreams:
  api:
    url: http://127.0.0.1:3000
routes:
`;

async function errorsOf(text: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<LoadResult & { ok: false }> {
  const result = await loadConfigText(text, 'rampart.yaml', definitions, { env: { ...env, ...extraEnv } });
  assert.equal(result.ok, false, 'expected the config to be refused');
  return result as LoadResult & { ok: false };
}

/** The 1-based line of the first line of `text` containing `needle`. */
function lineOf(text: string, needle: string): number {
  const index = text.split('\n').findIndex((line) => line.includes(needle));
  assert.notEqual(index, -1, `fixture has no line with ${needle}`);
  return index + 1;
}

describe('loadConfigFile', () => {
  test('loads a valid file, applies defaults and resolves secrets', async () => {
    const result = await loadConfigFile(fixture, definitions, { env });
    assert.ok(result.ok, result.ok ? '' : result.errors.map(formatConfigError).join('\n'));
    const { config, secrets } = result;
    assert.equal(config.upstreams.api?.connections, 128);
    assert.equal(config.upstreams.api?.preserveHost, false);
    assert.equal(config.server?.http?.host, '127.0.0.1');
    assert.deepEqual(config.server?.trustedProxies, []);
    assert.equal(config.admin?.port, 9901);
    assert.equal(config.routes[0]?.allowMethodOverride, false);
    const block = config.routes[0]?.policies?.['rate-limit'] as { key?: string } | undefined;
    assert.equal(block?.key, 'ip');
    assert.equal(secrets.get('env:RAMPART_TEST_ADMIN_TOKEN'), 'admin-token-value');
    assert.equal(secrets.get('file:secrets/hmac.key'), 'hmac-test-key-not-real');
  });

  test('maps a path found later (by policy building) to its line in the file', async () => {
    const result = await loadConfigFile(fixture, definitions, { env });
    assert.ok(result.ok);
    const error = errorAt(result.source, 'routes[0].policies.rate-limit.burst', 'too large for this route');
    assert.equal(error.line, 26);
    assert.equal(error.column, 16);
    assert.equal(error.path, 'routes[0].policies.rate-limit.burst');
    assert.equal(errorAt(result.source, 'upstreams["billing.v2"].connectTimeout', 'x').line, 13);
    assert.equal(errorAt(result.source, ['defaults', 'policies', 'methods', 'allow', 1], 'x').column, 20);
  });

  test('refuses a missing file with a file-unreadable error', async () => {
    const result = await loadConfigFile(join(tmpdir(), 'rampart-no-such-dir', 'rampart.yaml'), definitions);
    assert.equal(result.ok, false);
    assert.equal(result.ok ? '' : result.errors[0]?.code, 'file-unreadable');
  });

  describe('with a file over the size limit', () => {
    let dir = '';
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'rampart-load-'));
    });
    after(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    test('refuses it before parsing', async () => {
      const file = join(dir, 'big.yaml');
      await writeFile(file, `# ${'x'.repeat(MAX_CONFIG_BYTES)}\n`);
      const result = await loadConfigFile(file, definitions);
      assert.equal(result.ok ? '' : result.errors[0]?.code, 'file-too-large');
    });
  });
});

describe('loadConfigText errors', () => {
  test('names an unknown route key with its line and suggests the close known key', async () => {
    const text = `${BASE}  - name: a\n    match: { path: / }\n    upstream: api\n    stripPrefx: /v1\n`;
    const { errors } = await errorsOf(text);
    assert.equal(errors.length, 1);
    const [error] = errors;
    assert.equal(error?.code, 'schema-unknown-key');
    assert.equal(error?.path, 'routes[0].stripPrefx');
    assert.equal(error?.line, lineOf(text, 'stripPrefx'));
    assert.equal(error?.column, 5);
    assert.match(error?.message ?? '', /"stripPrefix"/);
  });

  test('reports a wrong type deep in a policy block at its value', async () => {
    const text = `${BASE}  - name: a\n    match: { path: / }\n    upstream: api\n    policies:\n      rate-limit:\n        limit: lots\n`;
    const { errors } = await errorsOf(text);
    assert.deepEqual(
      errors.map((e) => [e.code, e.path, e.line, e.column]),
      [['schema-type', 'routes[0].policies.rate-limit.limit', lineOf(text, 'limit: lots'), 16]],
    );
  });

  test('collapses a union such as Bytes into one error', async () => {
    const text = `${BASE}  - name: a\n    match: { path: / }\n    upstream: api\n    policies:\n      rate-limit: { limit: 5, burst: huge, key: everyone }\n`;
    const { errors } = await errorsOf(text);
    assert.deepEqual(
      errors.map((e) => [e.code, e.path]),
      [
        ['schema-value', 'routes[0].policies.rate-limit.burst'],
        ['schema-value', 'routes[0].policies.rate-limit.key'],
      ],
    );
  });

  test('names the missing required key at the mapping that lacks it', async () => {
    const text = `version: 1\nupstreams:\n  api:\n    connections: 4\nroutes: []\n`;
    const { errors } = await errorsOf(text);
    assert.deepEqual(
      errors.map((e) => [e.code, e.path, e.line]),
      [['schema-required', 'upstreams.api', 4]],
    );
  });

  test('reports a YAML syntax error with its line', async () => {
    const text = `${BASE}  - name: a\n    match: { path: / \n    upstream: api\n`;
    const { errors } = await errorsOf(text);
    assert.equal(errors[0]?.code, 'yaml-syntax');
    assert.ok((errors[0]?.line ?? 0) >= lineOf(text, 'match:'));
  });

  test('reports one message for one YAML syntax error, not the cascade after it', async () => {
    const text = `${BASE}  - name: a\n    match: [path: /a\n    upstream: api\n  - name: b\n    match: { path: /b }\n    upstream: api\n`;
    const { errors } = await errorsOf(text);
    assert.deepEqual(
      errors.map((e) => e.code),
      ['yaml-syntax'],
    );
    assert.ok((errors[0]?.line ?? 0) >= lineOf(text, 'match: ['));
  });

  test('refuses an admin listener beyond loopback without a token, and accepts it with one', async () => {
    const open = `${BASE}  - name: a\n    match: { path: / }\n    upstream: api\nadmin: { host: 0.0.0.0, port: 9901 }\n`;
    const { errors } = await errorsOf(open);
    assert.deepEqual(
      errors.map((e) => [e.code, e.path]),
      [['admin-without-token', 'admin.host']],
    );
    const guarded = open.replace('port: 9901 }', 'port: 9901, token: env:RAMPART_TEST_ADMIN_TOKEN }');
    const loaded = await loadConfigText(guarded, 'rampart.yaml', definitions, { env });
    assert.equal(loaded.ok, true);
  });

  test('refuses a route whose upstream is not defined, at the upstream line', async () => {
    const text = `${BASE}  - name: a\n    match: { path: / }\n    upstream: apj\n`;
    const { errors } = await errorsOf(text);
    assert.deepEqual(
      errors.map((e) => [e.code, e.path, e.line]),
      [['unknown-upstream', 'routes[0].upstream', lineOf(text, 'upstream: apj')]],
    );
  });

  test('refuses a duplicate route name at the second route', async () => {
    const text = `${BASE}  - name: a\n    match: { path: /one }\n    upstream: api\n  - name: a\n    match: { path: /two }\n    upstream: api\n`;
    const { errors } = await errorsOf(text);
    assert.deepEqual(
      errors.map((e) => [e.code, e.path, e.line]),
      [['duplicate-route', 'routes[1].name', lineOf(text, '/two') - 1]],
    );
  });

  test('refuses a duplicate mapping key with its line', async () => {
    const text = `${BASE}  - name: a\n    match: { path: / }\n    upstream: api\n    upstream: api\n`;
    const { errors } = await errorsOf(text);
    assert.equal(errors[0]?.code, 'yaml-duplicate-key');
    assert.equal(errors[0]?.line, lineOf(text, 'upstream: api') + 1);
  });

  test('refuses a missing environment secret at its path without echoing any value', async () => {
    const text = `version: 1\nadmin:\n  token: env:RAMPART_TEST_UNSET\nupstreams: {}\nroutes: []\n`;
    const { errors } = await errorsOf(text);
    assert.deepEqual(
      errors.map((e) => [e.code, e.path, e.line]),
      [['secret-unresolved', 'admin.token', 3]],
    );
  });

  test('refuses a missing secret file named in a policy block', async () => {
    const text = `${BASE}  - name: a\n    match: { path: / }\n    upstream: api\n    policies:\n      hmac: { secret: "file:nope.key" }\n`;
    const { errors } = await errorsOf(text);
    assert.deepEqual(
      errors.map((e) => [e.code, e.path]),
      [['secret-unresolved', 'routes[0].policies.hmac.secret']],
    );
  });

  test('never puts a misplaced inline secret into a message', async () => {
    const text = `version: 1\nadmin:\n  token: s3cr3t-inline-value\nupstreams: {}\nroutes: []\n`;
    const { errors } = await errorsOf(text);
    assert.equal(errors[0]?.path, 'admin.token');
    assert.ok(!errors.map(formatConfigError).join('\n').includes('s3cr3t'));
  });

  test('refuses a billion-laughs alias bomb', async () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      lines.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(', ')}]`);
    }
    const { errors } = await errorsOf(`${lines.join('\n')}\n`);
    assert.equal(errors[0]?.code, 'yaml-alias');
  });

  test('refuses explicit YAML tags', async () => {
    const { errors } = await errorsOf(`version: !!js/function "x"\nupstreams: {}\nroutes: []\n`);
    assert.equal(errors[0]?.code, 'yaml-tag');
    assert.equal(errors[0]?.line, 1);
  });

  test('refuses nesting far deeper than any config needs', async () => {
    const { errors } = await errorsOf(`version: 1\nx: ${'['.repeat(100)}${']'.repeat(100)}\n`);
    assert.equal(errors[0]?.code, 'yaml-too-deep');
  });

  test('refuses an empty file as not a mapping', async () => {
    const { errors } = await errorsOf('');
    assert.equal(errors[0]?.code, 'schema-type');
  });

  test('formats an error as file:line:column path: message', () => {
    const line = formatConfigError({
      code: 'schema-value',
      file: 'rampart.yaml',
      line: 12,
      column: 5,
      path: 'routes[2].policies.methods.allow[0]',
      message: 'must be one of "GET"',
    });
    assert.equal(line, 'rampart.yaml:12:5 routes[2].policies.methods.allow[0]: must be one of "GET"');
  });
});
