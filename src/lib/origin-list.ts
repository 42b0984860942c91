// Origin allow-lists (RFC 6454 serialized origins) for CORS and CSRF checks: exact origins and
// `scheme://*.domain` wildcards that match subdomains only, never a suffix of another name.

/** A parsed serialized origin: lower-case scheme and host, the port as written (empty when absent). */
export interface Origin {
  readonly scheme: string;
  readonly host: string;
  readonly port: string;
}

const MAX_ORIGIN = 300;

function isHostChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 46;
}

/** Parses `scheme://host[:port]` (no path, userinfo or trailing slash); undefined when it is not one. */
export function parseOrigin(text: string): Origin | undefined {
  if (text.length === 0 || text.length > MAX_ORIGIN) return undefined;
  const lower = text.toLowerCase();
  const sep = lower.indexOf('://');
  if (sep < 1) return undefined;
  const scheme = lower.slice(0, sep);
  for (let i = 0; i < scheme.length; i++) {
    const c = scheme.charCodeAt(i);
    const ok = (c >= 97 && c <= 122) || (i > 0 && ((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46));
    if (!ok) return undefined;
  }
  const rest = lower.slice(sep + 3);
  let host: string;
  let port = '';
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 2) return undefined;
    host = rest.slice(0, close + 1);
    for (let i = 1; i < close; i++) {
      const c = host.charCodeAt(i);
      if (!((c >= 48 && c <= 58) || (c >= 97 && c <= 102) || c === 46)) return undefined;
    }
    const after = rest.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) return undefined;
    port = after.slice(1);
  } else {
    const colon = rest.indexOf(':');
    host = colon === -1 ? rest : rest.slice(0, colon);
    port = colon === -1 ? '' : rest.slice(colon + 1);
    if (host.length === 0 || host.startsWith('.') || host.endsWith('.') || host.includes('..'))
      return undefined;
    for (let i = 0; i < host.length; i++) if (!isHostChar(host.charCodeAt(i))) return undefined;
  }
  if (rest.includes(':') && port === '' && !rest.startsWith('[')) return undefined;
  if (port !== '') {
    if (port.length > 5) return undefined;
    for (let i = 0; i < port.length; i++) {
      const c = port.charCodeAt(i);
      if (c < 48 || c > 57) return undefined;
    }
  }
  return { scheme, host, port };
}

/** The canonical text of an origin (`https://a.example`, `http://[::1]:8080`). */
export function formatOrigin(origin: Origin): string {
  return `${origin.scheme}://${origin.host}${origin.port === '' ? '' : `:${origin.port}`}`;
}

/** A compiled allow-list. */
export interface OriginList {
  /** Whether `*` was listed (any origin). */
  readonly any: boolean;
  /** Whether the `Origin` header value is allowed (`null` only when listed). */
  allows(origin: string): boolean;
}

interface Wildcard {
  readonly scheme: string;
  readonly suffix: string;
  readonly port: string;
}

// `a.b` in `a.b.example.com` for suffix `example.com`: one or more non-empty labels.
function matchesWildcard(origin: Origin, wildcard: Wildcard): boolean {
  if (origin.scheme !== wildcard.scheme || origin.port !== wildcard.port) return false;
  const { host } = origin;
  if (host.length <= wildcard.suffix.length + 1 || !host.endsWith(wildcard.suffix)) return false;
  return host.charCodeAt(host.length - wildcard.suffix.length - 1) === 46;
}

/**
 * Compiles entries: `*`, `null`, exact origins, or `scheme://*.domain[:port]` for subdomains of
 * `domain` (not `domain` itself). Throws naming the first entry that is none of these.
 */
export function compileOriginList(entries: readonly string[]): OriginList {
  const exact = new Set<string>();
  const wildcards: Wildcard[] = [];
  let any = false;
  let nullAllowed = false;
  for (const entry of entries) {
    if (entry === '*') any = true;
    else if (entry === 'null') nullAllowed = true;
    else if (entry.includes('://*.')) {
      const parsed = parseOrigin(entry.replace('://*.', '://'));
      if (parsed === undefined || !parsed.host.includes('.') || parsed.host.startsWith('['))
        throw new Error(`not an origin wildcard: ${entry}`);
      wildcards.push({ scheme: parsed.scheme, suffix: parsed.host, port: parsed.port });
    } else {
      const parsed = parseOrigin(entry);
      if (parsed === undefined || formatOrigin(parsed) !== entry.toLowerCase())
        throw new Error(`not a serialized origin (scheme://host[:port]): ${entry}`);
      exact.add(formatOrigin(parsed));
    }
  }
  return {
    any,
    allows(value) {
      if (value === 'null') return nullAllowed;
      if (any) return true;
      const origin = parseOrigin(value);
      if (origin === undefined) return false;
      if (exact.has(formatOrigin(origin))) return true;
      for (const wildcard of wildcards) if (matchesWildcard(origin, wildcard)) return true;
      return false;
    },
  };
}
