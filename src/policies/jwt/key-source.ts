// Where jwt verification keys come from: static files (PEM or JWK/JWKS), a JWKS URL (jose's remote
// set: cached, refetched on an unknown kid no more often than the cooldown), or OIDC discovery.
// Static keys never change while the config lasts, so the key found for an alg and a kid is remembered.
import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  type FlattenedJWSInput,
  type JSONWebKeySet,
  type JWK,
  type JWSHeaderParameters,
  type JWTVerifyGetKey,
} from 'jose';
import type { KnownKey, VerifyKeys } from './fast-verify.ts';

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

// How a kid takes part in selecting a static key: as itself when a static key carries it, else every
// other string (no key carries it), every non-string and no kid at all each select alike.
const OTHER_KID = Symbol('other kid');
const NON_STRING_KID = Symbol('non-string kid');
const NO_KID = Symbol('no kid');

/**
 * The key resolver jose's jwtVerify calls, and the keys it has settled on among static keys (by alg
 * and kid class, so at most algorithms × (kids + 3) entries); throws at create on an unreadable key file.
 */
export function createKeySource(options: KeySourceOptions): Required<VerifyKeys> {
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
  const staticKids = new Set(staticKeys.map((key) => key.kid));
  const kidClass = (kid: unknown): unknown => {
    if (typeof kid === 'string') return staticKids.has(kid) ? kid : OTHER_KID;
    return kid === undefined ? NO_KID : NON_STRING_KID;
  };
  // alg → kid class → what jose's local set resolved to (a pure function of the two): a key, or, when
  // no remote set can be asked instead, that no key matches (so a flood of unknown kids costs a lookup).
  const known = new Map<string, Map<unknown, KnownKey>>();
  const staticOnly = remote === undefined && !options.discovery;
  const remember = (header: JWSHeaderParameters, token: FlattenedJWSInput | undefined, found: KnownKey) => {
    // A flattened JWS's unprotected header takes part in jose's selection: not a pure function then.
    const { alg, kid } = header;
    if (typeof alg !== 'string' || token?.header !== undefined) return;
    const byKid = known.get(alg) ?? new Map<unknown, KnownKey>();
    byKid.set(kidClass(kid), found);
    known.set(alg, byKid);
  };
  const getKey: JWTVerifyGetKey = async (header, token) => {
    if (local !== undefined) {
      try {
        const key = await local(header, token);
        remember(header, token, { key });
        return key;
      } catch (error) {
        // A static key without a `kid` (a PEM file) serves tokens whatever `kid` they name.
        if (error instanceof errors.JWKSNoMatchingKey && header.kid !== undefined && hasKidless) {
          const { kid: _kid, ...withoutKid } = header;
          try {
            const key = await local(withoutKid, token);
            remember(header, token, { key });
            return key;
          } catch {}
        }
        if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
        if (staticOnly) {
          remember(header, token, { refusal: error });
          throw error;
        }
      }
    }
    if (remote !== undefined) return remote(header, token);
    return (await viaDiscovery())(header, token);
  };
  return { getKey, knownKey: (alg, kid) => known.get(alg)?.get(kidClass(kid)) };
}
