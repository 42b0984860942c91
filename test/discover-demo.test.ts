// Discovery over sockets: against the demo API it finds the contract at /openapi.json and the
// undocumented debug path (a 500 with a stack trace); on a closed port it finds nothing and sends
// nothing after the first refused connection.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { type DemoApi, startDemoApi } from '../examples/demo-api/server.ts';
import { discover } from '../src/inventory/discover.ts';
import { PROBES } from '../src/inventory/discover-probes.ts';
import { runCliInProcess } from './helpers/cli.ts';

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let demo: DemoApi;

describe('rampart discover', () => {
  before(async () => {
    demo = await startDemoApi();
  });
  after(async () => {
    await demo?.close();
  });

  test('finds the demo API spec and its debug path, within the probe budget', async () => {
    const [report] = await discover({
      targets: [new URL(demo.url)],
      ratePerSecond: Infinity,
      timeoutMs: 5000,
    });
    assert.ok(report?.reachable);
    assert.ok(report.requests <= PROBES.length + 1 + 2 * 5, String(report.requests));
    const spec = report.answers.find((a) => a.spec !== undefined);
    assert.equal(spec?.path, '/openapi.json');
    assert.equal(spec?.spec?.kind, 'openapi');
    assert.equal(spec?.spec?.title, 'Rampart demo API');
    assert.ok((spec?.spec?.operations ?? 0) > 10);
    const debug = report.answers.find((a) => a.path === '/debug/crash');
    assert.equal(debug?.status, 500);
    assert.ok(debug?.notes.some((note) => note.includes('stack trace')));
    // What the demo serves and nothing else: its health check, the spec, the debug path.
    assert.deepEqual(report.answers.map((a) => a.path).sort(), ['/debug/crash', '/health', '/openapi.json']);
  });

  test('reports a closed port unreachable after one request, with nothing found', async () => {
    const port = await closedPort();
    const [report] = await discover({
      targets: [new URL(`http://127.0.0.1:${port}`)],
      ratePerSecond: Infinity,
    });
    assert.equal(report?.reachable, false);
    assert.equal(report?.requests, 1);
    assert.deepEqual(report?.answers, []);
    assert.equal(report?.error, 'ECONNREFUSED');
  });

  test('the CLI prints what answered and exits 1 when nothing did', async () => {
    const port = await closedPort();
    const closed = await runCliInProcess([
      'discover',
      '--target',
      `http://127.0.0.1:${port}`,
      '--rate',
      '100',
    ]);
    assert.equal(closed.code, 1);
    assert.match(closed.stdout, /unreachable/);
    const found = await runCliInProcess(['discover', '--target', demo.url, '--rate', '100', '--json']);
    assert.equal(found.code, 0, found.stderr);
    const [report] = JSON.parse(found.stdout) as Array<{ answers: Array<{ path: string }> }>;
    assert.ok(report?.answers.some((a) => a.path === '/openapi.json'));
  });
});
