// The unsafe settings `rampart check` can see outside routes: an admin listener others can reach
// without a token, trust given to every peer, header rules loosened, slow-client limits lifted, and
// route switches that hand the upstream what the gateway strips by default.

import type { RampartConfig } from '../config/schema.ts';
import { isLoopback } from '../config/semantic.ts';
import { parseDuration } from '../lib/durations.ts';
import type { Severity } from './findings.ts';

/** A finding about a setting; `route` is `(admin)`, `(server)` or the route's name. */
export interface SettingFinding {
  readonly route: string;
  readonly severity: Severity;
  readonly rule:
    | 'admin-open'
    | 'admin-no-token'
    | 'trust-everyone'
    | 'identity-headers-kept'
    | 'underscore-headers'
    | 'no-connection-cap'
    | 'slow-headers'
    | 'method-override'
    | 'url-rewrite-headers'
    | 'cors-null-origin'
    | 'cors-preflight-blocked';
  readonly message: string;
}

const SLOW_HEADERS_MS = 10_000;

// A prefix this short hands "trusted proxy" to a large part of the Internet.
function isWideCidr(cidr: string): boolean {
  const [address = '', prefix] = cidr.split('/');
  if (prefix === undefined) return false;
  const bits = Number(prefix);
  return address.includes(':') ? bits < 32 : bits < 8;
}

type Blocks = Record<string, { mode?: string; origins?: string[] } | undefined>;

/** Findings about server, admin and route switches. */
export function settingFindings(config: RampartConfig): SettingFinding[] {
  const findings: SettingFinding[] = [];
  const add = (route: string, severity: Severity, rule: SettingFinding['rule'], message: string) =>
    findings.push({ route, severity, rule, message });

  const admin = config.admin ?? { host: '127.0.0.1', enabled: true, token: undefined };
  if (admin.enabled && admin.token === undefined) {
    if (!isLoopback(admin.host))
      add(
        '(admin)',
        'high',
        'admin-open',
        `admin listener on ${admin.host} without admin.token: anyone who reaches it can mint keys`,
      );
    else
      add(
        '(admin)',
        'low',
        'admin-no-token',
        'admin listener without admin.token: every local process can mint keys',
      );
  }

  const server = config.server;
  for (const cidr of server?.trustedProxies ?? [])
    if (isWideCidr(cidr))
      add(
        '(server)',
        'high',
        'trust-everyone',
        `trustedProxies ${cidr}: forwarded client addresses and identity headers are believed from almost anyone`,
      );
  const headers = server?.clientHeaders;
  if (headers !== undefined && headers.keep.length > 0)
    add(
      '(server)',
      'medium',
      'identity-headers-kept',
      `clientHeaders.keep lets clients send ${headers.keep.join(', ')} to the upstream`,
    );
  if (headers?.underscores === 'allow')
    add(
      '(server)',
      'low',
      'underscore-headers',
      'clientHeaders.underscores: allow passes X_Name headers that CGI/PHP backends read as X-Name',
    );
  if (server?.maxConnectionsPerIp === 0)
    add(
      '(server)',
      'low',
      'no-connection-cap',
      'maxConnectionsPerIp: 0 lets one address hold every connection',
    );
  if (server?.headersTimeout !== undefined && parseDuration(server.headersTimeout) > SLOW_HEADERS_MS)
    add(
      '(server)',
      'medium',
      'slow-headers',
      `headersTimeout ${server.headersTimeout}: slow clients can hold connections that long`,
    );

  const defaults = (config.defaults?.policies ?? {}) as Blocks;
  for (const route of config.routes) {
    if (route.allowMethodOverride)
      add(
        route.name,
        'medium',
        'method-override',
        'allowMethodOverride: _method and X-HTTP-Method-Override reach the upstream after routing',
      );
    if (route.allowUrlRewriteHeaders)
      add(
        route.name,
        'medium',
        'url-rewrite-headers',
        'allowUrlRewriteHeaders: X-Original-URL can reroute the request behind the gateway',
      );
    const cors = { ...defaults, ...((route.policies ?? {}) as Blocks) }.cors;
    if (cors === undefined || cors.mode === 'off') continue;
    if (cors.origins?.includes('null'))
      add(
        route.name,
        'medium',
        'cors-null-origin',
        'cors allows the null origin: any sandboxed frame can read answers',
      );
    const methods = route.match.methods;
    if (methods !== undefined && !methods.includes('OPTIONS'))
      add(
        route.name,
        'low',
        'cors-preflight-blocked',
        'cors is on but match.methods has no OPTIONS: preflights get 405',
      );
  }
  return findings;
}
