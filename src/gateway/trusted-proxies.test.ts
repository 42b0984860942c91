import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clientIpOf, compileTrustedProxies, isAcceptableRequestId } from './trusted-proxies.ts';

const trusted = compileTrustedProxies(['10.0.0.0/8', '::1']);

test('ignores X-Forwarded-For from an untrusted peer', () => {
  assert.equal(clientIpOf('203.0.113.9', '1.2.3.4', trusted), '203.0.113.9');
  assert.equal(clientIpOf('::ffff:203.0.113.9', '1.2.3.4', trusted), '203.0.113.9');
});

test('takes the first untrusted hop from the right behind trusted proxies', () => {
  assert.equal(clientIpOf('10.0.0.2', '6.6.6.6, 198.51.100.7, 10.1.1.1', trusted), '198.51.100.7');
  assert.equal(clientIpOf('::1', '198.51.100.7', trusted), '198.51.100.7');
});

test('stops at a malformed hop instead of believing what lies left of it', () => {
  assert.equal(clientIpOf('10.0.0.2', '6.6.6.6, not-an-ip, 10.1.1.1', trusted), '10.1.1.1');
});

test('refuses malformed trusted proxy entries', () => {
  assert.throws(() => compileTrustedProxies(['10.0.0.0/33']));
  assert.throws(() => compileTrustedProxies(['example.com']));
});

test('accepts only short, plain request ids', () => {
  assert.equal(isAcceptableRequestId('abc-123_x.y:z'), true);
  assert.equal(isAcceptableRequestId(''), false);
  assert.equal(isAcceptableRequestId('a\r\nb'), false);
  assert.equal(isAcceptableRequestId('x'.repeat(129)), false);
});
