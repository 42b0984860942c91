// The gateway's exports over real sockets: a blocked attack reaches a syslog TCP receiver and a webhook
// as valid OCSF within a second; a sink whose receiver is down costs no request and counts its drops.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ocsfErrors } from './helpers/ocsf.ts';
import { startTestRampart, type TestRampart } from './helpers/rampart.ts';
import {
  type HttpReceiver,
  type SyslogReceiver,
  startHttpReceiver,
  startSyslogStreamReceiver,
} from './helpers/receivers.ts';
import { startUpstream, type TestUpstream } from './helpers/upstream.ts';

const ATTACK = `/search?q=${encodeURIComponent("1' UNION SELECT password FROM users --")}`;

describe('security events to SIEM sinks', () => {
  let upstream: TestUpstream;
  let syslog: SyslogReceiver;
  let webhook: HttpReceiver;
  let gw: TestRampart;
  let downPort: number;

  before(async () => {
    upstream = await startUpstream();
    syslog = await startSyslogStreamReceiver();
    webhook = await startHttpReceiver();
    const closed = await startSyslogStreamReceiver();
    downPort = closed.port;
    await closed.close();
    gw = await startTestRampart({
      config: {
        text: `version: 1
server: { http: { port: 0 } }
admin: { enabled: false }
upstreams:
  app: { url: ${upstream.url} }
routes:
  - name: search
    match: { path: /search }
    upstream: app
    policies:
      detect: {}
observability:
  sinks:
    - { name: siem, type: syslog, protocol: tcp, host: 127.0.0.1, port: ${syslog.port} }
    - { name: hook, type: http, url: "${webhook.url}/events", shape: webhook }
    - name: down
      type: syslog
      host: 127.0.0.1
      port: ${downPort}
      events: [security, requests]
      timeout: 1s
      queue: { maxRecords: 2, retries: 0, flushInterval: 1m }
`,
      },
    });
  });

  after(async () => {
    await gw.rampart.close();
    await syslog.close();
    await webhook.close();
    await upstream.close();
  });

  it('delivers a blocked attack as an OCSF Detection Finding to syslog and the webhook within a second', async () => {
    const response = await fetch(`${gw.rampart.url}${ATTACK}`);
    const started = performance.now();
    assert.equal(response.status, 403);
    const requestId = response.headers.get('x-request-id');
    const [message] = await syslog.waitFor(1);
    const [delivery] = await webhook.waitFor(1);
    const elapsed = performance.now() - started;
    assert.ok(elapsed < 1000, `took ${elapsed} ms after the answer (default flush interval 500 ms)`);

    // The deny and any flags of the same request were emitted together, so they travel in one batch.
    const fromSyslog = syslog.items.map(
      (text) => JSON.parse(text.slice(text.indexOf(' - ') + 3)) as Record<string, unknown>,
    );
    assert.ok(message !== undefined);
    for (const event of fromSyslog) assert.deepEqual(ocsfErrors(event), []);
    const denial = fromSyslog.find((event) => event.action_id === 2);
    assert.equal(denial?.class_uid, 2004);
    assert.equal(denial?.disposition_id, 2);
    assert.equal((denial?.metadata as { correlation_uid?: string } | undefined)?.correlation_uid, requestId);

    const fromWebhook = JSON.parse(delivery!.body) as Array<Record<string, unknown>>;
    for (const event of fromWebhook) assert.deepEqual(ocsfErrors(event), []);
    const blocked = fromWebhook.find((event) => event.action_id === 2);
    assert.equal(blocked?.class_uid, 2004);
    assert.deepEqual(blocked?.src_endpoint, { ip: '127.0.0.1' });
  });

  it('answers every request while a sink receiver is down, and counts the records it dropped', async () => {
    for (let n = 0; n < 5; n++) {
      const response = await fetch(`${gw.rampart.url}/search?q=hello${n}`);
      assert.equal(response.status, 200);
      await response.arrayBuffer();
    }
    const metrics = await gw.rampart.metricsText();
    const line = metrics
      .split('\n')
      .find((text) => text.startsWith('rampart_sink_records_dropped_total{sink="down",reason="queue_full"}'));
    assert.ok(line !== undefined, 'a queue_full drop count for the sink "down"');
    // The queue holds 2 records (it flushes once a minute); the attack above and 5 requests make 6.
    assert.ok(Number(line.split(' ')[1]) >= 3);
  });
});
