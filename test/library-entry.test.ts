// src/index.ts as an embedder uses it: a gateway started in-process from a config, its handles
// (address, request end, reload, metrics, close), custom policies through the public contract.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { Type } from '@sinclair/typebox';
import {
  CONTINUE,
  ConfigRefusedError,
  definePolicy,
  deny,
  type PolicyContext,
  type Rampart,
  startRampart,
} from '../src/index.ts';
import { startUpstream, type TestUpstream } from './helpers/upstream.ts';

function configFor(upstream: string, extra = ''): string {
  return `version: 1
server:
  http: { host: 127.0.0.1, port: 0 }
admin: { host: 127.0.0.1, port: 0 }
upstreams:
  api: { url: ${upstream} }
routes:
  - name: items
    match: { path: /items/:id, methods: [GET] }
    upstream: api
${extra}`;
}

function quietLog(lines: string[] = []): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line !== '') lines.push(line);
      done();
    },
  });
}

describe('the library entry point', () => {
  let upstream: TestUpstream;
  let rampart: Rampart;
  const logLines: string[] = [];

  before(async () => {
    upstream = await startUpstream();
    rampart = await startRampart({
      config: { text: configFor(upstream.url) },
      logDestination: quietLog(logLines),
      defaultMetrics: false,
    });
  });
  after(async () => {
    await rampart.close();
    await upstream.close();
  });

  test('starts a gateway in-process and tells when a request has ended', async () => {
    const response = await fetch(`${rampart.url}/items/7`);
    assert.equal(response.status, 200);
    await response.arrayBuffer();
    const requestId = response.headers.get('x-request-id') ?? '';
    const record = await rampart.requestFinished(requestId);
    assert.equal(record.status, 200);
    assert.equal(record.route, 'items');
    assert.ok(
      logLines.some((line) => line.includes(requestId)),
      'the access line was written',
    );
  });

  test('answers a request for an unknown route with its own problem document, never asking the upstream', async () => {
    const seen = upstream.received.length;
    const response = await fetch(`${rampart.url}/nowhere`);
    const problem = (await response.json()) as { code: string; requestId: string };
    assert.equal(response.status, 404);
    assert.equal(problem.code, 'RAMPART_ROUTE_NOT_FOUND');
    assert.equal((await rampart.requestFinished(problem.requestId)).status, 404);
    assert.equal(upstream.received.length, seen);
  });

  test('serves its metrics and the admin listener', async () => {
    const text = await rampart.metricsText();
    assert.match(text, /rampart_http_requests_total/);
    const ready = await fetch(`${rampart.adminUrl}/readyz`);
    assert.equal(ready.status, 200);
  });

  test('reloads from a new config and refuses a bad one while the running one keeps serving', async () => {
    const before = rampart.gateway.versionId;
    await rampart.reload({
      text: configFor(
        upstream.url,
        `  - name: more
    match: { path: /more, methods: [GET] }
    upstream: api
`,
      ),
    });
    assert.notEqual(rampart.gateway.versionId, before);
    assert.equal((await fetch(`${rampart.url}/more`)).status, 200);
    const running = rampart.gateway.versionId;
    await assert.rejects(rampart.reload({ text: 'version: 1\nroutes: 7\n' }), ConfigRefusedError);
    assert.equal(rampart.gateway.versionId, running);
    assert.equal((await fetch(`${rampart.url}/more`)).status, 200);
  });
});

describe('startRampart with a bad config', () => {
  test('refuses it with the file, line and reason of each problem', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rampart-lib-'));
    try {
      const file = join(dir, 'rampart.yaml');
      writeFileSync(file, 'version: 1\nupstreams:\n  api: { url: 7 }\nroutes: []\n');
      const refused = await startRampart({ config: { file }, logDestination: quietLog() }).then(
        () => undefined,
        (error: unknown) => error,
      );
      assert.ok(refused instanceof ConfigRefusedError);
      const [first] = refused.errors;
      assert.equal(first?.file, file);
      assert.equal(first?.line, 3);
      assert.match(first?.path ?? '', /upstreams\.api\.url/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a custom policy through the public contract', () => {
  test('runs in its stage with its own per-request state and can deny', async () => {
    const upstream = await startUpstream();
    const seenStates: string[] = [];
    const tagCheck = definePolicy({
      name: 'tag-check',
      stage: 'validation',
      description: 'refuses requests without an x-tag header; remembers the tag for the log phase',
      config: Type.Object({ header: Type.String({ default: 'x-tag' }) }),
      errors: ['RAMPART_VALIDATION_REQUEST_INVALID'],
      create(config) {
        return {
          requestState: () => ({ tag: '' }),
          onRequest(ctx: PolicyContext, state: { tag: string }) {
            const value = ctx.headers[config.header];
            if (typeof value !== 'string')
              return deny('RAMPART_VALIDATION_REQUEST_INVALID', { rule: 'missing-tag' });
            state.tag = value;
            return CONTINUE;
          },
          onLog(_ctx, state: { tag: string }) {
            seenStates.push(state.tag);
          },
        };
      },
    });
    const rampart = await startRampart({
      config: {
        text: configFor(
          upstream.url,
          `    policies:
      tag-check: {}
`,
        ),
      },
      policies: [tagCheck],
      logDestination: quietLog(),
      defaultMetrics: false,
    });
    try {
      const refused = await fetch(`${rampart.url}/items/1`);
      assert.equal(refused.status, 400);
      const { requestId } = (await refused.json()) as { requestId: string };
      const allowed = await fetch(`${rampart.url}/items/1`, { headers: { 'x-tag': 'blue' } });
      assert.equal(allowed.status, 200);
      await allowed.arrayBuffer();
      await rampart.requestFinished(requestId);
      await rampart.requestFinished(allowed.headers.get('x-request-id') ?? '');
      assert.deepEqual(seenStates.sort(), ['', 'blue']);
      assert.equal(upstream.received.length, 1);
    } finally {
      await rampart.close();
      await upstream.close();
    }
  });
});
