// Server-side request forgery: every URL in the value (`scheme://authority…`, or a leading `//host`)
// has its host parsed — userinfo and port removed, IPv4 in decimal/hex/octal/short forms, IPv6 with
// mapped IPv4 — and is checked against loopback, private, link-local and cloud metadata addresses,
// names that resolve or forward inside, and metadata API paths; schemes that reach non-HTTP
// services (gopher, dict…) are flagged on their own. Request paths are read segment by segment.
import { percentDecode } from '../../decode/percent.ts';
import { hit } from '../../rules.ts';
import type { Detector, Hit, InputKind } from '../../types.ts';
import {
  type InternalReason,
  internalReason,
  isMetadataPath,
  isServicePath,
  isSingleLabel,
} from './hosts.ts';
import { SSRF_RULES } from './rules.ts';

// `file:` is left to the traversal detector (a local read, not a request).
/** Schemes whose only use in a fetched URL is to smuggle bytes to a non-HTTP service. */
const SMUGGLING_SCHEMES = new Set(['gopher', 'dict', 'jar', 'netdoc', 'expect', 'phar']);
/** Schemes of everyday services (`smb://server/share` in documentation) that reach beyond HTTP. */
const SERVICE_SCHEMES = new Set(['ldap', 'ldaps', 'tftp', 'sftp', 'smb', 'telnet']);
const MAX_URLS = 64;
const MAX_SEGMENTS = 64;
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
const BARE_HOST = /^[a-z0-9.[\]:-]+(?:[:/][^\s]*)?$/;

/** Where the authority starting at `from` ends. */
function authorityEnd(text: string, from: number): number {
  let end = from;
  while (end < text.length && end - from < 300 && !'/?#\\ \t\n\r"\'<>'.includes(text[end]!)) end++;
  return end;
}

/** Extracts the host of the authority starting at `from`. */
function hostAt(text: string, from: number): string {
  let authority = text.slice(from, authorityEnd(text, from));
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

/** The userinfo of the authority starting at `from` (before its last `@`), or undefined. */
function userinfoAt(text: string, from: number): string | undefined {
  const authority = text.slice(from, authorityEnd(text, from));
  const at = authority.lastIndexOf('@');
  return at < 0 ? undefined : authority.slice(0, at);
}

/** The rule for an internal host in a URL: leading the value (a fetched URL) or inside other text. */
function urlRule(
  reason: InternalReason,
  leading: boolean,
  host: string,
  userinfo: string | undefined,
): keyof typeof SSRF_RULES {
  if (reason === 'metadata') return 'ssrf.metadata';
  if (reason === 'wildcard-dns' || reason === 'forwarding-service') return 'ssrf.internal-host';
  // A private (RFC 1918) address or a `*.localhost` name in a URL is everyday configuration and
  // documentation; loopback, link-local and internal names are what forged requests aim at.
  const everyday = reason === 'private' || reason === 'local-name';
  if (!leading) return everyday ? 'ssrf.private-host.embedded' : 'ssrf.internal-host.embedded';
  if (reason === 'local-name') return 'ssrf.internal-host.embedded';
  if (reason !== 'private' || !CANONICAL_IPV4.test(host)) return 'ssrf.internal-host';
  if (userinfo === undefined) return 'ssrf.private-host';
  // A host name before `@` (`http://trusted.example@10.0.0.7/`) is there to fool a check that
  // reads the wrong part; a `user:password` pair is how a client logs in to its own database.
  if (userinfo.includes('.') || userinfo.includes('\\')) return 'ssrf.internal-host';
  return userinfo.includes(':') ? 'ssrf.private-host.credentials' : 'ssrf.private-host';
}

/** A bare host (`169.254.169.254`, `127.0.0.1/`) given where a URL or host is expected. */
function bareHostRule(text: string): keyof typeof SSRF_RULES | undefined {
  if (!BARE_HOST_START.test(text) || !BARE_HOST.test(text.slice(0, 300))) return undefined;
  const reason = internalReason(hostAt(text, 0));
  if (reason === undefined) return undefined;
  // Private addresses are everyday data in API payloads; only loopback and metadata stand out.
  if (reason === 'metadata' || reason === 'wildcard-dns') return 'ssrf.metadata';
  if (reason !== 'loopback' && reason !== 'internal-name') return 'ssrf.bare-host.private';
  // A path after the host makes it a URL without its scheme (`127.0.0.1/admin`), which a fetcher
  // completes; a prefix length after an address (`127.0.0.0/8`) makes it a network range.
  const end = authorityEnd(text, 0);
  const url = text[end] === '/' && !/^\/\d{1,3}$/.test(text.slice(end));
  return url ? 'ssrf.internal-host' : 'ssrf.bare-host.loopback';
}

/** Hits of the URLs (`scheme://…`) in `text`; how many were seen. */
function urlHits(text: string, kind: InputKind, location: string, hits: Hit[]): number {
  const whole = text.trimStart();
  const browserOrigin = BROWSER_ORIGIN_HEADERS.has(location);
  let i = text.indexOf('://');
  let count = 0;
  while (i >= 0 && count++ < MAX_URLS) {
    let s = i;
    while (s > 0 && i - s < 32 && isSchemeChar(text.charCodeAt(s - 1))) s--;
    // `jar:http://x.example/a.jar!/` (Java) wraps the URL it fetches: the wrapper is the scheme.
    const scheme = text.startsWith('jar:', s - 4) ? 'jar' : text.slice(s, i);
    if (scheme === 'jar') s -= 4;
    // The URL is the value, or a parameter inside another URL (`?url=http://localhost`), or a
    // segment of a request path (`/fetch/http://127.0.0.1/`: path-based proxies and fetchers).
    const leading =
      (whole.length > 0 && text.length - whole.length === s) ||
      text[s - 1] === '=' ||
      (kind === 'path' && text[s - 1] === '/');
    if (SMUGGLING_SCHEMES.has(scheme) || (leading && SERVICE_SCHEMES.has(scheme)))
      hits.push(hit(SSRF_RULES[leading ? 'ssrf.scheme' : 'ssrf.scheme.embedded'], s));
    if (!NON_REQUEST_SCHEMES.has(scheme)) {
      const host = hostAt(text, i + 3);
      const reason = internalReason(host);
      if (reason !== undefined && (reason === 'metadata' || !browserOrigin))
        hits.push(hit(SSRF_RULES[urlRule(reason, leading, host, userinfoAt(text, i + 3))], s));
      else if (reason === undefined) {
        // A metadata API path behind any host: a name or template that resolves to the service,
        // or a redirector in front of it (`http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/…`).
        const end = authorityEnd(text, i + 3);
        const path = text[end] === '/' ? text.slice(end, end + 48) : '';
        if (isMetadataPath(path))
          hits.push(hit(SSRF_RULES[leading ? 'ssrf.metadata' : 'ssrf.metadata.path.embedded'], s));
        // An intranet name (one label) with the API of a service that trusts its network.
        else if (leading && isSingleLabel(host) && isServicePath(path))
          hits.push(hit(SSRF_RULES['ssrf.internal-service'], s));
      }
    }
    i = text.indexOf('://', i + 3);
  }
  return count;
}

// XML-RPC methods that make the server fetch a URL the caller names: a pingback (`pingback.ping`,
// the Pingback 1.0 spec) has the server request the source page to check that it links back, which
// WordPress and other blogs answer for anyone: a request forgery, a port scanner and a reflector.
const FETCHING_METHODS = ['pingback.ping'];

/**
 * Where a call of a fetching XML-RPC method is: the method name as an element's whole text in a
 * `<methodCall>` (sent in a value) or as a text of an XML body whose root is `methodCall` (which
 * arrives as its own input, `body.methodCall.methodName`; `system.multicall` names it in a struct).
 */
function fetchingCallAt(text: string, location: string): number {
  for (const method of FETCHING_METHODS) {
    if (text.trim() === method && location.toLowerCase().startsWith('body.methodcall')) return 0;
    for (let at = text.indexOf(method); at >= 0; at = text.indexOf(method, at + 1)) {
      const before = text.slice(Math.max(0, at - 32), at).trimEnd();
      const after = text.slice(at + method.length, at + method.length + 32).trimStart();
      if (before.endsWith('>') && after.startsWith('<') && text.includes('<methodcall')) return at;
    }
  }
  return -1;
}

/**
 * Parameters whose URL the browser is sent to, not one the server fetches: OAuth's `redirect_uri`
 * (native apps redirect to a loopback port, RFC 8252 §7.3), a login's `return_to`, SAML's
 * `RelayState`. A loopback or private host there is the user's own machine or intranet.
 */
const NAVIGATION_PARAMETERS = new Set([
  'redirect_uri',
  // A client registration's list of them (RFC 7591 §2).
  'redirect_uris',
  'post_logout_redirect_uris',
  'redirect_url',
  'redirecturi',
  'redirecturl',
  'redirect',
  'redirect_to',
  'return_to',
  'returnto',
  'return_url',
  'returnurl',
  'post_logout_redirect_uri',
  'success_url',
  'cancel_url',
  'relaystate',
  'continue',
  'next',
]);

/** Hosts a browser may be sent to: the user's own machine or intranet (not metadata, not evasion). */
const NAVIGABLE_RULES = new Set([
  'ssrf.internal-host',
  'ssrf.internal-host.embedded',
  'ssrf.private-host',
  'ssrf.private-host.embedded',
]);

/** The last name of a location (`query.redirect_uri` → `redirect_uri`, `body.a[b]` → `a`). */
function parameterName(location: string): string {
  const dot = location.lastIndexOf('.');
  const bracket = location.indexOf('[', dot + 1);
  return location.slice(dot + 1, bracket < 0 ? undefined : bracket).toLowerCase();
}

/** In a navigation parameter, an internal host is where the user's browser goes: counted from P3. */
function asNavigation(hits: Hit[], kind: InputKind, location: string): Hit[] {
  if ((kind !== 'query' && kind !== 'body') || !NAVIGATION_PARAMETERS.has(parameterName(location)))
    return hits;
  return hits.map((h) =>
    NAVIGABLE_RULES.has(h.rule) ? hit(SSRF_RULES['ssrf.internal-host.redirect'], h.at) : h,
  );
}

/** The SSRF detector. */
export const ssrfDetector: Detector = {
  category: 'ssrf',
  rules: Object.values(SSRF_RULES),
  detect(views, kind, location) {
    const text = views.lower;
    const hits: Hit[] = [];
    const whole = text.trimStart();
    const count = urlHits(text, kind, location, hits);
    if (text.includes('pingback')) {
      const call = fetchingCallAt(text, location);
      if (call >= 0) hits.push(hit(SSRF_RULES['ssrf.xmlrpc-fetch'], call));
    }
    // The cloud metadata addresses anywhere in a value (a redirector's path, a DNS name built on
    // one): they have no other use than reaching instance credentials.
    if (hits.length === 0) {
      const metadata = metadataAddressAt(text);
      if (metadata >= 0) hits.push(hit(SSRF_RULES['ssrf.metadata'], metadata));
    }
    // A URL host spelled in compatibility characters (`ⓔⓧⓐⓜⓟⓛⓔ.ⓒⓞⓜ`, full-width letters, `。` for a
    // dot): IDNA maps them to ASCII, so the request goes where a filter reading the text did not look.
    // Read before NFKC folds them, with the percent-encoding of a path or cookie removed.
    if (count > 0) {
      const raw = views.raw.includes('%') ? percentDecode(percentDecode(views.raw)) : views.raw;
      if (/[^\u0000-\u007f]/.test(raw) && COMPATIBILITY_HOST.test(raw))
        hits.push(hit(SSRF_RULES['ssrf.obfuscated-host'], 0));
    }
    if (whole.startsWith('//') && !whole.startsWith('///')) {
      const reason = internalReason(hostAt(whole, 2));
      if (reason !== undefined) hits.push(hit(SSRF_RULES['ssrf.internal-host'], 0));
    } else if (count === 0) {
      const rule = bareHostRule(whole);
      if (rule !== undefined) hits.push(hit(SSRF_RULES[rule], 0));
      else if (kind === 'path' && hits.length === 0) {
        // A request path carries a host as one of its segments (`/proxy/127.0.0.1.nip.io`): each
        // is read as a value of its own, the way a route parameter reaches the application. A
        // segment of digits alone is an id (`/orders/2130706433`), not an address.
        let from = whole.indexOf('/') + 1;
        for (let n = 0; from > 0 && from < whole.length && n < MAX_SEGMENTS; n++) {
          const next = whole.indexOf('/', from);
          const segment = whole.slice(from, next < 0 ? undefined : next);
          const segmentRule = /^\d*$/.test(segment) ? undefined : bareHostRule(segment);
          if (segmentRule !== undefined) {
            hits.push(hit(SSRF_RULES[segmentRule], from));
            break;
          }
          from = next + 1;
        }
      }
    }
    return hits.length === 0 ? hits : asNavigation(hits, kind, location);
  },
};
