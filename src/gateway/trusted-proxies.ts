// Who may speak for the client: the configured trusted proxies, and the client address and request id
// believed only when a trusted proxy forwarded them.
import { BlockList, isIP } from 'node:net';

/** A compiled set of trusted proxy CIDRs. */
export interface TrustedProxies {
  has(address: string): boolean;
}

/** Strips the IPv4-mapped IPv6 prefix so `::ffff:10.0.0.1` and `10.0.0.1` are one address. */
export function canonicalIp(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

/** Compiles CIDRs (`10.0.0.0/8`, `::1/128`, or bare addresses); throws naming the bad entry. */
export function compileTrustedProxies(cidrs: readonly string[]): TrustedProxies {
  const list = new BlockList();
  for (const entry of cidrs) {
    const [address = '', prefixText] = entry.split('/');
    const family = isIP(address);
    if (family === 0) throw new Error(`not an IP address or CIDR: ${entry}`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    const maxPrefix = family === 4 ? 32 : 128;
    const prefix = prefixText === undefined ? maxPrefix : Number(prefixText);
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > maxPrefix)
      throw new Error(`bad prefix length: ${entry}`);
    list.addSubnet(address, prefix, type);
  }
  const empty = cidrs.length === 0;
  return {
    has(address: string): boolean {
      if (empty) return false;
      const ip = canonicalIp(address);
      const family = isIP(ip);
      return family !== 0 && list.check(ip, family === 4 ? 'ipv4' : 'ipv6');
    },
  };
}

/**
 * The client address: the peer, unless the peer is a trusted proxy; then X-Forwarded-For is walked
 * from the right and the first hop that is not a trusted proxy is the client (the left part of the
 * header is whatever the client wrote, so it is never believed blindly).
 */
export function clientIpOf(
  peer: string,
  forwardedFor: string | string[] | undefined,
  trusted: TrustedProxies,
): string {
  const peerIp = canonicalIp(peer);
  if (forwardedFor === undefined || !trusted.has(peerIp)) return peerIp;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor).split(',');
  let client = peerIp;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = canonicalIp((hops[i] ?? '').trim());
    if (isIP(hop) === 0) return client;
    client = hop;
    if (!trusted.has(hop)) return hop;
  }
  return client;
}

const REQUEST_ID_MAX = 128;

/** Whether a forwarded request id is safe to reuse: 1-128 of `A-Z a-z 0-9 . _ : -`. */
export function isAcceptableRequestId(value: string): boolean {
  if (value.length === 0 || value.length > REQUEST_ID_MAX) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    const ok =
      (c >= 48 && c <= 58) ||
      (c >= 65 && c <= 90) ||
      (c >= 97 && c <= 122) ||
      c === 45 ||
      c === 46 ||
      c === 95;
    if (!ok) return false;
  }
  return true;
}
