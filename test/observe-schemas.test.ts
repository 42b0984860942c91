import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SecurityEventRecord } from '../src/observe/events.ts';
import type { FinishedRequest } from '../src/observe/gateway-records.ts';
import { ECS_VERSION, requestToEcs, securityEventToEcs } from '../src/observe/schemas/ecs.ts';
import { requestToOcsf, securityEventToOcsf } from '../src/observe/schemas/ocsf.ts';
import { ocsfErrors } from './helpers/ocsf.ts';

const options = { productVersion: '0.1.0' };

function event(
  overrides: Partial<SecurityEventRecord>,
  omit: readonly (keyof SecurityEventRecord)[] = [],
): SecurityEventRecord {
  const record: Record<string, unknown> = {
    policy: 'detect',
    code: 'RAMPART_THREAT_DETECTED',
    rule: 'sqli-tautology',
    location: 'query.q',
    evidence: "' OR 1=1 --",
    requestId: 'req-1',
    route: 'users',
    clientIp: '198.51.100.7',
    outcome: 'denied',
    method: 'GET',
    path: '/users/1',
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    time: 1_700_000_000_000,
    ...overrides,
  };
  for (const key of omit) delete record[key];
  return record as unknown as SecurityEventRecord;
}

const request: FinishedRequest = {
  time: 1_700_000_000_000,
  requestId: 'req-2',
  method: 'PATCH',
  route: 'users',
  path: '/users/1',
  rawQuery: 'fields=name&access_token=abc123',
  status: 200,
  durationMs: 12.5,
  bytesIn: 10,
  bytesOut: 200,
  clientIp: '203.0.113.9',
  consumerId: 'alice',
  userAgent: 'curl/8',
  upstream: 'api',
  code: undefined,
  policy: undefined,
  annotations: undefined,
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
};

describe('OCSF mapping', () => {
  it('maps a blocked attack to a valid Detection Finding (2004) that says it was blocked', () => {
    const finding = securityEventToOcsf(event({}), options);
    assert.deepEqual(ocsfErrors(finding), []);
    assert.equal(finding.class_uid, 2004);
    assert.equal(finding.type_uid, 200401);
    assert.equal(finding.action_id, 2);
    assert.equal(finding.disposition_id, 2);
    assert.equal((finding.finding_info as { analytic: { uid: string } }).analytic.uid, 'sqli-tautology');
    assert.deepEqual(finding.src_endpoint, { ip: '198.51.100.7' });
  });

  it('maps a monitor-mode detection to a Detection Finding observed, not denied', () => {
    const finding = securityEventToOcsf(event({ outcome: 'would-deny' }), options);
    assert.deepEqual(ocsfErrors(finding), []);
    assert.equal(finding.action_id, 3);
    assert.equal(finding.disposition_id, 15);
  });

  it('maps a failed credential to a valid Authentication (3002) failure', () => {
    const attempt = securityEventToOcsf(
      event({ policy: 'api-key', code: 'RAMPART_AUTHN_UNAUTHORIZED' }, ['rule', 'evidence']),
      options,
    );
    assert.deepEqual(ocsfErrors(attempt), []);
    assert.equal(attempt.class_uid, 3002);
    assert.equal(attempt.status_id, 2);
    assert.equal(attempt.auth_protocol, 'api-key');
    const named = securityEventToOcsf(
      event({ policy: 'basic', code: 'RAMPART_AUTHN_UNAUTHORIZED', credential: 'user:alice' }, ['rule']),
      options,
    );
    assert.deepEqual(ocsfErrors(named), []);
    assert.deepEqual(named.user, { name: 'user:alice' });
  });

  it('maps any other refusal to a valid API Activity (6003) with the actor and operation', () => {
    const call = securityEventToOcsf(
      event(
        { policy: 'rate-limit', code: 'RAMPART_TRAFFIC_RATE_LIMITED', consumerId: 'bob', method: 'DELETE' },
        ['rule'],
      ),
      options,
    );
    assert.deepEqual(ocsfErrors(call), []);
    assert.equal(call.class_uid, 6003);
    assert.equal(call.activity_id, 4);
    assert.deepEqual(call.actor, { user: { uid: 'bob' } });
  });

  it('maps a finished request to a valid HTTP Activity (4002) with the query redacted', () => {
    const activity = requestToOcsf(request, options);
    assert.deepEqual(ocsfErrors(activity), []);
    assert.equal(activity.class_uid, 4002);
    assert.equal(activity.activity_id, 99);
    assert.equal(activity.activity_name, 'PATCH');
    assert.ok(!JSON.stringify(activity).includes('abc123'));
    const get = requestToOcsf({ ...request, method: 'GET', status: 403 }, options);
    assert.deepEqual(ocsfErrors(get), []);
    assert.equal(get.activity_id, 3);
    assert.equal(get.status_id, 2);
  });

  it('refuses, by schema, an event that lacks what its class requires', () => {
    const finding = securityEventToOcsf(event({}), options);
    delete finding.finding_info;
    assert.notDeepEqual(ocsfErrors(finding), []);
    assert.notDeepEqual(ocsfErrors({ ...finding, class_uid: 9999 }), []);
    assert.notDeepEqual(ocsfErrors({ ...requestToOcsf(request, options), made_up: 1 }), []);
  });
});

describe('ECS mapping', () => {
  it('maps a blocked attack to an alert with the rule, source and trace', () => {
    const doc = securityEventToEcs(event({}), options);
    assert.equal((doc.ecs as { version: string }).version, ECS_VERSION);
    assert.equal(doc['@timestamp'], '2023-11-14T22:13:20.000Z');
    assert.deepEqual((doc.event as { category: string[] }).category, ['intrusion_detection', 'web']);
    assert.equal((doc.event as { kind: string }).kind, 'alert');
    assert.deepEqual(doc.rule, { ruleset: 'detect', id: 'sqli-tautology', name: 'sqli-tautology' });
    assert.deepEqual(doc.trace, { id: '4bf92f3577b34da6a3ce929d0e0e4736' });
  });

  it('maps a finished request to a web access document with the query redacted', () => {
    const doc = requestToEcs(request, options);
    assert.equal((doc.http as { response: { status_code: number } }).response.status_code, 200);
    assert.equal((doc.event as { duration: number }).duration, 12_500_000);
    assert.ok(!JSON.stringify(doc).includes('abc123'));
  });
});
