// IP address and CIDR parsing, and CIDR sets compiled to sorted numeric ranges for fast membership tests.
// Pure: no Node imports, no regular expressions; every parser reads a bounded, short input once.

/** A parsed address: IPv4 as an unsigned 32-bit number, IPv6 as a 128-bit bigint. */
export type ParsedIp =
  | { readonly version: 4; readonly value: number }
  | { readonly version: 6; readonly value: bigint };

/** A parsed CIDR block as an inclusive numeric range. */
export type Cidr =
  | { readonly version: 4; readonly prefix: number; readonly first: number; readonly last: number }
  | { readonly version: 6; readonly prefix: number; readonly first: bigint; readonly last: bigint };

/** A compiled set of CIDR blocks. */
export interface CidrSet {
  /** Whether the address (already parsed) lies in one of the blocks. */
  hasParsed(ip: ParsedIp): boolean;
  /** Whether the address text lies in one of the blocks; unparsable text is never a member. */
  has(ip: string): boolean;
  /** Number of merged ranges (IPv4 + IPv6) after compilation. */
  readonly size: number;
}

// The longest textual IPv6 form: 8 groups of 4 hex digits with 7 colons, or 6 groups plus an IPv4 tail.
const MAX_IPV6_TEXT = 45;
const LOW_32 = 0xffffffffn;
const ALL_128 = (1n << 128n) - 1n;

/**
 * Parses dotted-quad IPv4 text into an unsigned 32-bit number. Leading zeros are refused because some
 * parsers read them as octal (CVE-2021-29921), so `010.0.0.1` would mean different hosts to different
 * components.
 */
export function parseIpv4(text: string): number | undefined {
  if (text.length < 7 || text.length > 15) return undefined;
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits === 1 && octet === 0) return undefined;
      octet = octet * 10 + (c - 48);
      digits++;
      if (octet > 255) return undefined;
    } else if (c === 46) {
      if (digits === 0 || dots === 3) return undefined;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else {
      return undefined;
    }
  }
  if (dots !== 3 || digits === 0) return undefined;
  return value * 256 + octet;
}

function parseHexGroup(text: string): number | undefined {
  if (text.length === 0 || text.length > 4) return undefined;
  let value = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    let digit: number;
    if (c >= 48 && c <= 57) digit = c - 48;
    else if (c >= 97 && c <= 102) digit = c - 87;
    else if (c >= 65 && c <= 70) digit = c - 55;
    else return undefined;
    value = value * 16 + digit;
  }
  return value;
}

// Appends the 16-bit groups of one side of `::` to `out`; an IPv4 tail is allowed only as the last piece.
function parseGroups(text: string, out: number[], ipv4TailAllowed: boolean): boolean {
  if (text.length === 0) return true;
  const pieces = text.split(':');
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i]!;
    if (ipv4TailAllowed && i === pieces.length - 1 && piece.includes('.')) {
      const v4 = parseIpv4(piece);
      if (v4 === undefined) return false;
      out.push(Math.floor(v4 / 65536), v4 % 65536);
      continue;
    }
    const group = parseHexGroup(piece);
    if (group === undefined) return false;
    out.push(group);
  }
  return true;
}

/** Parses IPv6 text (RFC 4291 §2.2, with `::` compression and an IPv4 tail) into a 128-bit bigint. Zone ids are refused. */
export function parseIpv6(text: string): bigint | undefined {
  if (text.length < 2 || text.length > MAX_IPV6_TEXT || text.includes('%')) return undefined;
  const gap = text.indexOf('::');
  const head: number[] = [];
  const tail: number[] = [];
  if (gap === -1) {
    if (!parseGroups(text, head, true) || head.length !== 8) return undefined;
  } else {
    if (text.indexOf('::', gap + 1) !== -1) return undefined;
    if (!parseGroups(text.slice(0, gap), head, false)) return undefined;
    if (!parseGroups(text.slice(gap + 2), tail, true)) return undefined;
    if (head.length + tail.length > 7) return undefined;
  }
  let value = 0n;
  for (const group of head) value = (value << 16n) | BigInt(group);
  for (let i = head.length + tail.length; i < 8; i++) value <<= 16n;
  for (const group of tail) value = (value << 16n) | BigInt(group);
  return value;
}

/** Parses an IPv4 or IPv6 address; IPv4-mapped IPv6 (`::ffff:1.2.3.4`) comes back as IPv4. */
export function parseIp(text: string): ParsedIp | undefined {
  if (!text.includes(':')) {
    const v4 = parseIpv4(text);
    return v4 === undefined ? undefined : { version: 4, value: v4 };
  }
  const v6 = parseIpv6(text);
  if (v6 === undefined) return undefined;
  if (v6 >> 32n === 0xffffn) return { version: 4, value: Number(v6 & LOW_32) };
  return { version: 6, value: v6 };
}

function parsePrefix(text: string, max: number): number | undefined {
  if (text.length === 0 || text.length > 3) return undefined;
  let value = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
    if (i === 1 && value === 0) return undefined;
    value = value * 10 + (c - 48);
  }
  return value <= max ? value : undefined;
}

/**
 * Parses `10.0.0.0/8`, `2001:db8::/32`, or a bare address (a /32 or /128). Host bits set below the
 * prefix (`10.0.0.1/8`) are refused as a likely typo. An IPv4-mapped block (`::ffff:10.0.0.0/104`)
 * becomes the IPv4 block, matching how addresses are parsed. Throws a RangeError naming the entry.
 */
export function parseCidr(text: string): Cidr {
  const slash = text.indexOf('/');
  const address = slash === -1 ? text : text.slice(0, slash);
  const ip = parseIp(address);
  if (ip === undefined) throw new RangeError(`invalid CIDR ${JSON.stringify(text)}: not an IP address`);
  const mappedV6 = ip.version === 4 && address.includes(':');
  const max = ip.version === 4 && !mappedV6 ? 32 : 128;
  let prefix = slash === -1 ? max : parsePrefix(text.slice(slash + 1), max);
  if (prefix === undefined) throw new RangeError(`invalid CIDR ${JSON.stringify(text)}: bad prefix length`);
  if (mappedV6) {
    if (prefix < 96)
      throw new RangeError(`invalid CIDR ${JSON.stringify(text)}: IPv4-mapped prefix below /96`);
    prefix -= 96;
  }
  if (ip.version === 4) {
    const size = 2 ** (32 - prefix);
    if (ip.value % size !== 0) throw new RangeError(`invalid CIDR ${JSON.stringify(text)}: host bits set`);
    return { version: 4, prefix, first: ip.value, last: ip.value + size - 1 };
  }
  const hostMask = ALL_128 >> BigInt(prefix);
  if ((ip.value & hostMask) !== 0n)
    throw new RangeError(`invalid CIDR ${JSON.stringify(text)}: host bits set`);
  return { version: 6, prefix, first: ip.value, last: ip.value | hostMask };
}

interface Ranges<T> {
  firsts: T[];
  lasts: T[];
}

// Sorts ranges by start and merges overlapping or adjacent ones so a binary search finds at most one.
function mergeRanges<T extends number | bigint>(
  ranges: Array<[T, T]>,
  touches: (first: T, last: T) => boolean,
): Ranges<T> {
  ranges.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const firsts: T[] = [];
  const lasts: T[] = [];
  for (const [first, last] of ranges) {
    const n = lasts.length;
    if (n > 0 && touches(first, lasts[n - 1]!)) {
      if (last > lasts[n - 1]!) lasts[n - 1] = last;
    } else {
      firsts.push(first);
      lasts.push(last);
    }
  }
  return { firsts, lasts };
}

function contains<T extends number | bigint>(ranges: Ranges<T>, value: T): boolean {
  let low = 0;
  let high = ranges.firsts.length - 1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    if (value < ranges.firsts[mid]!) high = mid - 1;
    else if (value > ranges.lasts[mid]!) low = mid + 1;
    else return true;
  }
  return false;
}

/** Compiles CIDR entries into a set; throws a RangeError naming the first invalid entry. */
export function createCidrSet(entries: readonly string[]): CidrSet {
  const v4: Array<[number, number]> = [];
  const v6: Array<[bigint, bigint]> = [];
  for (const entry of entries) {
    const cidr = parseCidr(entry.trim());
    if (cidr.version === 4) v4.push([cidr.first, cidr.last]);
    else v6.push([cidr.first, cidr.last]);
  }
  const ranges4 = mergeRanges(v4, (first, last) => first <= last + 1);
  const ranges6 = mergeRanges(v6, (first, last) => first <= last + 1n);
  const hasParsed = (ip: ParsedIp): boolean =>
    ip.version === 4 ? contains(ranges4, ip.value) : contains(ranges6, ip.value);
  return {
    hasParsed,
    has(text: string): boolean {
      const ip = parseIp(text);
      return ip !== undefined && hasParsed(ip);
    },
    size: ranges4.firsts.length + ranges6.firsts.length,
  };
}
