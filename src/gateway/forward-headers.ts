// The header edits a proxy owes both sides: hop-by-hop headers removed (RFC 9110 §7.6.1), forwarding
// headers replaced unless a trusted proxy set them, and routing-changing headers stripped.
import type { HeaderMap } from '../policies/policy.ts';

// RFC 9110 §7.6.1 and common non-standard hop-by-hop fields.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

// Headers some frameworks use to change the path or method after the gateway has routed the request.
const ROUTING_OVERRIDE = ['x-original-url', 'x-rewrite-url', 'x-override-url'] as const;
const METHOD_OVERRIDE = ['x-http-method-override', 'x-http-method', 'x-method-override'] as const;
const FORWARDING = [
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
  'x-forwarded-port',
  'forwarded',
];

/** What the gateway knows about the hop it is replacing. */
export interface ForwardingFacts {
  readonly peerIp: string;
  readonly peerTrusted: boolean;
  readonly secure: boolean;
  readonly host: string | undefined;
  readonly requestIdHeader: string;
  readonly requestId: string;
  readonly allowMethodOverride: boolean;
  readonly allowUrlRewriteHeaders: boolean;
}

function connectionTokens(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  const text = Array.isArray(value) ? value.join(',') : value;
  return text.split(',').map((token) => token.trim().toLowerCase());
}

/** Removes hop-by-hop headers and those the `Connection` header names, in place. */
export function removeHopByHop(headers: HeaderMap): void {
  for (const token of connectionTokens(headers.connection)) {
    if (token !== '') delete headers[token];
  }
  for (const name of HOP_BY_HOP) delete headers[name];
}

function appendHeader(existing: string | string[] | undefined, value: string): string {
  if (existing === undefined) return value;
  return `${Array.isArray(existing) ? existing.join(', ') : existing}, ${value}`;
}

function forwardedNode(ip: string): string {
  return ip.includes(':') ? `"[${ip}]"` : ip;
}

/**
 * Builds the upstream request headers from the client's. Hop-by-hop removal happens first, so a client's
 * `Connection: x-forwarded-for, x-request-id` can never strip what the gateway adds afterwards.
 */
export function upstreamRequestHeaders(client: Readonly<HeaderMap>, facts: ForwardingFacts): HeaderMap {
  const headers: HeaderMap = { ...client };
  removeHopByHop(headers);
  delete headers.expect;
  delete headers.host;
  if (!facts.allowUrlRewriteHeaders) for (const name of ROUTING_OVERRIDE) delete headers[name];
  if (!facts.allowMethodOverride) for (const name of METHOD_OVERRIDE) delete headers[name];

  const proto = facts.secure ? 'https' : 'http';
  const previous = facts.peerTrusted
    ? { xff: client['x-forwarded-for'], proto: client['x-forwarded-proto'], host: client['x-forwarded-host'] }
    : undefined;
  const forwarded = facts.peerTrusted ? client.forwarded : undefined;
  for (const name of FORWARDING) delete headers[name];

  headers['x-forwarded-for'] = appendHeader(previous?.xff, facts.peerIp);
  headers['x-forwarded-proto'] = typeof previous?.proto === 'string' ? previous.proto : proto;
  const host = typeof previous?.host === 'string' ? previous.host : facts.host;
  if (host !== undefined) headers['x-forwarded-host'] = host;
  // RFC 7239 §4: one element per hop.
  let element = `for=${forwardedNode(facts.peerIp)};proto=${proto}`;
  if (facts.host !== undefined && /^[A-Za-z0-9.:[\]-]{1,261}$/.test(facts.host))
    element += `;host="${facts.host}"`;
  headers.forwarded = appendHeader(forwarded, element);
  headers[facts.requestIdHeader] = facts.requestId;
  return headers;
}

/** Cleans an upstream response's headers in place: hop-by-hop fields go, framing is the gateway's. */
export function cleanResponseHeaders(headers: HeaderMap): void {
  removeHopByHop(headers);
}

/** Removes the method-override parameter (`_method`) from a raw query unless the route allows it. */
export function stripMethodOverrideParam(rawQuery: string): string {
  if (!rawQuery.includes('_method')) return rawQuery;
  return rawQuery
    .split('&')
    .filter((pair) => {
      const name = pair.split('=', 1)[0] ?? '';
      return (
        name !== '_method' && name.toLowerCase() !== '_method' && decodeSafe(name).toLowerCase() !== '_method'
      );
    })
    .join('&');
}

function decodeSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
