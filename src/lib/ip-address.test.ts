import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { classifyHostLiteral, parseIPv4, parseIPv6 } from './ip-address.ts';

describe('ip-address', () => {
  test('parses the inet_aton forms resolvers accept', () => {
    const loopback = 0x7f000001;
    for (const form of ['127.0.0.1', '127.1', '2130706433', '0x7f000001', '0177.0.0.1', '0x7f.0.0.1']) {
      assert.equal(parseIPv4(form), loopback, form);
    }
    assert.equal(parseIPv4('256.1.1.1'), undefined);
    assert.equal(parseIPv4('example.com'), undefined);
  });

  test('wraps out-of-range parts only when asked', () => {
    assert.equal(parseIPv4('425.510.425.510'), undefined);
    assert.equal(parseIPv4('425.510.425.510', true), 0xa9fea9fe);
    assert.equal(parseIPv4('7147006462', true), 0xa9fea9fe);
  });

  test('parses IPv6 with compression and embedded IPv4', () => {
    assert.deepEqual(parseIPv6('[::1]'), [0, 0, 0, 0, 0, 0, 0, 1]);
    assert.deepEqual(parseIPv6('::ffff:127.0.0.1'), [0, 0, 0, 0, 0, 0xffff, 0x7f00, 1]);
    assert.equal(parseIPv6('1::2::3'), undefined);
  });

  test('classifies loopback, private, link-local and metadata addresses', () => {
    assert.equal(classifyHostLiteral('127.0.0.1'), 'loopback');
    assert.equal(classifyHostLiteral('[::ffff:7f00:1]'), 'loopback');
    assert.equal(classifyHostLiteral('10.1.2.3'), 'private');
    assert.equal(classifyHostLiteral('172.20.0.1'), 'private');
    assert.equal(classifyHostLiteral('169.254.169.254'), 'metadata');
    assert.equal(classifyHostLiteral('[fd00:ec2::254]'), 'metadata');
    assert.equal(classifyHostLiteral('[fe80::1]'), 'link-local');
    assert.equal(classifyHostLiteral('8.8.8.8'), undefined);
    assert.equal(classifyHostLiteral('example.com'), undefined);
  });
});
