// A JWS check on node:crypto for the common case (compact JWT, allow-listed alg, one key: a public key,
// or an HMAC secret for HS*), with jose's error classes, raised in jose's order, so the policy maps
// failures the same way. Synchronous when the key is known: a new token costs the signature check, a
// base64url decode and a JSON parse of its payload. Anything unusual (`crit`, `b64`, several candidate
// keys, an algorithm without a node:crypto mapping) returns undefined: jose decides. Deliberately
// stricter than jose (fast-verify.fuzz.test.ts checks both, and agreement everywhere else): a segment
// with a character outside the base64url alphabet (padding, whitespace) is malformed (RFC 7515 §2,
// §7.1), and a time claim that is not a finite number (`1e400`) is invalid (RFC 7519 §2 NumericDate).
import { constants, createHmac, KeyObject, timingSafeEqual, verify } from 'node:crypto';
import { errors, type JWSHeaderParameters, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { derFromP1363 } from './ecdsa-signature.ts';

/** What a token must satisfy (RFC 7519 §4.1, with jose's semantics). */
export interface ClaimRules {
  /** Checked when set. */
  readonly issuer: string | undefined;
  /** Checked when set. */
  readonly audience: readonly string[] | undefined;
  readonly algorithms: ReadonlySet<string>;
  readonly toleranceSec: number;
  readonly maxTokenAgeSec: number | undefined;
  readonly requireExp: boolean;
}

/** What `getKey` settled on before for an alg and kid, when that cannot change: a key, or an error. */
export type KnownKey = { readonly key: unknown } | { readonly refusal: Error };

/** Where the verification keys come from. */
export interface VerifyKeys {
  /** jose's resolver (may wait for a JWKS). */
  readonly getKey: JWTVerifyGetKey;
  /** What `getKey` would answer for this alg and kid, when known for good; else undefined. */
  readonly knownKey?: ((alg: string, kid: unknown) => KnownKey | undefined) | undefined;
}

/** A verified token. */
export interface FastVerified {
  readonly payload: JWTPayload;
  readonly header: JWSHeaderParameters;
}

/** undefined: the token needs jose's general path. */
export type FastOutcome = FastVerified | undefined;

type Family = 'hmac' | 'ecdsa' | 'rsa' | 'pss' | 'eddsa';
interface AlgSpec {
  readonly family: Family;
  readonly hash: string | null;
  /** ECDSA: the named curve and the byte length of r and s (RFC 7518 §3.4). */
  readonly curve?: string;
  readonly size?: number;
}

// RFC 7518 §3.1 (and RFC 8037 §3.1 / RFC 9864 for EdDSA / Ed25519).
const ALGORITHMS: ReadonlyMap<string, AlgSpec> = new Map<string, AlgSpec>([
  ['HS256', { family: 'hmac', hash: 'sha256' }],
  ['HS384', { family: 'hmac', hash: 'sha384' }],
  ['HS512', { family: 'hmac', hash: 'sha512' }],
  ['ES256', { family: 'ecdsa', hash: 'sha256', curve: 'prime256v1', size: 32 }],
  ['ES384', { family: 'ecdsa', hash: 'sha384', curve: 'secp384r1', size: 48 }],
  ['ES512', { family: 'ecdsa', hash: 'sha512', curve: 'secp521r1', size: 66 }],
  ['RS256', { family: 'rsa', hash: 'sha256' }],
  ['RS384', { family: 'rsa', hash: 'sha384' }],
  ['RS512', { family: 'rsa', hash: 'sha512' }],
  ['PS256', { family: 'pss', hash: 'sha256' }],
  ['PS384', { family: 'pss', hash: 'sha384' }],
  ['PS512', { family: 'pss', hash: 'sha512' }],
  ['EdDSA', { family: 'eddsa', hash: null }],
  ['Ed25519', { family: 'eddsa', hash: null }],
]);
// RFC 7518 §3.5: PSS with the salt as long as the hash.
const SALT_LENGTHS: Readonly<Record<string, number>> = { sha256: 32, sha384: 48, sha512: 64 };
const MIN_RSA_BITS = 2048;

/** A key with what the algorithm checks read, computed once (each KeyObject getter crosses into C++). */
interface PreparedKey {
  readonly key: KeyObject;
  readonly type: string;
  readonly curve: string | undefined;
  readonly modulusLength: number;
}

const PREPARED = new WeakMap<object, PreparedKey>();

function prepared(resolved: unknown): PreparedKey | undefined {
  if (resolved === null || typeof resolved !== 'object') return undefined;
  const known = PREPARED.get(resolved);
  if (known !== undefined) return known;
  let key: KeyObject;
  if (resolved instanceof KeyObject) key = resolved;
  else if ('algorithm' in resolved) key = KeyObject.from(resolved as Parameters<typeof KeyObject.from>[0]);
  else return undefined;
  const details = key.type === 'secret' ? undefined : key.asymmetricKeyDetails;
  const entry: PreparedKey = {
    key,
    type: key.type === 'secret' ? 'secret' : (key.asymmetricKeyType ?? ''),
    curve: details?.namedCurve,
    modulusLength: details?.modulusLength ?? 0,
  };
  PREPARED.set(resolved, entry);
  return entry;
}

/** Whether every character of `token` but the two dots is in the base64url alphabet (RFC 4648 §5). */
function isCanonical(token: string, first: number, second: number): boolean {
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45 || c === 95)) {
      if (i !== first && i !== second) return false;
    }
  }
  return true;
}

// jose decodes JSON members with a fatal UTF-8 decoder that drops a leading BOM: so do we.
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** A base64url JSON object, or undefined (a length of 4n+1 decodes to nothing whole). */
function decodeObject(part: string): Record<string, unknown> | undefined {
  if (part.length % 4 === 1) return undefined;
  try {
    const value = JSON.parse(UTF8.decode(Buffer.from(part, 'base64url'))) as unknown;
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

// Protected headers of tokens that verified, by their encoded form: an issuer's tokens share a handful.
// Filled only after a signature check, so a forger cannot fill it; bounded.
const HEADERS = new Map<string, Readonly<Record<string, unknown>>>();
const MAX_HEADERS = 64;

/** Whether `signature` over `data` verifies with `prepared` for `spec`; false on a key that does not fit. */
function checkSignature(spec: AlgSpec, prepared: PreparedKey, data: Buffer, signature: Buffer): boolean {
  const { key, type } = prepared;
  try {
    switch (spec.family) {
      case 'hmac': {
        // RFC 7518 §3.2; the binding at load guarantees a secret only ever meets HS* algorithms.
        if (type !== 'secret') return false;
        const expected = createHmac(spec.hash!, key).update(data).digest();
        return expected.length === signature.length && timingSafeEqual(expected, signature);
      }
      case 'ecdsa': {
        if (type !== 'ec' || prepared.curve !== spec.curve) return false;
        // A KeyObject and a DER signature take node:crypto's shortest path (an options object with
        // dsaEncoding: 'ieee-p1363' costs about a third more per check).
        const der = derFromP1363(signature, spec.size!);
        return der !== undefined && verify(spec.hash, data, key, der);
      }
      case 'rsa':
        if (type !== 'rsa' || prepared.modulusLength < MIN_RSA_BITS) return false;
        return verify(spec.hash, data, key, signature);
      case 'pss':
        if ((type !== 'rsa' && type !== 'rsa-pss') || prepared.modulusLength < MIN_RSA_BITS) return false;
        return verify(
          spec.hash,
          data,
          { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: SALT_LENGTHS[spec.hash!]! },
          signature,
        );
      case 'eddsa':
        return type === 'ed25519' && verify(null, data, key, signature);
    }
  } catch {
    return false;
  }
}

const failed = (payload: JWTPayload, claim: string, reason: string, message: string) =>
  new errors.JWTClaimValidationFailed(message, payload, claim, reason);

/** A time claim: absent (undefined), or a number; jose refuses any other type as invalid. */
function numericDate(payload: JWTPayload, claim: 'iat' | 'nbf' | 'exp'): number | undefined {
  const value = payload[claim];
  if (value === undefined || typeof value === 'number') return value;
  throw failed(payload, claim, 'invalid', `"${claim}" claim must be a number`);
}

/**
 * Stricter than jose: a time claim that is a number must be finite (`"exp": 1e400` parses to Infinity,
 * a token that never expires). For what jose verified too, so both paths refuse alike.
 */
export function checkFiniteTimes(payload: JWTPayload): void {
  for (const claim of TIME_CLAIMS) {
    const value = payload[claim];
    if (typeof value === 'number' && !Number.isFinite(value))
      throw failed(payload, claim, 'invalid', `"${claim}" claim must be a finite number`);
  }
}
const TIME_CLAIMS = ['iat', 'nbf', 'exp'] as const;

/** The claim checks of jose's validateClaimsSet, in its order (so a token fails on the same claim). */
function checkClaims(payload: JWTPayload, rules: ClaimRules, now: number): void {
  const { issuer, audience, maxTokenAgeSec, toleranceSec: tolerance } = rules;
  const missing = (claim: string) => failed(payload, claim, 'missing', `missing required "${claim}" claim`);
  if (issuer !== undefined && !Object.hasOwn(payload, 'iss')) throw missing('iss');
  if (audience !== undefined && !Object.hasOwn(payload, 'aud')) throw missing('aud');
  if (maxTokenAgeSec !== undefined && !Object.hasOwn(payload, 'iat')) throw missing('iat');
  if (rules.requireExp && !Object.hasOwn(payload, 'exp')) throw missing('exp');
  if (issuer !== undefined && payload.iss !== issuer)
    throw failed(payload, 'iss', 'check_failed', 'unexpected "iss" claim value');
  if (audience !== undefined) {
    const aud = payload.aud;
    const present =
      typeof aud === 'string'
        ? audience.includes(aud)
        : Array.isArray(aud) && audience.some((value) => aud.includes(value));
    if (!present) throw failed(payload, 'aud', 'check_failed', 'unexpected "aud" claim value');
  }
  const iat = numericDate(payload, 'iat');
  const nbf = numericDate(payload, 'nbf');
  if (nbf !== undefined && nbf > now + tolerance)
    throw failed(payload, 'nbf', 'check_failed', '"nbf" claim timestamp check failed');
  const exp = numericDate(payload, 'exp');
  if (exp !== undefined && exp <= now - tolerance)
    throw new errors.JWTExpired('"exp" claim timestamp check failed', payload, 'exp', 'check_failed');
  if (maxTokenAgeSec !== undefined) {
    const age = now - iat!;
    // jose reports a token past maxTokenAge as expired (on `iat`); keep its classification.
    if (age - tolerance > maxTokenAgeSec) {
      throw new errors.JWTExpired(
        '"iat" claim timestamp check failed (too old)',
        payload,
        'iat',
        'check_failed',
      );
    }
    if (age < -tolerance) throw failed(payload, 'iat', 'check_failed', '"iat" claim timestamp in the future');
  }
  checkFiniteTimes(payload);
}

/** What the signature step needs; the header part is parsed already. */
interface Parsed {
  readonly token: string;
  readonly first: number;
  readonly second: number;
  readonly header: Readonly<Record<string, unknown>>;
  readonly spec: AlgSpec;
}

/** Signature, then payload, then claims (jose's order); throws jose's errors. */
function finish(parsed: Parsed, resolved: unknown, rules: ClaimRules, nowMs: number): FastOutcome {
  const key = prepared(resolved);
  if (key === undefined) return undefined;
  const { token, first, second } = parsed;
  const signaturePart = token.slice(second + 1);
  if (signaturePart.length % 4 === 1) throw new errors.JWSInvalid('Failed to base64url decode the signature');
  const signature = Buffer.from(signaturePart, 'base64url');
  // The token is base64url and dots only (checked): latin1 is its ASCII.
  const data = Buffer.from(token.slice(0, second), 'latin1');
  if (!checkSignature(parsed.spec, key, data, signature)) throw new errors.JWSSignatureVerificationFailed();
  const payloadPart = token.slice(first + 1, second);
  if (payloadPart.length % 4 === 1) throw new errors.JWSInvalid('Failed to base64url decode the payload');
  const payload = decodeObject(payloadPart);
  if (payload === undefined) throw new errors.JWTInvalid('JWT Claims Set must be a top-level JSON object');
  checkClaims(payload as JWTPayload, rules, Math.floor(nowMs / 1000));
  const headerPart = token.slice(0, first);
  if (!HEADERS.has(headerPart)) {
    // Started afresh when full: keys rotate, and today's headers should be the ones remembered.
    if (HEADERS.size >= MAX_HEADERS) HEADERS.clear();
    HEADERS.set(headerPart, Object.freeze(parsed.header));
  }
  return { payload: payload as JWTPayload, header: parsed.header as JWSHeaderParameters };
}

async function resolveThenFinish(
  parsed: Parsed,
  keys: VerifyKeys,
  rules: ClaimRules,
  nowMs: number,
): Promise<FastOutcome> {
  const { token, first, second } = parsed;
  let resolved: unknown;
  try {
    resolved = await keys.getKey(parsed.header as JWSHeaderParameters & { alg: string }, {
      payload: token.slice(first + 1, second),
      signature: token.slice(second + 1),
    });
  } catch (error) {
    if (error instanceof errors.JWKSMultipleMatchingKeys) return undefined;
    throw error;
  }
  return finish(parsed, resolved, rules, nowMs);
}

/**
 * Verifies a compact JWT: its payload and header, a jose error thrown (or the promise rejected with
 * one), or undefined when the token needs jose's general path. Synchronous when `keys.knownKey` knows
 * the key.
 */
export function fastVerify(
  token: string,
  keys: VerifyKeys,
  rules: ClaimRules,
  nowMs: number,
): FastOutcome | Promise<FastOutcome> {
  const first = token.indexOf('.');
  const second = first === -1 ? -1 : token.indexOf('.', first + 1);
  if (second === -1 || token.indexOf('.', second + 1) !== -1)
    throw new errors.JWSInvalid('Invalid Compact JWS');
  if (!isCanonical(token, first, second)) throw new errors.JWSInvalid('Invalid Compact JWS');
  const headerPart = token.slice(0, first);
  let header = HEADERS.get(headerPart);
  if (header === undefined) {
    header = decodeObject(headerPart);
    if (header === undefined) throw new errors.JWSInvalid('JWS Protected Header is invalid');
    if (Object.hasOwn(header, 'crit') || Object.hasOwn(header, 'b64')) return undefined;
  }
  const alg = header.alg;
  if (typeof alg !== 'string' || alg === '') {
    throw new errors.JWSInvalid('JWS "alg" (Algorithm) Header Parameter missing or invalid');
  }
  if (!rules.algorithms.has(alg)) {
    throw new errors.JOSEAlgNotAllowed('"alg" (Algorithm) Header Parameter value not allowed');
  }
  const spec = ALGORITHMS.get(alg);
  if (spec === undefined) return undefined;
  const parsed: Parsed = { token, first, second, header, spec };
  const known = keys.knownKey?.(alg, header.kid);
  if (known !== undefined) {
    if ('refusal' in known) throw known.refusal;
    return finish(parsed, known.key, rules, nowMs);
  }
  return resolveThenFinish(parsed, keys, rules, nowMs);
}
