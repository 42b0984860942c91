// Compiles the security-headers config into the list of header edits applied to every response.
import type { SecurityHeadersConfig } from './config.ts';

/** Headers that reveal the upstream's software and version, removed from every response. */
export const REVEALING_HEADERS = [
  'server',
  'x-powered-by',
  'x-aspnet-version',
  'x-aspnetmvc-version',
] as const;

/** One header to write: `replace` false keeps a value the upstream already set. */
export interface HeaderEdit {
  readonly name: string;
  readonly value: string;
  readonly replace: boolean;
}

/** The compiled edits: removals, headers for every response, and HSTS when it applies. */
export interface HeaderPlan {
  readonly remove: readonly string[];
  readonly set: readonly HeaderEdit[];
  readonly hsts: string | undefined;
  readonly hstsOnPlainHttp: boolean;
}

/** Builds the plan once per config version. */
export function compileHeaderPlan(config: SecurityHeadersConfig): HeaderPlan {
  const set: HeaderEdit[] = [];
  const add = (name: string, value: string | false, replace: boolean): void => {
    if (value !== false) set.push({ name, value, replace });
  };
  // nosniff has no weaker alternative, so it always replaces.
  if (config.contentTypeOptions) add('x-content-type-options', 'nosniff', true);
  add('cache-control', config.cacheControl, config.forceCacheControl);
  add('x-frame-options', config.frameOptions, config.overrideUpstream);
  add('referrer-policy', config.referrerPolicy, config.overrideUpstream);
  add('content-security-policy', config.contentSecurityPolicy, config.overrideUpstream);
  add('cross-origin-resource-policy', config.crossOriginResourcePolicy, config.overrideUpstream);

  const { hsts } = config;
  let hstsValue: string | undefined;
  if (hsts.enabled) {
    hstsValue = `max-age=${hsts.maxAge}`;
    if (hsts.includeSubDomains) hstsValue += '; includeSubDomains';
    if (hsts.preload) hstsValue += '; preload';
  }
  const remove = new Set<string>(REVEALING_HEADERS);
  for (const name of config.removeHeaders) remove.add(name.toLowerCase());
  return { remove: [...remove], set, hsts: hstsValue, hstsOnPlainHttp: hsts.force };
}
