// Upstreams with several targets, over real sockets: weighted round-robin spreads load exactly as
// configured, least-request avoids a busy target, a target answering 5xx is ejected and comes back after
// its ejection time (fake clock), a refused target is retried on another one, and active health checks
// take an unhealthy target out of the rotation and put it back when it recovers.
import assert from 'node:assert/strict';
import { EventEmitter, once } from 'node:events';
import type { ServerResponse } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { loadConfigText } from '../src/config/load.ts';
import { POLICY_DEFINITIONS } from '../src/policies/registry.ts';
import { fakeClock } from './helpers/context.ts';
import { startTestRampart, type TestRampart } from './helpers/rampart.ts';
import { freePort } from './helpers/redis.ts';
import { startUpstream, type TestUpstream } from './helpers/upstream.ts';

const NAMES = ['a', 'b', 'c'] as const;
type Name = (typeof NAMES)[number];

/** One target: answers 200 with its name, or 500, or holds the answer; counts what it served. */
interface TestTarget {
  readonly name: Name;
  upstream: TestUpstream;
  answer: 'ok' | 'fail' | 'hold';
  health: number;
  readonly held: ServerResponse[];
  readonly served: Map<string, number>;
  readonly events: EventEmitter;
  probeCount: number;
}

async function startTarget(name: Name): Promise<TestTarget> {
  const target: TestTarget = {
    name,
    upstream: undefined as unknown as TestUpstream,
    answer: 'ok',
    health: 200,
    held: [],
    served: new Map(),
    events: new EventEmitter(),
    probeCount: 0,
  };
  target.upstream = await startUpstream((req, res) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (path === '/health') {
      res.writeHead(target.health).end();
      target.probeCount++;
      target.events.emit('probe');
      return;
    }
    target.served.set(path, (target.served.get(path) ?? 0) + 1);
    served.emit('served');
    if (target.answer === 'hold') target.held.push(res);
    else res.writeHead(target.answer === 'ok' ? 200 : 500, { 'x-target': name }).end(name);
  });
  return target;
}

const clock = fakeClock();
/** Emits 'served' whenever any target took a request. */
const served = new EventEmitter();
let targets: Record<Name, TestTarget>;
let refusedUrl: string;
let gateway: TestRampart;

function configText(): string {
  const [a, b, c] = NAMES.map((n) => targets[n].upstream.url);
  return `version: 1
server: { http: { port: 0 } }
admin: { enabled: false }
upstreams:
  weighted:
    targets: [{ url: "${a}" }, { url: "${b}", weight: 2 }, { url: "${c}", weight: 3 }]
  least:
    balance: least-request
    targets: [{ url: "${a}" }, { url: "${b}" }, { url: "${c}" }]
  outlier:
    targets: [{ url: "${a}" }, { url: "${b}" }, { url: "${c}" }]
    outlierDetection: { consecutiveFailures: 2, ejectionTime: 10s, maxEjectionPercent: 34 }
  retrying:
    targets: [{ url: "${refusedUrl}" }, { url: "${a}" }]
    retries: { attempts: 2, minRetries: 100 }
    outlierDetection: { consecutiveFailures: 3, ejectionTime: 1m }
  checked:
    targets: [{ url: "${b}" }, { url: "${c}" }]
    healthCheck: { path: /health, interval: 10ms, healthyThreshold: 1, unhealthyThreshold: 1 }
routes:
  - { name: weighted, match: { path: /weighted }, upstream: weighted }
  - { name: least, match: { path: /least }, upstream: least }
  - { name: outlier, match: { path: /outlier }, upstream: outlier }
  - { name: retrying, match: { path: /retrying }, upstream: retrying }
  - { name: checked, match: { path: /checked }, upstream: checked }
`;
}

const counts = (path: string) => NAMES.map((n) => targets[n].served.get(path) ?? 0);
const get = async (path: string) => {
  const response = await fetch(`${gateway.rampart.url}${path}`);
  return { status: response.status, target: response.headers.get('x-target'), body: await response.text() };
};
async function send(path: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await get(path);
}
/** Resolves once `target` has answered `count` more health probes (each result is then recorded). */
async function probes(target: TestTarget, count: number): Promise<void> {
  const until = target.probeCount + count;
  while (target.probeCount < until) await once(target.events, 'probe');
}

describe('upstream targets', () => {
  before(async () => {
    const started = await Promise.all(NAMES.map(startTarget));
    targets = { a: started[0]!, b: started[1]!, c: started[2]! };
    refusedUrl = `http://127.0.0.1:${await freePort()}`;
    gateway = await startTestRampart({ config: { text: configText() }, clock });
  });
  after(async () => {
    await gateway?.rampart.close();
    await Promise.all(NAMES.map((n) => targets?.[n]?.upstream.close()));
  });

  test('weighted round-robin spreads the load exactly by weight', async () => {
    await send('/weighted', 60);
    assert.deepEqual(counts('/weighted'), [10, 20, 30]);
    // Each target is sent its own Host.
    for (const n of NAMES) {
      const hosts = new Set(
        targets[n].upstream.received.filter((r) => r.url === '/weighted').map((r) => r.headers.host),
      );
      assert.deepEqual([...hosts], [`127.0.0.1:${targets[n].upstream.port}`]);
    }
  });

  test('least-request sends nothing more to a target while it is busy', async () => {
    for (const t of NAMES) targets[t].answer = 'hold';
    // The first request lands on one target and stays in flight there.
    const pending = fetch(`${gateway.rampart.url}/least`);
    while (counts('/least').reduce((x, y) => x + y) === 0) await once(served, 'served');
    for (const t of NAMES) targets[t].answer = 'ok';
    const busy = counts('/least').indexOf(1);
    await send('/least', 10);
    const spread = counts('/least');
    assert.equal(spread[busy], 1, `the busy target got more: ${spread.join(',')}`);
    assert.deepEqual(
      spread.filter((_, i) => i !== busy),
      [5, 5],
    );
    for (const t of NAMES) for (const res of targets[t].held.splice(0)) res.end(t);
    assert.equal((await pending).status, 200);
  });

  test('a target answering 5xx is ejected after consecutive failures and comes back after its time', async () => {
    targets.c.answer = 'fail';
    // Round-robin reaches c every third request: two failures in a row eject it.
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await get('/outlier')).status);
    assert.deepEqual(counts('/outlier'), [2, 2, 2]);
    assert.equal(statuses.filter((s) => s === 500).length, 2);
    await send('/outlier', 10);
    assert.deepEqual(counts('/outlier'), [7, 7, 2], 'c is out of the rotation');
    await gateway.log.waitFor(
      (r) =>
        r.event === 'upstream.target-ejected' &&
        r.upstream === 'outlier' &&
        r.target === targets.c.upstream.url,
    );
    targets.c.answer = 'ok';
    clock.advance(10_000);
    await send('/outlier', 9);
    assert.deepEqual(counts('/outlier'), [10, 10, 5], 'c is back after the ejection time');
    await gateway.log.waitFor((r) => r.event === 'upstream.target-returned' && r.upstream === 'outlier');
  });

  test('a refused connection is retried on another target, and the refusing target is ejected', async () => {
    const before = counts('/retrying')[0]!;
    const answers = [];
    for (let i = 0; i < 10; i++) answers.push((await get('/retrying')).status);
    assert.deepEqual(answers, Array(10).fill(200));
    assert.equal(counts('/retrying')[0]! - before, 10, 'every request was answered by a');
    const text = await gateway.rampart.metricsText();
    const retried = /rampart_upstream_retries_total\{[^}]*upstream="retrying"[^}]*\} (\d+)/.exec(text);
    // Refused on the first pass of the rotation until ejected after 3 refusals: then no more retries.
    assert.equal(retried?.[1], '3');
  });

  test('active health checks take an unhealthy target out of the rotation and bring it back', async () => {
    targets.c.health = 503;
    await probes(targets.c, 2);
    await gateway.log.waitFor(
      (r) => r.event === 'upstream.target-unhealthy' && r.target === targets.c.upstream.url,
    );
    const start = counts('/checked');
    await send('/checked', 6);
    assert.deepEqual(
      counts('/checked').map((n, i) => n - start[i]!),
      [0, 6, 0],
    );
    targets.c.health = 200;
    await probes(targets.c, 2);
    await send('/checked', 6);
    assert.deepEqual(
      counts('/checked').map((n, i) => n - start[i]!),
      [0, 9, 3],
    );
  });

  test('a config gives an upstream url or targets, not both, and all targets share one base path', async () => {
    const errorsOf = async (upstream: string) => {
      const text = `version: 1\nupstreams:\n  app: ${upstream}\nroutes: []\n`;
      const loaded = await loadConfigText(text, 'test.yaml', POLICY_DEFINITIONS);
      return loaded.ok ? [] : loaded.errors.map((e) => [e.code, e.path]);
    };
    assert.deepEqual(await errorsOf('{ connections: 2 }'), [['schema-required', 'upstreams.app']]);
    assert.deepEqual(await errorsOf('{ url: "http://a:1", targets: [{ url: "http://b:1" }] }'), [
      ['schema-value', 'upstreams.app.targets'],
    ]);
    assert.deepEqual(
      await errorsOf('{ targets: [{ url: "http://a:1" }, { url: "http://b:1", weight: 0 }] }'),
      [['schema-value', 'upstreams.app.targets[1].weight']],
    );
    await assert.rejects(
      startTestRampart({
        config: {
          text: 'version: 1\nupstreams:\n  app: { targets: [{ url: "http://a:1/v1" }, { url: "http://b:1/v2" }] }\nroutes: []\n',
        },
      }),
      /same base path/,
    );
  });
});
