// Saving an OpenAPI file that a route validates against reloads the gateway, like saving the config.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestRampart, type TestRampart } from './helpers/rampart.ts';
import { startUpstream, type TestUpstream } from './helpers/upstream.ts';

const dir = mkdtempSync(join(tmpdir(), 'rampart-spec-reload-'));
let upstream: TestUpstream;
let gw: TestRampart;

function spec(paths: readonly string[]): string {
  const entries = paths
    .map((path) => `  ${path}:\n    get:\n      responses:\n        '200': { description: ok }\n`)
    .join('');
  return `openapi: 3.1.0\ninfo: { title: t, version: '1' }\npaths:\n${entries}`;
}

describe('gateway-spec-reload', () => {
  before(async () => {
    upstream = await startUpstream();
    writeFileSync(join(dir, 'openapi.yaml'), spec(['/a']));
    writeFileSync(
      join(dir, 'rampart.yaml'),
      `version: 1
server: { http: { port: 0 } }
admin: { port: 0 }
upstreams: { app: { url: ${upstream.url} } }
routes:
  - name: api
    match: { path: /*, methods: [GET] }
    upstream: app
    policies:
      openapi-validate: { spec: openapi.yaml }
`,
    );
    gw = await startTestRampart({ config: { file: join(dir, 'rampart.yaml') } });
  });

  after(async () => {
    await gw.rampart.close();
    await upstream.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('serves an operation added to the spec file without touching the config', async () => {
    const { url } = gw.rampart;
    assert.equal((await fetch(`${url}/a`)).status, 200);
    assert.equal((await fetch(`${url}/b`)).status, 404);
    writeFileSync(join(dir, 'openapi.yaml'), spec(['/a', '/b']));
    await gw.log.waitFor(
      (record) => record.msg === 'config reloaded' && String(record.version).endsWith('(spec)'),
    );
    assert.equal((await fetch(`${url}/b`)).status, 200);
  });
});
