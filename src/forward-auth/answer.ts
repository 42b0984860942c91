// What an authorization answer carries: on allow, the identity and the header edits the policies
// meant for the upstream (the proxy copies the ones it is told to); on deny, a status the proxy
// understands (nginx knows only 2xx, 401 and 403).
import { headerSafe as headerText } from '../identity/authn.ts';
import type { HeaderMap } from '../lib/headers.ts';
import type { ForwardAuthConfig } from './config.ts';

/** The identity of an allowed request, as the policies established it. */
export interface AllowedIdentity {
  readonly consumerId: string;
  readonly consumerName?: string;
  readonly scopes: readonly string[];
  readonly method: string;
}

/**
 * The headers of an allow answer: every header the policies set for the upstream, the removals as
 * Envoy's `x-envoy-auth-headers-to-remove`, then the identity headers (which win).
 */
export function allowHeaders(
  settings: ForwardAuthConfig['identityHeaders'],
  identity: AllowedIdentity | undefined,
  edits: ReadonlyArray<readonly [name: string, value: string | undefined]> | undefined,
): HeaderMap {
  const headers: HeaderMap = { 'cache-control': 'no-store' };
  const removed: string[] = [];
  for (const [name, value] of edits ?? []) {
    if (value === undefined) {
      delete headers[name];
      if (!removed.includes(name)) removed.push(name);
    } else {
      headers[name] = value;
      const at = removed.indexOf(name);
      if (at !== -1) removed.splice(at, 1);
    }
  }
  if (removed.length > 0) headers['x-envoy-auth-headers-to-remove'] = removed.join(',');
  if (identity !== undefined) {
    headers[settings.consumer.toLowerCase()] = headerText(identity.consumerName ?? identity.consumerId);
    headers[settings.consumerId.toLowerCase()] = headerText(identity.consumerId);
    headers[settings.scopes.toLowerCase()] = headerText(identity.scopes.join(' '));
    headers[settings.method.toLowerCase()] = headerText(identity.method);
  }
  return headers;
}

/** The status to deny with: the policy's own, or for nginx 401 (kept) or 403 with the real one in a header. */
export function denialStatus(
  statuses: ForwardAuthConfig['statuses'],
  status: number,
): { status: number; headers: Record<string, string> } {
  if (statuses === 'exact' || status === 401 || status === 403) return { status, headers: {} };
  return { status: 403, headers: { 'x-rampart-status': String(status) } };
}
