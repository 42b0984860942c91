// The header edits a proxy owes both sides: hop-by-hop headers removed (RFC 9110 §7.6.1), forwarding
// headers replaced unless a trusted proxy set them, routing-changing headers stripped, and identity,
// client-address and underscore-named headers a client could spoof removed (spoofable-headers.ts).
import type { HeaderMap } from '../policies/policy.ts';
import { type ClientHeaderRules, DEFAULT_CLIENT_HEADER_RULES, dashTwin } from './spoofable-headers.ts';

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
  /** Identity, client-address and underscore rules (default: the built-in tables). */
  readonly clientHeaders?: ClientHeaderRules | undefined;
}

function connectionTokens(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  const text = Array.isArray(value) ? value.join(',') : value;
  return text.split(',').map((token) => token.trim().toLowerCase());
}

function appendHeader(existing: string | string[] | undefined, value: string): string {
  if (existing === undefined) return value;
  return `${Array.isArray(existing) ? existing.join(', ') : existing}, ${value}`;
}

function forwardedNode(ip: string): string {
  return ip.includes(':') ? `"[${ip}]"` : ip;
}

// Never copied from the client: the gateway sets these itself (or they must not cross a hop).
const DROPPED_ALWAYS = new Set([...HOP_BY_HOP, ...FORWARDING, 'expect', 'host']);

/**
 * Builds the upstream request headers from the client's in one pass (no `delete`, which slows every
 * later access to the object). Hop-by-hop fields, including those the client's `Connection` names, are
 * dropped first, so `Connection: x-forwarded-for, x-request-id` can never strip what the gateway adds.
 */
export function upstreamRequestHeaders(client: Readonly<HeaderMap>, facts: ForwardingFacts): HeaderMap {
  const named = client.connection === undefined ? undefined : connectionTokens(client.connection);
  const rules = facts.clientHeaders ?? DEFAULT_CLIENT_HEADER_RULES;
  const trusted = facts.peerTrusted;
  const headers: HeaderMap = {};
  for (const name in client) {
    let key = name;
    // nginx's default too (underscores_in_headers off): CGI, WSGI and PHP read X_Consumer_Id as
    // X-Consumer-Id, so an underscore name is dropped, or judged as its `-` twin when allowed.
    if (name.includes('_')) {
      if (rules.dropUnderscores) continue;
      key = dashTwin(name);
    }
    if (DROPPED_ALWAYS.has(key) || rules.always.has(key)) continue;
    if (!trusted && (rules.untrusted.has(key) || key.startsWith('x-forwarded-'))) continue;
    if (named?.includes(name)) continue;
    if (!facts.allowUrlRewriteHeaders && (ROUTING_OVERRIDE as readonly string[]).includes(key)) continue;
    if (!facts.allowMethodOverride && (METHOD_OVERRIDE as readonly string[]).includes(key)) continue;
    headers[name] = client[name];
  }

  const proto = facts.secure ? 'https' : 'http';
  headers['x-forwarded-for'] = appendHeader(trusted ? client['x-forwarded-for'] : undefined, facts.peerIp);
  const previousProto = trusted ? client['x-forwarded-proto'] : undefined;
  headers['x-forwarded-proto'] = typeof previousProto === 'string' ? previousProto : proto;
  const previousHost = trusted ? client['x-forwarded-host'] : undefined;
  const host = typeof previousHost === 'string' ? previousHost : facts.host;
  if (host !== undefined) headers['x-forwarded-host'] = host;
  // RFC 7239 §4: one element per hop.
  let element = `for=${forwardedNode(facts.peerIp)};proto=${proto}`;
  if (facts.host !== undefined) element += `;host="${facts.host}"`;
  headers.forwarded = appendHeader(trusted ? client.forwarded : undefined, element);
  headers[facts.requestIdHeader] = facts.requestId;
  return headers;
}

/** An upstream response's headers without hop-by-hop fields (framing is the gateway's), as a new map. */
export function cleanResponseHeaders(upstream: Readonly<HeaderMap>): HeaderMap {
  const named = upstream.connection === undefined ? undefined : connectionTokens(upstream.connection);
  const headers: HeaderMap = {};
  for (const name in upstream) {
    if (HOP_BY_HOP.has(name) || named?.includes(name)) continue;
    headers[name] = upstream[name];
  }
  return headers;
}

/** Removes the method-override parameter (`_method`) from a raw query unless the route allows it. */
export function stripMethodOverrideParam(rawQuery: string): string {
  // Cheap pre-check; the exact test below also catches `%5Fmethod` and `_METHOD`.
  if (!rawQuery.toLowerCase().includes('method')) return rawQuery;
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
