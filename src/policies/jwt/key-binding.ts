// Binds a jwt block's algorithms to its kind of key, at load: a shared secret verifies HS* only, public
// keys (files, JWKS, discovery) asymmetric algorithms only, never both in one block. So a token can
// never choose how it is verified (RFC 8725 §3.1: alg confusion), and `none` is never possible.
import { createSecretKey, type KeyObject } from 'node:crypto';
import { secretWeakness } from '../../identity/weak-secrets.ts';
import { resolveSecretSync } from '../../lib/secrets.ts';
import { HMAC_ALGORITHMS, type JwtConfig } from './config.ts';

const HMAC: ReadonlySet<string> = new Set(HMAC_ALGORITHMS);
const DEFAULT_ASYMMETRIC = ['ES256', 'RS256', 'EdDSA'] as const;

/** What verifies this block's tokens. */
export type KeyBinding =
  | { readonly kind: 'secret'; readonly algorithms: readonly string[]; readonly key: KeyObject }
  | { readonly kind: 'public'; readonly algorithms: readonly string[] };

/** The parts of a jwt block the binding reads (also what `rampart check` hands in). */
export type KeyBindingConfig = Pick<
  JwtConfig,
  'secret' | 'allowWeakSecret' | 'algorithms' | 'keys' | 'jwksUrl' | 'discovery'
>;

/**
 * Checks the block and returns its binding; throws (a load error naming no secret) on a mix of
 * secret and keys, an algorithm of the other kind, or a weak secret without `allowWeakSecret`.
 */
export function bindKeys(config: KeyBindingConfig, baseDir: string): KeyBinding {
  if (config.secret === undefined) {
    const algorithms = config.algorithms ?? DEFAULT_ASYMMETRIC;
    const hmac = algorithms.filter((alg) => HMAC.has(alg));
    if (hmac.length > 0) {
      throw new Error(
        `algorithms: ${hmac.join(', ')} need a shared secret (secret: env:NAME), not public keys`,
      );
    }
    return { kind: 'public', algorithms };
  }
  if (config.keys.length > 0 || config.jwksUrl !== undefined || config.discovery) {
    throw new Error(
      'secret: a shared secret cannot be combined with keys, jwksUrl or discovery (one kind of key per ' +
        'jwt block, so a public key can never verify an HMAC token)',
    );
  }
  const algorithms = config.algorithms ?? ['HS256'];
  const asymmetric = algorithms.filter((alg) => !HMAC.has(alg));
  if (asymmetric.length > 0) {
    throw new Error(
      `algorithms: ${asymmetric.join(', ')} cannot be verified with a shared secret (HS* only)`,
    );
  }
  const value = resolveSecretSync(config.secret, baseDir);
  const weakness = secretWeakness(value);
  if (weakness !== undefined && !config.allowWeakSecret) {
    throw new Error(
      `secret: the shared secret is weak (${weakness}); anyone who guesses it can forge tokens. Use 32+ ` +
        'random bytes (openssl rand -base64 48), or set allowWeakSecret: true to accept the risk',
    );
  }
  return { kind: 'secret', algorithms, key: createSecretKey(Buffer.from(value, 'utf8')) };
}

/** A `rampart check` finding about a jwt block's secret. */
export interface WeakSecretFinding {
  readonly severity: 'high';
  readonly reason: string;
}

/**
 * For `rampart check`: whether a jwt block's secret is weak (accepted only with `allowWeakSecret`).
 * `resolve` returns a secret reference's value (the loader's resolved secrets), or undefined.
 */
export function weakJwtSecret(
  block: { readonly secret?: string | undefined },
  resolve: (ref: string) => string | undefined,
): WeakSecretFinding | undefined {
  if (block.secret === undefined) return undefined;
  const value = resolve(block.secret);
  if (value === undefined) return undefined;
  const weakness = secretWeakness(value);
  if (weakness === undefined) return undefined;
  return {
    severity: 'high',
    reason: `jwt secret ${block.secret} is weak (${weakness}): tokens can be forged by guessing it`,
  };
}

/** The parts of a config `weakJwtSecrets` reads (structural, so policies need not import config/). */
export interface PolicyBlocksOf {
  readonly defaults?: { readonly policies?: Readonly<Record<string, unknown>> | undefined } | undefined;
  readonly routes: ReadonlyArray<{
    readonly name?: string;
    readonly policies?: Readonly<Record<string, unknown>> | undefined;
  }>;
}

/**
 * Every jwt block of a config whose secret is weak, with its config path (`routes[2].policies.jwt`):
 * what `rampart check` reports as high. `secrets` maps a reference to its resolved value.
 */
export function weakJwtSecrets(
  config: PolicyBlocksOf,
  secrets: ReadonlyMap<string, string>,
): Array<WeakSecretFinding & { readonly path: string }> {
  const found: Array<WeakSecretFinding & { readonly path: string }> = [];
  const resolve = (ref: string) => secrets.get(ref);
  const check = (block: unknown, path: string) => {
    if (block === null || typeof block !== 'object') return;
    const finding = weakJwtSecret(block as { secret?: string }, resolve);
    if (finding !== undefined) found.push({ ...finding, path });
  };
  check(config.defaults?.policies?.jwt, 'defaults.policies.jwt');
  for (const [index, route] of config.routes.entries())
    check(route.policies?.jwt, `routes[${index}].policies.jwt`);
  return found;
}
