// The request the upstream receives: the client's headers with the hop replaced (forward-headers.ts)
// and the policies' edits applied after it, the Host it expects, and the path under its base path
// with the route's prefix stripped and the query the policies left.
import type { HeaderMap } from '../policies/policy.ts';
import { stripMethodOverrideParam, upstreamRequestHeaders } from './forward-headers.ts';
import type { GatewayRequest } from './request.ts';
import type { CompiledRoute } from './version.ts';

/** The upstream request's head (its body is admitted separately). */
export interface UpstreamRequestHead {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
}

/** Applies the policies' upstream header edits after the gateway's own header work. */
export function applyUpstreamEdits(headers: HeaderMap, edits: GatewayRequest['upstreamEdits']): void {
  if (edits === undefined) return;
  for (const [name, value] of edits) {
    if (value === undefined) delete headers[name];
    else headers[name] = value;
  }
}

/**
 * The raw query without the parameters policies removed. Names are decoded as URLSearchParams does
 * (so as the policy read them, `+` and percent escapes included); the other pairs are kept as sent.
 */
export function upstreamQuery(rawQuery: string, removals: readonly string[] | undefined): string {
  if (removals === undefined || rawQuery === '') return rawQuery;
  const kept: string[] = [];
  for (const pair of rawQuery.split('&')) {
    const name = new URLSearchParams(pair).keys().next().value;
    if (name === undefined || !removals.includes(name)) kept.push(pair);
  }
  return kept.join('&');
}

function upstreamPath(route: CompiledRoute, path: string, rawQuery: string): string {
  const prefix = route.config.stripPrefix;
  let rest = path;
  if (
    prefix !== undefined &&
    (path === prefix || path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`))
  ) {
    rest = path.slice(prefix.endsWith('/') ? prefix.length - 1 : prefix.length) || '/';
  }
  const query = route.config.allowMethodOverride ? rawQuery : stripMethodOverrideParam(rawQuery);
  return `${route.upstream.basePath}${rest}${query === '' ? '' : `?${query}`}`;
}

/** Builds the head of the request `x` makes to its route's upstream. */
export function upstreamRequestHead(x: GatewayRequest, route: CompiledRoute): UpstreamRequestHead {
  const { req } = x;
  const headers = upstreamRequestHeaders(req.headers, {
    peerIp: x.peerIp,
    peerTrusted: x.peerTrusted,
    secure: x.secure,
    host: req.headers.host,
    requestIdHeader: x.version.settings.requestIdHeader,
    requestId: x.requestId,
    allowMethodOverride: route.config.allowMethodOverride,
    allowUrlRewriteHeaders: route.config.allowUrlRewriteHeaders,
    clientHeaders: x.version.settings.clientHeaders,
  });
  const upstream = route.upstream;
  headers.host = upstream.preserveHost && req.headers.host !== undefined ? req.headers.host : upstream.host;
  applyUpstreamEdits(headers, x.upstreamEdits);
  // With tracing on, the upstream continues the gateway's trace (never a client's raw context).
  if (x.trace !== undefined) {
    const context = x.trace.upstream();
    headers.traceparent = context.traceparent;
    if (context.tracestate === undefined) delete headers.tracestate;
    else headers.tracestate = context.tracestate;
  }
  return {
    method: x.method,
    path: upstreamPath(route, x.path, upstreamQuery(x.rawQuery, x.upstreamQueryRemovals)),
    headers: headers as Record<string, string>,
  };
}
