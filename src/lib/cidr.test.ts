import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createCidrSet, parseCidr, parseIp, parseIpv4, parseIpv6 } from './cidr.ts';

describe('parseIpv4', () => {
  test('reads dotted quads into unsigned 32-bit numbers', () => {
    assert.equal(parseIpv4('0.0.0.0'), 0);
    assert.equal(parseIpv4('1.2.3.4'), 0x01020304);
    assert.equal(parseIpv4('255.255.255.255'), 0xffffffff);
  });

  test('refuses octets above 255, leading zeros, missing or extra parts and other characters', () => {
    for (const bad of [
      '256.0.0.1',
      '01.2.3.4',
      '1.2.3',
      '1.2.3.4.5',
      '1..2.3',
      '1.2.3.',
      '.1.2.3',
      ' 1.2.3.4',
      '1.2.3.4/8',
      '0x1.2.3.4',
      '1.2.3.-4',
      '',
      '1234.1.1.1',
    ]) {
      assert.equal(parseIpv4(bad), undefined, bad);
    }
  });
});

describe('parseIpv6', () => {
  test('reads full, compressed and mixed forms', () => {
    assert.equal(parseIpv6('::'), 0n);
    assert.equal(parseIpv6('::1'), 1n);
    assert.equal(parseIpv6('1::'), 1n << 112n);
    assert.equal(parseIpv6('2001:db8::8a2e:370:7334'), 0x20010db8000000000000_8a2e_0370_7334n);
    assert.equal(parseIpv6('2001:0DB8:0000:0000:0000:0000:0000:0001'), 0x20010db8000000000000000000000001n);
    assert.equal(parseIpv6('64:ff9b::192.0.2.33'), 0x0064ff9b0000000000000000c0000221n);
    assert.equal(parseIpv6('1:2:3:4:5:6:7::'), 0x00010002000300040005000600070000n);
    assert.equal(parseIpv6('::2:3:4:5:6:7:8'), 0x00000002000300040005000600070008n);
  });

  test('refuses zone ids, double gaps, too many groups, long groups and stray colons', () => {
    for (const bad of [
      'fe80::1%eth0',
      'fe80::1%25eth0',
      '1::2::3',
      '1:2:3:4:5:6:7:8:9',
      '1:2:3:4:5:6:7',
      '1:2:3:4:5:6:7::8',
      '12345::',
      ':1::',
      '1:::2',
      '::g',
      ':',
      '::1.2.3',
      '1.2.3.4::',
      '[::1]',
      '',
    ]) {
      assert.equal(parseIpv6(bad), undefined, bad);
    }
  });
});

describe('parseIp', () => {
  test('treats IPv4-mapped IPv6 as the IPv4 address, in dotted and hex forms', () => {
    assert.deepEqual(parseIp('::ffff:1.2.3.4'), { version: 4, value: 0x01020304 });
    assert.deepEqual(parseIp('::FFFF:0102:0304'), { version: 4, value: 0x01020304 });
    assert.deepEqual(parseIp('1.2.3.4'), { version: 4, value: 0x01020304 });
  });

  test('keeps other IPv6 addresses as IPv6 and refuses garbage', () => {
    assert.deepEqual(parseIp('::1'), { version: 6, value: 1n });
    assert.equal(parseIp('localhost'), undefined);
    assert.equal(parseIp('1.2.3.4:80'), undefined);
  });
});

describe('parseCidr', () => {
  test('reads IPv4 and IPv6 blocks as inclusive ranges, including /0, /32 and /128', () => {
    assert.deepEqual(parseCidr('10.0.0.0/8'), { version: 4, prefix: 8, first: 0x0a000000, last: 0x0affffff });
    assert.deepEqual(parseCidr('0.0.0.0/0'), { version: 4, prefix: 0, first: 0, last: 0xffffffff });
    assert.deepEqual(parseCidr('1.2.3.4/32'), {
      version: 4,
      prefix: 32,
      first: 0x01020304,
      last: 0x01020304,
    });
    assert.deepEqual(parseCidr('1.2.3.4'), { version: 4, prefix: 32, first: 0x01020304, last: 0x01020304 });
    assert.deepEqual(parseCidr('::/0'), { version: 6, prefix: 0, first: 0n, last: (1n << 128n) - 1n });
    assert.deepEqual(parseCidr('::1/128'), { version: 6, prefix: 128, first: 1n, last: 1n });
    assert.deepEqual(parseCidr('2001:db8::/32'), {
      version: 6,
      prefix: 32,
      first: 0x20010db8n << 96n,
      last: (0x20010db8n << 96n) | ((1n << 96n) - 1n),
    });
  });

  test('turns an IPv4-mapped block into the IPv4 block', () => {
    assert.deepEqual(parseCidr('::ffff:10.0.0.0/104'), {
      version: 4,
      prefix: 8,
      first: 0x0a000000,
      last: 0x0affffff,
    });
  });

  test('throws naming the entry for bad addresses, prefixes, host bits and zone ids', () => {
    for (const bad of [
      '10.0.0.0/33',
      '::/129',
      '10.0.0.0/',
      '10.0.0.0/08',
      '10.0.0.0/-1',
      '10.0.0.1/8',
      '2001:db8::1/32',
      'fe80::%eth0/64',
      'not-an-ip',
      '::ffff:10.0.0.0/80',
      '10.0.0.0/8/8',
    ]) {
      assert.throws(
        () => parseCidr(bad),
        (error: unknown) => error instanceof RangeError && error.message.includes(JSON.stringify(bad)),
        bad,
      );
    }
  });
});

describe('createCidrSet', () => {
  test('matches addresses inside any block and nothing outside', () => {
    const set = createCidrSet(['10.0.0.0/8', '192.168.1.0/24', '2001:db8::/32', '::1']);
    assert.equal(set.has('10.255.255.255'), true);
    assert.equal(set.has('11.0.0.0'), false);
    assert.equal(set.has('9.255.255.255'), false);
    assert.equal(set.has('192.168.1.77'), true);
    assert.equal(set.has('192.168.2.1'), false);
    assert.equal(set.has('2001:db8:ffff::1'), true);
    assert.equal(set.has('2001:db9::1'), false);
    assert.equal(set.has('::1'), true);
    assert.equal(set.has('::2'), false);
  });

  test('matches IPv4-mapped client addresses against IPv4 blocks', () => {
    const set = createCidrSet(['10.0.0.0/8']);
    assert.equal(set.has('::ffff:10.1.2.3'), true);
    assert.equal(set.has('::ffff:11.1.2.3'), false);
  });

  test('never matches unparsable text or zone ids', () => {
    const set = createCidrSet(['0.0.0.0/0', '::/0']);
    assert.equal(set.has('1.2.3.4'), true);
    assert.equal(set.has('fe80::1'), true);
    assert.equal(set.has('fe80::1%eth0'), false);
    assert.equal(set.has('garbage'), false);
    assert.equal(set.has(''), false);
  });

  test('merges overlapping and adjacent blocks', () => {
    const set = createCidrSet([
      '10.0.0.0/9',
      '10.128.0.0/9',
      '10.1.0.0/16',
      '2001:db8::/33',
      '2001:db8:8000::/33',
    ]);
    assert.equal(set.size, 2);
    assert.equal(set.has('10.200.0.1'), true);
  });

  test('an empty set matches nothing', () => {
    const set = createCidrSet([]);
    assert.equal(set.size, 0);
    assert.equal(set.has('1.2.3.4'), false);
  });

  test('throws on the first invalid entry, naming it', () => {
    assert.throws(() => createCidrSet(['10.0.0.0/8', '300.0.0.0/8']), /"300\.0\.0\.0\/8"/);
  });
});
