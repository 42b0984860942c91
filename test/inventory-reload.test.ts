// The contracts follow the config: after a reload that names another spec, the inventory learns
// documented paths under the new spec's templates.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestRampart, type TestRampart } from './helpers/rampart.ts';
import { startUpstream, type TestUpstream } from './helpers/upstream.ts';

let dir: string;
let upstream: TestUpstream;
let gw: TestRampart;

const config = (specs: string) => `
version: 1
server: { http: { port: 0 } }
admin: { enabled: false }
inventory: { flushInterval: 0, specs: ${specs} }
upstreams:
  app: { url: ${upstream.url} }
routes:
  - { name: app, match: { path: /* }, upstream: app }
`;

async function get(path: string): Promise<void> {
  const res = await fetch(`${gw.rampart.url}${path}`);
  await res.arrayBuffer();
  await gw.rampart.requestFinished(res.headers.get('x-request-id')!);
}

describe('inventory across a reload', () => {
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rampart-inventory-reload-'));
    writeFileSync(
      join(dir, 'things.yaml'),
      `openapi: 3.1.0
info: { title: things, version: '1' }
paths:
  /things/{thingId}:
    get: { responses: { '200': { description: ok } } }
`,
    );
    upstream = await startUpstream();
    gw = await startTestRampart({ config: { text: config('[]'), baseDir: dir } });
  });
  after(async () => {
    await gw?.rampart.close();
    await upstream?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('learns under the spec the reloaded config names', async () => {
    await get('/things/1');
    await gw.rampart.reload({ text: config('[{ spec: things.yaml }]'), baseDir: dir });
    await get('/things/2');
    const endpoints = (await gw.rampart.inventory!.endpoints()).map((e) => `${e.template} ${e.documented}`);
    assert.deepEqual(endpoints.sort(), ['/things/{id} false', '/things/{thingId} true']);
  });
});
