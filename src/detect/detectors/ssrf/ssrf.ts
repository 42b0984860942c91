// Server-side request forgery: every URL in the value (`scheme://authority…`, or a leading `//host`)
// has its host parsed — userinfo and port removed, IPv4 in decimal/hex/octal/short forms, IPv6 with
// mapped IPv4 — and is checked against loopback, private, link-local and cloud metadata addresses;
// schemes that reach non-HTTP services (gopher, dict, file…) are flagged on their own.
import { classifyHostLiteral } from '../../../lib/ip-address.ts';
import { hit } from '../../rules.ts';
import type { Detector, Hit } from '../../types.ts';
import { SSRF_RULES } from './rules.ts';

// `file:` is left to the traversal detector (a local read, not a request).
const DANGEROUS_SCHEMES = new Set([
  'gopher',
  'dict',
  'ldap',
  'ldaps',
  'tftp',
  'jar',
  'netdoc',
  'sftp',
  'smb',
  'telnet',
  'expect',
  'phar',
]);
const INTERNAL_NAMES = [
  'localhost',
  'ip6-localhost',
  'ip6-loopback',
  'rancher-metadata',
  'metadata.google.internal',
  'metadata',
  'instance-data',
  'kubernetes.default',
  'localtest.me',
  'metadata.azure.com',
];
const DOTTED_NAMES = INTERNAL_NAMES.map((name) => `.${name}`);
// Wildcard DNS services that resolve `<ip>.nip.io` to `<ip>`, a common filter bypass.
const WILDCARD_DNS = ['.nip.io', '.xip.io', '.sslip.io', '.nip.direct', '.traefik.me'];
const MAX_URLS = 64;
/** A dotted-decimal address as configurations write it; decimal, hex or octal forms are evasion. */
const CANONICAL_IPV4 = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
// Remotes of version control and remote shells: an address in them names a repository, the
// server does not fetch it (`ssh://git@localhost:2222/org/repo.git` in a repository's settings).
const NON_REQUEST_SCHEMES = new Set(['ssh', 'git', 'git+ssh', 'ssh+git', 'svn+ssh', 'mailto']);
// Browsers name the page that sent a request in these: a front end on localhost or an intranet
// host is everyday traffic, not a request the server makes.
const BROWSER_ORIGIN_HEADERS = new Set(['header.origin', 'header.referer']);
// What a bare internal host can start with: an address literal, or one of the internal names.
const BARE_HOST_START =
  /^(?:[\d[]|localhost|metadata|instance-data|ip6-|rancher-|kubernetes|[\w.-]+\.(?:nip|xip|sslip)\.io)/;

/** Extracts the host of the authority starting at `from`. */
function hostAt(text: string, from: number): string {
  let end = from;
  while (end < text.length && end - from < 300 && !'/?#\\ \t\n\r"\'<>'.includes(text[end]!)) end++;
  let authority = text.slice(from, end);
  const at = authority.lastIndexOf('@');
  if (at >= 0) authority = authority.slice(at + 1);
  if (authority.startsWith('[')) {
    const close = authority.indexOf(']');
    return close < 0 ? authority : authority.slice(0, close + 1);
  }
  const colon = authority.indexOf(':');
  const host = colon < 0 ? authority : authority.slice(0, colon);
  // Parsers stop the host at the first character that cannot be in one (`127.0.0.1!/`).
  const stop = host.search(/[^a-z0-9.\-_%]/);
  return stop < 0 ? host : host.slice(0, stop);
}

/** Why `host` points inside: an internal name, a non-public address, or a wildcard DNS name for one. */
export function internalReason(rawHost: string): string | undefined {
  const host = rawHost.replace(/\.$/, '');
  if (host.length === 0) return undefined;
  for (let i = 0; i < INTERNAL_NAMES.length; i++) {
    if (host === INTERNAL_NAMES[i]) return 'internal-name';
    // `github.localhost` and the like name development installs in API documents (RFC 6761 §6.3).
    if (host.endsWith(DOTTED_NAMES[i]!)) return i === 0 ? 'local-name' : 'internal-name';
  }
  // Every inet_aton form starts with a digit and every IPv6 literal has a `:`: a host name is neither.
  const first = host.charCodeAt(0);
  const literal = (first >= 48 && first <= 57) || host.includes(':') ? classifyHostLiteral(host) : undefined;
  if (literal !== undefined) return literal;
  for (const suffix of WILDCARD_DNS) {
    if (host.endsWith(suffix)) {
      const inner = host.slice(0, -suffix.length).replaceAll('-', '.');
      const parts = inner.split('.');
      if (classifyHostLiteral(parts.slice(-4).join('.')) !== undefined) return 'wildcard-dns';
    }
  }
  return undefined;
}

const METADATA_ADDRESSES = ['169.254.169.254', '100.100.100.200', 'fd00:ec2::254'];
const COMPATIBILITY_HOST =
  /:\/\/[^/\s?#]{0,64}?[\u2460-\u24ff\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\u3002\uff0e]/;

/** Where a cloud metadata address stands as its own token (not inside a longer number), or -1. */
function metadataAddressAt(text: string): number {
  for (const address of METADATA_ADDRESSES) {
    for (let at = text.indexOf(address); at >= 0; at = text.indexOf(address, at + 1)) {
      const before = text.charCodeAt(at - 1);
      const after = text.charCodeAt(at + address.length);
      const digitOrDot = (c: number) => (c >= 48 && c <= 57) || c === 46;
      if (!digitOrDot(before) && !digitOrDot(after)) return at;
    }
  }
  return -1;
}

function isSchemeChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46;
}

/** The SSRF detector. */
export const ssrfDetector: Detector = {
  category: 'ssrf',
  rules: Object.values(SSRF_RULES),
  detect(views, kind, location) {
    const text = views.lower;
    const browserOrigin = BROWSER_ORIGIN_HEADERS.has(location);
    const hits: Hit[] = [];
    const whole = text.trimStart();
    let i = text.indexOf('://');
    let count = 0;
    while (i >= 0 && count++ < MAX_URLS) {
      let s = i;
      while (s > 0 && i - s < 32 && isSchemeChar(text.charCodeAt(s - 1))) s--;
      const scheme = text.slice(s, i);
      // The URL is the value, or a parameter inside another URL (`?url=http://localhost`), or a
      // segment of a request path (`/fetch/http://127.0.0.1/`: path-based proxies and fetchers).
      const leading =
        (whole.length > 0 && text.length - whole.length === s) ||
        text[s - 1] === '=' ||
        (kind === 'path' && text[s - 1] === '/');
      if (DANGEROUS_SCHEMES.has(scheme)) {
        hits.push(hit(SSRF_RULES[leading ? 'ssrf.scheme' : 'ssrf.scheme.embedded'], s));
      }
      const reason = NON_REQUEST_SCHEMES.has(scheme) ? undefined : internalReason(hostAt(text, i + 3));
      if (reason !== undefined && (reason === 'metadata' || !browserOrigin)) {
        const strong =
          reason === 'metadata' || reason === 'wildcard-dns' || (leading && reason !== 'local-name');
        // A private (RFC 1918) address in a URL value is everyday configuration; loopback,
        // link-local and internal names are what forged requests aim at.
        const rule =
          reason === 'metadata'
            ? 'ssrf.metadata'
            : strong && reason === 'private' && CANONICAL_IPV4.test(hostAt(text, i + 3))
              ? 'ssrf.private-host'
              : strong
                ? 'ssrf.internal-host'
                : 'ssrf.internal-host.embedded';
        hits.push(hit(SSRF_RULES[rule], s));
      }
      i = text.indexOf('://', i + 3);
    }
    // The cloud metadata addresses anywhere in a value (a redirector's path, a DNS name built on
    // one): they have no other use than reaching instance credentials.
    if (hits.length === 0) {
      const metadata = metadataAddressAt(text);
      if (metadata >= 0) hits.push(hit(SSRF_RULES['ssrf.metadata'], metadata));
    }
    // A URL host spelled in compatibility characters (`ⓔⓧⓐⓜⓟⓛⓔ.ⓒⓞⓜ`, full-width letters, `。` for a
    // dot): IDNA maps them to ASCII, so the request goes where a filter reading the text did not look.
    if (views.raw.includes('://') && /[^\u0000-\u007f]/.test(views.raw) && COMPATIBILITY_HOST.test(views.raw))
      hits.push(hit(SSRF_RULES['ssrf.obfuscated-host'], 0));
    if (whole.startsWith('//') && !whole.startsWith('///')) {
      const reason = internalReason(hostAt(whole, 2));
      if (reason !== undefined) hits.push(hit(SSRF_RULES['ssrf.internal-host'], 0));
    } else if (
      count === 0 &&
      BARE_HOST_START.test(whole) &&
      /^[a-z0-9.[\]:-]+(?:[:/][^\s]*)?$/.test(whole.slice(0, 300))
    ) {
      // A bare host (`169.254.169.254`, `127.0.0.1/`) given where a URL or host is expected.
      const reason = internalReason(hostAt(whole, 0));
      if (reason !== undefined) {
        // Private addresses are everyday data in API payloads; only loopback and metadata stand out.
        const strong = reason === 'metadata' || reason === 'wildcard-dns';
        const rule = strong
          ? 'ssrf.metadata'
          : reason === 'loopback' || reason === 'internal-name'
            ? 'ssrf.bare-host.loopback'
            : 'ssrf.bare-host.private';
        hits.push(hit(SSRF_RULES[rule], 0));
      }
    }
    return hits;
  },
};
