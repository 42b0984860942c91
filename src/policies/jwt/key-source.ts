// Where jwt verification keys come from: static files (PEM or JWK/JWKS), a JWKS URL (jose's remote
// set: cached, refetched on an unknown kid no more often than the cooldown), or OIDC discovery.
import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  type JSONWebKeySet,
  type JWK,
  type JWTVerifyGetKey,
} from 'jose';

/** How the key source is built. */
export interface KeySourceOptions {
  /** Required for discovery. */
  readonly issuer: string | undefined;
  readonly jwksUrl: string | undefined;
  readonly discovery: boolean;
  readonly keyFiles: readonly string[];
  readonly baseDir: string;
  readonly cooldownMs: number;
  readonly maxAgeMs: number;
  readonly timeoutMs: number;
}

const MAX_DISCOVERY_BYTES = 256 * 1024;

function readKeyFile(baseDir: string, file: string): JWK[] {
  const text = readFileSync(resolve(baseDir, file), 'utf8');
  if (text.includes('-----BEGIN')) {
    if (text.includes('PRIVATE KEY')) throw new Error(`${file}: a private key; give the public key only`);
    return [createPublicKey(text).export({ format: 'jwk' }) as JWK];
  }
  const parsed = JSON.parse(text) as JWK | JSONWebKeySet;
  const keys = 'keys' in parsed && Array.isArray(parsed.keys) ? parsed.keys : [parsed as JWK];
  for (const key of keys) {
    if ('d' in key) throw new Error(`${file}: a private JWK; give the public key only`);
    // A symmetric JWK in a public key set could verify nothing here (HS* is bound to `secret`).
    if (key.kty === 'oct') throw new Error(`${file}: a shared-secret (oct) JWK; give it as secret: file:…`);
  }
  return keys;
}

/** Fetches the OIDC discovery document and returns its `jwks_uri` (RFC 8414 §3, OIDC Discovery §4). */
async function discoverJwksUri(issuer: string, timeoutMs: number): Promise<URL> {
  const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
  if (!response.ok) throw new Error(`discovery answered ${response.status}`);
  const text = await response.text();
  if (text.length > MAX_DISCOVERY_BYTES) throw new Error('discovery document too large');
  const document = JSON.parse(text) as { issuer?: unknown; jwks_uri?: unknown };
  // OIDC Discovery §4.3: the issuer in the document must be exactly the one configured.
  if (document.issuer !== issuer) throw new Error('discovery issuer does not match the configured issuer');
  if (typeof document.jwks_uri !== 'string') throw new Error('discovery document has no jwks_uri');
  return new URL(document.jwks_uri);
}

/** Builds the key resolver jose's jwtVerify calls; throws at create on an unreadable key file. */
export function createKeySource(options: KeySourceOptions): JWTVerifyGetKey {
  const remoteOptions = {
    cooldownDuration: options.cooldownMs,
    cacheMaxAge: options.maxAgeMs,
    timeoutDuration: options.timeoutMs,
  };
  const staticKeys = options.keyFiles.flatMap((file) => readKeyFile(options.baseDir, file));
  const local = staticKeys.length > 0 ? createLocalJWKSet({ keys: staticKeys }) : undefined;
  const hasKidless = staticKeys.some((key) => key.kid === undefined);
  let remote: JWTVerifyGetKey | undefined;
  if (options.jwksUrl !== undefined) remote = createRemoteJWKSet(new URL(options.jwksUrl), remoteOptions);
  let discovered: Promise<JWTVerifyGetKey> | undefined;
  let discoveryFailedAt = 0;
  const viaDiscovery = (): Promise<JWTVerifyGetKey> => {
    // A failed discovery is retried, but not more often than the JWKS cooldown.
    if (
      discovered === undefined ||
      (discoveryFailedAt > 0 && Date.now() - discoveryFailedAt >= options.cooldownMs)
    ) {
      discoveryFailedAt = 0;
      discovered = discoverJwksUri(issuer, options.timeoutMs).then(
        (uri) => createRemoteJWKSet(uri, remoteOptions),
        (error: unknown) => {
          discoveryFailedAt = Date.now();
          throw error;
        },
      );
    }
    return discovered;
  };
  if (options.discovery && options.issuer === undefined) throw new Error('discovery needs issuer');
  const issuer = options.issuer ?? '';
  if (local === undefined && remote === undefined && !options.discovery) {
    throw new Error('jwt needs keys: set jwksUrl, discovery: true, keys, or secret');
  }
  return async (header, token) => {
    if (local !== undefined) {
      try {
        return await local(header, token);
      } catch (error) {
        // A static key without a `kid` (a PEM file) serves tokens whatever `kid` they name.
        if (error instanceof errors.JWKSNoMatchingKey && header.kid !== undefined && hasKidless) {
          const { kid: _kid, ...withoutKid } = header;
          try {
            return await local(withoutKid, token);
          } catch {}
        }
        if (!(error instanceof errors.JWKSNoMatchingKey) || (remote === undefined && !options.discovery))
          throw error;
      }
    }
    if (remote !== undefined) return remote(header, token);
    return (await viaDiscovery())(header, token);
  };
}
