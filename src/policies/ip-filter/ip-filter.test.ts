import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { configFor, contextFor, depsFor } from '../../../test/helpers/context.ts';
import type { PolicyHandlers, Verdict } from '../policy.ts';
import { ipFilter } from './index.ts';

function create(raw: unknown): PolicyHandlers {
  return ipFilter.create(configFor(ipFilter, raw), depsFor());
}

function verdictFor(handlers: PolicyHandlers, clientIp: string): Verdict {
  const verdict = handlers.onRequest?.(contextFor({ clientIp }));
  assert.ok(verdict !== undefined && !(verdict instanceof Promise));
  return verdict;
}

function assertDenied(verdict: Verdict, rule: string): void {
  assert.equal(verdict.kind, 'deny');
  assert.equal(verdict.kind === 'deny' && verdict.code, 'RAMPART_INGRESS_IP_DENIED');
  assert.equal(verdict.kind === 'deny' && verdict.rule, rule);
}

describe('ip-filter', () => {
  test('admits addresses on the allow list and refuses all others with 403', () => {
    const handlers = create({ allow: ['10.0.0.0/8', '2001:db8::/32'] });
    assert.equal(verdictFor(handlers, '10.20.30.40').kind, 'continue');
    assert.equal(verdictFor(handlers, '2001:db8::42').kind, 'continue');
    assertDenied(verdictFor(handlers, '192.0.2.1'), 'allow-list');
    assertDenied(verdictFor(handlers, '2001:db9::1'), 'allow-list');
  });

  test('refuses addresses on the deny list and admits the rest when there is no allow list', () => {
    const handlers = create({ deny: ['192.0.2.0/24', '::1'] });
    assertDenied(verdictFor(handlers, '192.0.2.99'), 'deny-list');
    assertDenied(verdictFor(handlers, '::1'), 'deny-list');
    assert.equal(verdictFor(handlers, '198.51.100.1').kind, 'continue');
  });

  test('lets deny win over allow', () => {
    const handlers = create({ allow: ['10.0.0.0/8'], deny: ['10.1.0.0/16'] });
    assertDenied(verdictFor(handlers, '10.1.2.3'), 'deny-list');
    assert.equal(verdictFor(handlers, '10.2.0.1').kind, 'continue');
  });

  test('treats IPv4-mapped IPv6 client addresses as IPv4', () => {
    const handlers = create({ allow: ['127.0.0.0/8'], deny: ['127.0.0.2'] });
    assert.equal(verdictFor(handlers, '::ffff:127.0.0.1').kind, 'continue');
    assertDenied(verdictFor(handlers, '::ffff:127.0.0.2'), 'deny-list');
    assertDenied(verdictFor(handlers, '::ffff:128.0.0.1'), 'allow-list');
  });

  test('fails closed on a client address it cannot parse', () => {
    const handlers = create({ deny: ['192.0.2.0/24'] });
    assertDenied(verdictFor(handlers, 'fe80::1%eth0'), 'unparsable-ip');
    assertDenied(verdictFor(handlers, 'unknown'), 'unparsable-ip');
  });

  test('adds no request handler when both lists are empty', () => {
    assert.equal(create({}).onRequest, undefined);
  });

  test('throws at create naming the invalid entry and its list', () => {
    assert.throws(
      () => create({ allow: ['10.0.0.0/8', '10.0.0.0/33'] }),
      (error: unknown) =>
        error instanceof Error && error.message.includes('allow[1]') && error.message.includes('10.0.0.0/33'),
    );
    assert.throws(
      () => create({ deny: ['fe80::/10', 'fe80::1%eth0'] }),
      (error: unknown) => error instanceof Error && error.message.includes('deny[1]'),
    );
  });
});
