// IP address parsing the lenient way resolvers accept it (inet_aton: `127.1`, `0x7f.1`, `2130706433`,
// `0177.0.0.1`; IPv6 with embedded IPv4) and classification of non-public ranges (RFC 6890).

/**
 * Parses an IPv4 address in any inet_aton form (1–4 parts, decimal, hex `0x`, octal `0`/`0o`);
 * undefined if not one. With `wrap`, out-of-range parts wrap around as some URL parsers let them
 * (`425.510.425.510`, `7147006462`, `0x41414141a9fea9fe` all reach 169.254.169.254).
 */
export function parseIPv4(text: string, wrap = false): number | undefined {
  if (text.length === 0 || text.length > 64) return undefined;
  const parts = text.split('.');
  if (parts.length > 4) return undefined;
  if (parts[parts.length - 1] === '' && parts.length > 1) parts.pop();
  const values: number[] = [];
  for (const part of parts) {
    let value: number;
    if (/^0x[0-9a-f]*$/i.test(part))
      value =
        part.length === 2 ? 0 : Number.parseInt(part.slice(wrap ? Math.max(2, part.length - 8) : 2), 16);
    else if (/^0o[0-7]+$/i.test(part)) value = Number.parseInt(part.slice(2), 8);
    else if (/^0[0-7]+$/.test(part)) value = Number.parseInt(part.slice(1), 8);
    else if (/^(?:0|[1-9][0-9]*)$/.test(part)) value = Number(part);
    else return undefined;
    if (!Number.isFinite(value)) return undefined;
    values.push(value);
  }
  let last = values.pop()!;
  if (wrap) {
    for (let i = 0; i < values.length; i++) values[i] = values[i]! % 256;
    last %= 256 ** (4 - values.length);
  }
  for (const v of values) if (v > 255) return undefined;
  if (last >= 256 ** (4 - values.length)) return undefined;
  let address = 0;
  values.forEach((v, i) => {
    address += v * 256 ** (3 - i);
  });
  return address + last;
}

/** Parses an IPv6 address (brackets allowed, zone id ignored) into 8 groups; undefined if not one. */
export function parseIPv6(input: string): number[] | undefined {
  let text = input.startsWith('[') && input.endsWith(']') ? input.slice(1, -1) : input;
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  if (!text.includes(':') || text.length > 64) return undefined;
  const groups: number[] = [];
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parse = (half: string): number[] | undefined => {
    if (half === '') return [];
    const out: number[] = [];
    const pieces = half.split(':');
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i]!;
      if (i === pieces.length - 1 && piece.includes('.')) {
        const v4 = parseIPv4(piece);
        if (v4 === undefined || piece.split('.').length !== 4) return undefined;
        out.push(Math.floor(v4 / 65536), v4 % 65536);
      } else if (/^[0-9a-f]{1,4}$/i.test(piece)) out.push(Number.parseInt(piece, 16));
      else return undefined;
    }
    return out;
  };
  const head = parse(halves[0]!);
  const tail = halves.length === 2 ? parse(halves[1]!) : [];
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  groups.push(...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail);
  return groups;
}

/** Why an IPv4 address is not public: loopback, private, link-local, metadata…; undefined when public. */
export function classifyIPv4(address: number): string | undefined {
  const a = Math.floor(address / 16777216);
  const b = Math.floor(address / 65536) % 256;
  if (address === 0xa9fea9fe || address === 0x646464c8 || address === 0xc00000c0) return 'metadata';
  if (a === 127) return 'loopback';
  if (a === 0) return 'unspecified';
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'private';
  if (a === 169 && b === 254) return 'link-local';
  if (a === 100 && b >= 64 && b <= 127) return 'shared';
  if (a === 198 && (b === 18 || b === 19)) return 'benchmark';
  if (a >= 224) return 'reserved';
  return undefined;
}

/** Why an IPv6 address is not public (IPv4-mapped and -compatible forms are classified as IPv4). */
export function classifyIPv6(groups: readonly number[]): string | undefined {
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = groups;
  const zeroHead = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0;
  if (zeroHead && (g5 === 0xffff || g5 === 0) && (g6 !== 0 || g5 === 0xffff))
    return classifyIPv4(g6 * 65536 + g7) ?? (g5 === 0 ? 'compatible' : undefined);
  if (zeroHead && g5 === 0 && g6 === 0 && g7 <= 1) return g7 === 1 ? 'loopback' : 'unspecified';
  if ((g0 & 0xfe00) === 0xfc00) return g0 === 0xfd00 && g1 === 0x0ec2 ? 'metadata' : 'private';
  if ((g0 & 0xffc0) === 0xfe80) return 'link-local';
  if (g0 === 0x64 && g1 === 0xff9b) return classifyIPv4(g6 * 65536 + g7);
  return undefined;
}

/** Why a host literal (IPv4 in any form, or IPv6) is not public; undefined when public or not an IP. */
export function classifyHostLiteral(host: string): string | undefined {
  const v4 = parseIPv4(host) ?? parseIPv4(host, true);
  if (v4 !== undefined) return classifyIPv4(v4);
  const v6 = parseIPv6(host);
  return v6 === undefined ? undefined : classifyIPv6(v6);
}
