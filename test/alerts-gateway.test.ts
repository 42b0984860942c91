// The done-when of the alerts: a rule over a running gateway fires once and resolves once to real local
// receivers — Slack- and PagerDuty-shaped HTTP endpoints, a signed webhook and an SMTP server that
// demands STARTTLS and authentication (smtp-server) — with time moved by a fake clock, never slept.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { createSqliteStore } from '../src/store/sqlite-store.ts';
import { fakeClock } from './helpers/context.ts';
import { selfSignedCertificate, skipWithoutOpenssl } from './helpers/openssl.ts';
import { startTestRampart, type TestRampart } from './helpers/rampart.ts';
import { startUpstream, type TestUpstream } from './helpers/upstream.ts';

interface Delivery {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** Collects deliveries and lets a test await the n-th one on a path. */
function inbox<T extends { path: string }>() {
  const items: T[] = [];
  const waiters: Array<{ path: string; count: number; done: () => void }> = [];
  return {
    items,
    push(item: T) {
      items.push(item);
      for (const waiter of [...waiters]) {
        if (items.filter((i) => i.path === waiter.path).length >= waiter.count) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.done();
        }
      }
    },
    async wait(path: string, count: number): Promise<T[]> {
      if (items.filter((i) => i.path === path).length < count) {
        await new Promise<void>((done) => waiters.push({ path, count, done }));
      }
      return items.filter((i) => i.path === path);
    },
  };
}

const env = {
  SLACK_URL: '',
  PD_KEY: 'pd-routing-key-0123456789abcdef',
  HOOK_SECRET: 'webhook-signing-secret-0123456789',
  SMTP_PASSWORD: 'smtp-password-for-alerts',
};

// A generous timeout: the tests await deliveries, so a regression would otherwise hang the run.
describe('alerts to real receivers', { skip: skipWithoutOpenssl, timeout: 60_000 }, () => {
  const clock = fakeClock(Date.UTC(2026, 5, 1));
  const store = createSqliteStore(':memory:', clock.now);
  const received = inbox<Delivery>();
  let dir: string;
  let http: Server;
  let smtp: SMTPServer;
  let upstream: TestUpstream;
  let gw: TestRampart;
  let configText: (threshold: number) => string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rampart-alerts-'));
    selfSignedCertificate(dir, { subject: '/CN=127.0.0.1', altName: 'IP:127.0.0.1' });
    http = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        res.writeHead(req.url === '/pd' ? 202 : 200).end('ok');
        received.push({
          path: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
      });
    });
    await new Promise<void>((done) => http.listen(0, '127.0.0.1', done));
    const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    smtp = new SMTPServer({
      key: readFileSync(join(dir, 'key.pem')),
      cert: readFileSync(join(dir, 'cert.pem')),
      authMethods: ['PLAIN', 'LOGIN'],
      logger: false,
      onAuth(auth, _session, callback) {
        if (auth.username === 'alerts' && auth.password === env.SMTP_PASSWORD)
          callback(null, { user: 'alerts' });
        else callback(new Error('authentication failed'));
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          received.push({
            path: 'smtp',
            headers: { secure: String(session.secure), user: String(session.user) },
            body: Buffer.concat(chunks).toString('utf8'),
          });
          callback();
        });
      },
    });
    await new Promise<void>((done) => smtp.listen(0, '127.0.0.1', done));
    const smtpPort = (smtp.server.address() as AddressInfo).port;
    upstream = await startUpstream();
    configText = (threshold: number) => `
version: 1
server: { http: { host: 127.0.0.1, port: 0 } }
admin: { host: 127.0.0.1, port: 0 }
store: { sqlite: ":memory:" }
upstreams: { app: { url: ${upstream.url} } }
routes:
  - name: api
    match: { path: /api/* }
    upstream: app
    policies: { api-key: {} }
alerts:
  channels:
    slack: { type: slack, webhookUrl: env:SLACK_URL }
    pager: { type: pagerduty, routingKey: env:PD_KEY, url: ${base}/pd }
    hook: { type: webhook, url: ${base}/hook, secret: env:HOOK_SECRET }
    mail:
      type: email
      host: 127.0.0.1
      port: ${smtpPort}
      ca: cert.pem
      user: alerts
      password: env:SMTP_PASSWORD
      from: rampart@example.test
      to: [security@example.test]
  rules:
    - name: auth-failures-per-ip
      signal: auth-failures
      threshold: ${threshold}
      window: 1m
      cooldown: 5m
      channels: [slack, pager, hook, mail]
`;
    gw = await startTestRampart({
      clock,
      store,
      env: { ...env, SLACK_URL: `${base}/slack` },
      config: {
        baseDir: dir,
        text: configText(3),
      },
    });
  });
  after(async () => {
    await gw?.rampart.close();
    await upstream?.close();
    await store.close();
    http.closeAllConnections();
    await new Promise<void>((done) => http.close(() => done()));
    await new Promise<void>((done) => smtp.close(() => done()));
    rmSync(dir, { recursive: true, force: true });
  });

  const refused = async () => {
    const response = await fetch(`${gw.rampart.url}/api/x`, {
      headers: { 'x-api-key': `rmp_live_nosuchkey000${'A'.repeat(43)}` },
    });
    assert.equal(response.status, 401);
    await response.arrayBuffer();
    await gw.rampart.requestFinished(response.headers.get('x-request-id') ?? '');
  };

  test('fires once to Slack, PagerDuty, the webhook and SMTP, and resolves once', async () => {
    const credentials: Array<string | undefined> = [];
    const stop = gw.rampart.onSecurityEvent((event) => credentials.push(event.credential));
    for (let i = 0; i < 3; i++) await refused();
    stop();
    // The refused key's public part travels on the event (never the key), for per-credential rules.
    assert.equal(credentials.length, 3);
    for (const credential of credentials) {
      assert.equal(credential, 'rmp_live_nosuchkey000');
    }
    for (const path of ['/slack', '/pd', '/hook', 'smtp']) await received.wait(path, 1);
    const firing = (await (await fetch(`${gw.rampart.adminUrl}/alerts`)).json()) as Array<{
      rule: string;
      group: string;
    }>;
    assert.deepEqual(
      firing.map((alert) => [alert.rule, alert.group]),
      [['auth-failures-per-ip', '127.0.0.1']],
    );
    // Two more failures while it fires: deduplicated.
    await refused();
    await refused();
    // The window (1 m) slides past every failure; the ticker judges and resolves.
    await clock.whenSleeping(1);
    clock.advance(70_000);
    const [slack, pd, hook, mail] = await Promise.all(
      ['/slack', '/pd', '/hook', 'smtp'].map((path) => received.wait(path, 2)),
    );
    // Deliveries are in order per channel: a second trigger would have come before the resolve.
    for (const deliveries of [slack, pd, hook, mail]) assert.equal(deliveries!.length, 2);

    const slackBodies = slack!.map(
      (d) => JSON.parse(d.body) as { text: string; blocks: Array<{ type: string }> },
    );
    assert.match(slackBodies[0]!.text, /FIRING: auth-failures-per-ip/);
    assert.match(slackBodies[1]!.text, /RESOLVED: auth-failures-per-ip/);
    assert.equal(slackBodies[0]!.blocks[0]!.type, 'header');

    const events = pd!.map((d) => JSON.parse(d.body) as Record<string, unknown>);
    assert.deepEqual(
      events.map((e) => [e.event_action, e.routing_key]),
      [
        ['trigger', env.PD_KEY],
        ['resolve', env.PD_KEY],
      ],
    );
    assert.equal(events[0]!.dedup_key, events[1]!.dedup_key);
    assert.match(
      (events[0]!.payload as { summary: string }).summary,
      /3 authentication failures in 1m from 127\.0\.0\.1/,
    );

    for (const delivery of hook!) {
      const header = String(delivery.headers['x-rampart-signature']);
      const [, seconds, mac] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header) ?? [];
      const expected = createHmac('sha256', env.HOOK_SECRET)
        .update(`${seconds}.${delivery.body}`)
        .digest('hex');
      assert.equal(mac, expected);
    }
    assert.deepEqual(
      hook!.map((d) => (JSON.parse(d.body) as { type: string }).type),
      ['alert.trigger', 'alert.resolve'],
    );

    for (const delivery of mail!) {
      assert.equal(delivery.headers.secure, 'true', 'sent after STARTTLS');
      assert.equal(delivery.headers.user, 'alerts');
    }
    assert.match(mail![0]!.body, /Subject: \[Rampart\] FIRING: auth-failures-per-ip/);
    assert.match(mail![1]!.body, /Subject: \[Rampart\] RESOLVED: auth-failures-per-ip/);

    // A channel sends in order, so each trigger's delivery was counted before its resolve went out.
    const metrics = await gw.rampart.metricsText();
    for (const channel of ['slack', 'pager', 'hook', 'mail']) {
      assert.ok(
        metrics.includes(
          `rampart_alert_notifications_total{channel="${channel}",action="trigger",result="sent"} 1`,
        ),
      );
    }
  });

  test('a reload keeps a firing alert when the rules stay, and resolves it when they change', async () => {
    const slackText = (n: number) =>
      (JSON.parse(received.items.filter((d) => d.path === '/slack')[n]!.body) as { text: string }).text;
    // Past the cooldown of the first episode, a new one fires…
    clock.advance(6 * 60_000);
    for (let i = 0; i < 3; i++) await refused();
    await received.wait('/slack', 3);
    // …survives a reload that leaves the rules alone, and resolves as usual when its window slides.
    await gw.rampart.reload({ text: configText(3), baseDir: dir });
    await clock.whenSleeping(1);
    clock.advance(70_000);
    await received.wait('/slack', 4);
    assert.match(slackText(3), /RESOLVED: auth-failures-per-ip - resolved: 0 authentication failures/);
    // A third episode is resolved by a reload that changes the rules, on the channels that announced it.
    clock.advance(6 * 60_000);
    for (let i = 0; i < 3; i++) await refused();
    await received.wait('/slack', 5);
    await gw.rampart.reload({ text: configText(10), baseDir: dir });
    await received.wait('/slack', 6);
    assert.match(slackText(5), /RESOLVED: auth-failures-per-ip - resolved: the alert rules changed/);
  });
});
