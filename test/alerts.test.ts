// The alert engine on a fake clock: windows, thresholds, grouping, one trigger per episode (dedup),
// one resolve, cooldown; each signal's measure; and the payloads channels send (Slack blocks escaped,
// PagerDuty trigger/resolve with one dedup_key, a webhook signature a receiver can check).
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { Value } from '@sinclair/typebox/value';
import { pagerDutyEvent } from '../src/alerts/channels/pagerduty.ts';
import { slackMessage } from '../src/alerts/channels/slack.ts';
import { createWebhookChannel, webhookSignature } from '../src/alerts/channels/webhook.ts';
import { type AlertRuleConfig, AlertRuleSettings } from '../src/alerts/config.ts';
import { createDispatcher, type DeliveryResult } from '../src/alerts/dispatcher.ts';
import { type AlertNotice, createAlertEngine } from '../src/alerts/engine.ts';
import type { Observation } from '../src/alerts/signals.ts';
import { loadConfigText } from '../src/config/load.ts';
import type { SecurityEventRecord } from '../src/observe/events.ts';
import type { FinishedRequest } from '../src/observe/gateway-records.ts';
import { POLICY_DEFINITIONS } from '../src/policies/registry.ts';
import { fakeClock } from './helpers/context.ts';

const MINUTE = 60_000;

function rule(
  overrides: Partial<AlertRuleConfig> & Pick<AlertRuleConfig, 'signal' | 'threshold'>,
): AlertRuleConfig {
  return Value.Default(AlertRuleSettings, {
    name: 'r',
    channels: ['c'],
    window: '1m',
    cooldown: '5m',
    ...overrides,
  }) as AlertRuleConfig;
}

function authFailure(clientIp: string, credential?: string): Observation {
  const event: SecurityEventRecord = {
    policy: 'api-key',
    code: 'RAMPART_AUTHN_UNAUTHORIZED',
    outcome: 'denied',
    requestId: 'r',
    route: 'api',
    clientIp,
    time: 0,
    ...(credential === undefined ? {} : { credential }),
  };
  return { kind: 'event', event };
}

function request(status: number, durationMs = 5, extra: Partial<FinishedRequest> = {}): Observation {
  const base: FinishedRequest = {
    time: 0,
    requestId: 'r',
    method: 'GET',
    route: 'api',
    path: '/api',
    rawQuery: '',
    status,
    durationMs,
    bytesIn: 0,
    bytesOut: 0,
    clientIp: '192.0.2.1',
    consumerId: undefined,
    userAgent: undefined,
    upstream: 'app',
    code: undefined,
    policy: undefined,
    annotations: undefined,
  };
  return { kind: 'request', request: { ...base, ...extra } };
}

function engineWith(rules: AlertRuleConfig[], maxGroups?: number) {
  const clock = fakeClock(Date.UTC(2026, 4, 1));
  const notices: AlertNotice[] = [];
  const engine = createAlertEngine({
    rules,
    clock,
    notify: (notice) => notices.push(notice),
    ...(maxGroups === undefined ? {} : { maxGroups }),
  });
  return { clock, notices, engine };
}

describe('alert engine', () => {
  test('fires once per group at the threshold, resolves once when the window slides, then cools down', () => {
    const { clock, notices, engine } = engineWith([rule({ signal: 'auth-failures', threshold: 3 })]);
    engine.observe(authFailure('203.0.113.9'));
    engine.observe(authFailure('203.0.113.9'));
    engine.observe(authFailure('198.51.100.7'));
    assert.equal(notices.length, 0);
    engine.observe(authFailure('203.0.113.9'));
    assert.deepEqual(
      notices.map((n) => [n.action, n.group, n.value]),
      [['trigger', '203.0.113.9', 3]],
    );
    assert.match(notices[0]!.summary, /3 authentication failures in 1m from 203\.0\.113\.9 \(threshold 3\)/);
    // Still above: deduplicated, no second trigger.
    for (let i = 0; i < 5; i++) engine.observe(authFailure('203.0.113.9'));
    engine.evaluate();
    assert.equal(notices.length, 1);
    clock.advance(61_000);
    engine.evaluate();
    assert.deepEqual(
      notices.map((n) => n.action),
      ['trigger', 'resolve'],
    );
    assert.equal(notices[1]!.dedupKey, notices[0]!.dedupKey);
    // Within the cooldown a new burst does not fire…
    for (let i = 0; i < 4; i++) engine.observe(authFailure('203.0.113.9'));
    assert.equal(notices.length, 2);
    // …after it, a burst still in the window does.
    clock.advance(5 * MINUTE);
    for (let i = 0; i < 3; i++) engine.observe(authFailure('203.0.113.9'));
    assert.deepEqual(
      notices.map((n) => n.action),
      ['trigger', 'resolve', 'trigger'],
    );
  });

  test('the window slides in tenths: old failures stop counting', () => {
    const { clock, notices, engine } = engineWith([rule({ signal: 'auth-failures', threshold: 3 })]);
    engine.observe(authFailure('203.0.113.9'));
    engine.observe(authFailure('203.0.113.9'));
    clock.advance(65_000);
    engine.observe(authFailure('203.0.113.9'));
    assert.equal(notices.length, 0);
  });

  test('groups by credential, and counts distinct credentials per address (credential stuffing)', () => {
    const { notices, engine } = engineWith([
      rule({ name: 'per-user', signal: 'auth-failures', groupBy: 'credential', threshold: 2 }),
      rule({ name: 'stuffing', signal: 'credential-stuffing', threshold: 3 }),
    ]);
    engine.observe(authFailure('203.0.113.9', 'alice'));
    engine.observe(authFailure('198.51.100.7', 'alice'));
    engine.observe(authFailure('203.0.113.9', 'bob'));
    engine.observe(authFailure('203.0.113.9', 'bob'));
    engine.observe(authFailure('203.0.113.9', 'carol'));
    assert.deepEqual(
      notices.map((n) => `${n.rule} ${n.group}`),
      ['per-user alice', 'per-user bob', 'stuffing 203.0.113.9'],
    );
    assert.equal(notices[2]!.value, 3);
  });

  test('5xx share, p99 latency and rate-limit saturation are judged per route on evaluation', () => {
    const { notices, engine } = engineWith([
      rule({ name: 'errors', signal: 'server-errors', threshold: 0.2, minRequests: 10 }),
      rule({ name: 'slow', signal: 'latency-p99', threshold: 500, minRequests: 10 }),
      rule({ name: 'limited', signal: 'rate-limited', threshold: 0.5, minRequests: 10 }),
    ]);
    for (let i = 0; i < 8; i++) engine.observe(request(200, 20));
    engine.observe(request(502, 20));
    engine.evaluate();
    // Nine requests: under minRequests, nothing is judged yet.
    assert.equal(notices.length, 0);
    engine.observe(request(503, 20));
    engine.evaluate();
    assert.deepEqual(
      notices.map((n) => [n.rule, n.group, n.value]),
      [['errors', 'api', 0.2]],
    );
    assert.match(notices[0]!.summary, /20% answers with a 5xx status in 1m on route api/);
    for (let i = 0; i < 10; i++) engine.observe(request(429, 1200, { code: 'RAMPART_TRAFFIC_RATE_LIMITED' }));
    engine.evaluate();
    // The share fell to 2/20: resolved; the slow, rate-limited burst fires the other two.
    assert.deepEqual(
      notices.slice(1).map((n) => `${n.rule} ${n.action}`),
      ['errors resolve', 'slow trigger', 'limited trigger'],
    );
    assert.ok(notices[2]!.value >= 1000 && notices[2]!.value < 1500, String(notices[2]!.value));
  });

  test('security-events counts what `match` names', () => {
    const { notices, engine } = engineWith([
      rule({
        signal: 'security-events',
        threshold: 1,
        match: { policies: ['login-guard'], rules: ['stuffing-ip'] },
      }),
    ]);
    const flag = (ruleName: string): Observation => ({
      kind: 'event',
      event: {
        policy: 'login-guard',
        rule: ruleName,
        outcome: 'flagged',
        requestId: 'r',
        route: 'login',
        clientIp: '203.0.113.9',
        time: 0,
      },
    });
    engine.observe(flag('ip-lockout'));
    assert.equal(notices.length, 0);
    engine.observe(flag('stuffing-ip'));
    assert.equal(notices.length, 1);
  });

  test('tracks at most maxGroups groups, making room from the quiet ones', () => {
    const { notices, engine } = engineWith([rule({ signal: 'auth-failures', threshold: 2 })], 2);
    engine.observe(authFailure('192.0.2.1'));
    engine.observe(authFailure('192.0.2.1'));
    engine.observe(authFailure('192.0.2.2'));
    engine.observe(authFailure('192.0.2.3'));
    engine.observe(authFailure('192.0.2.2'));
    // .1 fires and is kept; .2 was evicted by .3, so its second failure starts over.
    assert.deepEqual(
      notices.map((n) => n.group),
      ['192.0.2.1'],
    );
    assert.equal(engine.firing().length, 1);
  });
});

describe('alert payloads', () => {
  const notice: AlertNotice = {
    action: 'trigger',
    rule: 'auth-per-user',
    signal: 'auth-failures',
    severity: 'high',
    groupBy: 'credential',
    group: '<!channel> <http://evil.example|click>',
    value: 12,
    threshold: 10,
    windowMs: 300_000,
    summary:
      '12 authentication failures in 5m for credential <!channel> <http://evil.example|click> (threshold 10)',
    dedupKey: 'rampart-auth-per-user-0123456789abcdef',
    startedAt: Date.UTC(2026, 4, 1),
    time: Date.UTC(2026, 4, 1),
    channels: ['slack'],
  };

  test('Slack blocks escape text from traffic so it cannot mention or link', () => {
    const text = JSON.stringify(slackMessage(notice));
    assert.ok(!text.includes('<!channel>') && !text.includes('<http'));
    assert.match(text, /&lt;!channel&gt;/);
    const blocks = (slackMessage(notice) as { blocks: Array<{ type: string }> }).blocks;
    assert.deepEqual(
      blocks.map((b) => b.type),
      ['header', 'section', 'section', 'context'],
    );
  });

  test('PagerDuty triggers and resolves one incident by dedup_key', () => {
    const trigger = pagerDutyEvent(notice, 'R0UTINGKEY', 'rampart') as Record<string, unknown>;
    assert.equal(trigger.event_action, 'trigger');
    assert.equal((trigger.payload as { severity: string }).severity, 'error');
    const resolve = pagerDutyEvent({ ...notice, action: 'resolve' }, 'R0UTINGKEY', 'rampart');
    assert.deepEqual(resolve, {
      routing_key: 'R0UTINGKEY',
      event_action: 'resolve',
      dedup_key: notice.dedupKey,
    });
  });

  test('a webhook signature is the HMAC of the timestamp and the body', () => {
    const header = webhookSignature('s3cret', 1_777_000_000, '{"a":1}');
    const expected = createHmac('sha256', 's3cret').update('1777000000.{"a":1}').digest('hex');
    assert.equal(header, `t=1777000000,v1=${expected}`);
  });
});

describe('alert delivery', () => {
  const notice = (n: number): AlertNotice => ({
    action: 'trigger',
    rule: `r${n}`,
    signal: 'auth-failures',
    severity: 'high',
    groupBy: 'clientIp',
    group: '192.0.2.1',
    value: 3,
    threshold: 3,
    windowMs: 60_000,
    summary: 's',
    dedupKey: `k${n}`,
    startedAt: 0,
    time: 0,
    channels: ['hook'],
  });

  test('retries a receiver that fails, in order, and counts what it gives up or drops', async () => {
    const statuses = [503, 500, 200, 500, 500, 500];
    const seen: string[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        seen.push((JSON.parse(body) as { rule: string }).rule);
        res.writeHead(statuses.shift() ?? 200).end();
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const results: Array<[string, DeliveryResult]> = [];
      const dispatcher = createDispatcher({
        channels: new Map([['hook', createWebhookChannel('hook', url, 'secret', { now: () => 0 })]]),
        onResult: (_channel, n, result) => results.push([n.rule, result]),
        maxQueue: 2,
        retryDelay: async () => {},
      });
      dispatcher.dispatch(notice(1));
      dispatcher.dispatch(notice(2));
      dispatcher.dispatch(notice(3));
      await dispatcher.idle();
      assert.deepEqual(results, [
        ['r3', 'dropped'],
        ['r1', 'sent'],
        ['r2', 'failed'],
      ]);
      assert.deepEqual(seen, ['r1', 'r1', 'r1', 'r2', 'r2', 'r2']);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    }
  });
});

describe('alerts and audit trail config', () => {
  const load = (extra: string) =>
    loadConfigText(
      `version: 1\nupstreams: { app: { url: http://127.0.0.1:1 } }\nroutes: []\n${extra}`,
      'rampart.yaml',
      POLICY_DEFINITIONS,
      { env: { SLACK: 'https://hooks.slack.example/x' } },
    );

  test('a rule naming an unknown channel is refused at its path', async () => {
    const result = await load(`alerts:
  channels: { ops: { type: slack, webhookUrl: env:SLACK } }
  rules: [{ name: a, signal: auth-failures, threshold: 5, channels: [ops, pager] }]`);
    assert.equal(result.ok, false);
    assert.deepEqual(!result.ok && result.errors.map((e) => e.path), ['alerts.rules[0].channels[1]']);
  });

  test('an audit trail without a store is refused', async () => {
    const result = await load('auditTrail: {}');
    assert.equal(result.ok, false);
    assert.deepEqual(!result.ok && result.errors.map((e) => e.path), ['auditTrail']);
  });

  test('a valid section loads with its defaults', async () => {
    const result = await load(`store: { sqlite: ":memory:" }
auditTrail: { denials: { policies: [detect] } }
alerts:
  channels: { ops: { type: slack, webhookUrl: env:SLACK } }
  rules: [{ name: a, signal: blocked-attacks, threshold: 5, channels: [ops] }]`);
    assert.ok(result.ok, JSON.stringify(!result.ok && result.errors));
    assert.equal(result.config.alerts?.rules[0]?.window, '5m');
    assert.equal(result.config.auditTrail?.flush, '250ms');
    assert.equal(result.secrets.get('env:SLACK'), 'https://hooks.slack.example/x');
  });
});

describe('the documented configs', () => {
  for (const doc of ['alerts.md', 'audit-trail.md']) {
    test(`docs/${doc}: its yaml example loads`, async () => {
      const text = readFileSync(new URL(`../docs/${doc}`, import.meta.url), 'utf8');
      const yaml = /```yaml\n([^`]*)```/.exec(text)?.[1] ?? '';
      assert.ok(yaml.length > 0);
      const env: Record<string, string> = {};
      for (const [, name] of yaml.matchAll(/env:([A-Z_]+)/g))
        env[name!] = 'https://secret.example/value-0123456789abcdef';
      const store = yaml.includes('store:') ? '' : 'store: { sqlite: ":memory:" }\n';
      const result = await loadConfigText(
        `version: 1\nupstreams: { app: { url: http://127.0.0.1:1 } }\nroutes: []\n${store}${yaml}`,
        'rampart.yaml',
        POLICY_DEFINITIONS,
        { env },
      );
      assert.ok(result.ok, JSON.stringify(!result.ok && result.errors));
    });
  }
});
