// Request headers that claim an identity, a client address or a scheme: upstreams behind other gateways
// and proxies believe them, so a client must never be able to send them. Rules as data, one table that
// the proxy and the docs read; compiled once per config version.

/** The gateway's own identity headers: removed from every request, trusted peer or not. */
export const OWN_IDENTITY_HEADERS = [
  'x-consumer-id',
  'x-consumer-name',
  'x-consumer-scopes',
  'x-authenticated-by',
] as const;

/** Identity headers other gateways, proxies and platforms set (Kong, oauth2-proxy, Apache, IIS, clouds). */
export const FOREIGN_IDENTITY_HEADERS = [
  'x-user',
  'x-user-id',
  'x-user-name',
  'x-username',
  'x-user-email',
  'x-email',
  'x-remote-user',
  'remote-user',
  'x-authenticated-user',
  'x-authenticated-userid',
  'x-authenticated-scope',
  'x-authenticated-groups',
  'x-auth-user',
  'x-auth-request-user',
  'x-auth-request-email',
  'x-auth-request-groups',
  'x-auth-request-preferred-username',
  'x-auth-request-access-token',
  'x-webauth-user',
  'x-roles',
  'x-role',
  'x-scopes',
  'x-scope',
  'x-groups',
  'x-permissions',
  'x-userinfo',
  'x-consumer-username',
  'x-consumer-custom-id',
  'x-consumer-groups',
  'x-credential-identifier',
  'x-credential-username',
  'x-anonymous-consumer',
  'x-jwt-payload',
  'x-jwt-claims',
  'x-jwt-assertion',
  'x-endpoint-api-userinfo',
  'x-apigateway-api-userinfo',
  'x-amzn-oidc-data',
  'x-amzn-oidc-identity',
  'x-amzn-oidc-accesstoken',
  'x-ms-client-principal',
  'x-ms-client-principal-id',
  'x-ms-client-principal-name',
  'x-ms-client-principal-idp',
  'x-goog-authenticated-user-email',
  'x-goog-authenticated-user-id',
  'x-goog-iap-jwt-assertion',
  'cf-access-jwt-assertion',
  'cf-access-authenticated-user-email',
  'x-ssl-client-cert',
  'x-ssl-client-verify',
  'x-ssl-client-s-dn',
  'x-ssl-client-dn',
  'x-client-cert',
  'x-client-verify',
  'x-client-dn',
  'ssl-client-cert',
  'ssl-client-verify',
  'x-arr-clientcert',
  'x-forwarded-client-cert',
] as const;

/** Headers that claim the client's address or the original scheme (besides every `X-Forwarded-*`). */
export const CLIENT_ADDRESS_HEADERS = [
  'x-real-ip',
  'x-client-ip',
  'true-client-ip',
  'x-true-client-ip',
  'client-ip',
  'cf-connecting-ip',
  'cf-connecting-ipv6',
  'fastly-client-ip',
  'akamai-client-ip',
  'x-cluster-client-ip',
  'x-original-forwarded-for',
  'x-originating-ip',
  'x-remote-ip',
  'x-remote-addr',
  'x-proxyuser-ip',
  'wl-proxy-client-ip',
  'proxy-client-ip',
  'x-envoy-external-address',
  'forwarded-for',
  'x-forwarded',
  'front-end-https',
  'x-url-scheme',
] as const;

/** What the config may change (server.clientHeaders). */
export interface ClientHeaderSettings {
  /** More names stripped unless the peer is a trusted proxy. */
  readonly strip?: readonly string[] | undefined;
  /** Names of the default lists let through (never the gateway's own identity headers). */
  readonly keep?: readonly string[] | undefined;
  /** `drop` (default): header names with `_` never reach the upstream; `allow`: they do, unless their `-` twin is stripped. */
  readonly underscores?: 'drop' | 'allow' | undefined;
}

/** The compiled rules the proxy applies to each client header name. */
export interface ClientHeaderRules {
  /** Removed from every request. */
  readonly always: ReadonlySet<string>;
  /** Removed unless the peer is a trusted proxy (every `x-forwarded-*` too). */
  readonly untrusted: ReadonlySet<string>;
  readonly dropUnderscores: boolean;
}

/** The name CGI, WSGI and PHP backends read a header under: `_` and `-` are one character to them. */
export function dashTwin(name: string): string {
  return name.replaceAll('_', '-').toLowerCase();
}

/** Compiles the settings over the default tables. */
export function compileClientHeaderRules(settings: ClientHeaderSettings = {}): ClientHeaderRules {
  const keep = new Set((settings.keep ?? []).map(dashTwin));
  const untrusted = new Set<string>();
  for (const name of [...FOREIGN_IDENTITY_HEADERS, ...CLIENT_ADDRESS_HEADERS])
    if (!keep.has(name)) untrusted.add(name);
  for (const name of settings.strip ?? []) untrusted.add(dashTwin(name));
  return {
    always: new Set(OWN_IDENTITY_HEADERS),
    untrusted,
    dropUnderscores: (settings.underscores ?? 'drop') === 'drop',
  };
}

/** The rules with no settings: what a config without `server.clientHeaders` gets. */
export const DEFAULT_CLIENT_HEADER_RULES: ClientHeaderRules = compileClientHeaderRules();
