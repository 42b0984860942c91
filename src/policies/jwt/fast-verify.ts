// A synchronous JWS check on node:crypto for the common case (compact JWT, allow-listed alg, one key:
// a public key, or an HMAC secret for HS*), with jose's error classes so the policy maps failures the same way. Node's one-shot
// `verify` costs about 60 % of jose's WebCrypto path, which matters when every request brings a new
// token. Anything unusual (`crit`, `b64`, several candidate keys) returns undefined: jose decides.
import { constants, createHmac, KeyObject, timingSafeEqual, verify } from 'node:crypto';
import { errors, type JWSHeaderParameters, type JWTPayload, type JWTVerifyGetKey } from 'jose';

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

const KEY_OBJECTS = new WeakMap<object, KeyObject>();
const CURVES: Record<string, string> = { ES256: 'prime256v1', ES384: 'secp384r1', ES512: 'secp521r1' };
const HASHES: Record<string, string> = { '256': 'sha256', '384': 'sha384', '512': 'sha512' };

function toKeyObject(key: unknown): KeyObject | undefined {
  if (key instanceof KeyObject) return key;
  if (key === null || typeof key !== 'object' || !('algorithm' in key)) return undefined;
  let cached = KEY_OBJECTS.get(key);
  if (cached === undefined) {
    cached = KeyObject.from(key as Parameters<typeof KeyObject.from>[0]);
    KEY_OBJECTS.set(key, cached);
  }
  return cached;
}

function isBase64Url(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45 || c === 95))
      return false;
  }
  return true;
}

function json(part: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `signature` over `data` verifies with `key` for `alg`; false on a key that does not fit. */
function checkSignature(alg: string, key: KeyObject, data: Buffer, signature: Buffer): boolean {
  const type = key.asymmetricKeyType;
  try {
    if (alg.startsWith('HS')) {
      // RFC 7518 §3.2; the binding at load guarantees a secret only ever meets HS* algorithms.
      if (key.type !== 'secret') return false;
      const expected = createHmac(HASHES[alg.slice(2)]!, key).update(data).digest();
      return expected.length === signature.length && timingSafeEqual(expected, signature);
    }
    if (alg.startsWith('ES')) {
      if (type !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== CURVES[alg]) return false;
      return verify(HASHES[alg.slice(2)]!, data, { key, dsaEncoding: 'ieee-p1363' }, signature);
    }
    if (alg.startsWith('RS') || alg.startsWith('PS')) {
      if ((type !== 'rsa' && type !== 'rsa-pss') || (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048)
        return false;
      const hash = HASHES[alg.slice(2)]!;
      if (alg.startsWith('RS')) return verify(hash, data, key, signature);
      return verify(
        hash,
        data,
        { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: Number(alg.slice(2)) / 8 },
        signature,
      );
    }
    if (alg === 'EdDSA' || alg === 'Ed25519') return type === 'ed25519' && verify(null, data, key, signature);
  } catch {
    return false;
  }
  return false;
}

function checkClaims(payload: JWTPayload, rules: ClaimRules, nowSec: number): void {
  const fail = (message: string, claim: string, reason = 'check_failed') =>
    new errors.JWTClaimValidationFailed(message, payload, claim, reason);
  if (rules.issuer !== undefined && payload.iss !== rules.issuer)
    throw fail('unexpected "iss" claim value', 'iss');
  const aud = payload.aud;
  const audiences = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
  const accepted = rules.audience;
  if (accepted !== undefined && !audiences.some((value) => accepted.includes(value)))
    throw fail('unexpected "aud" claim value', 'aud');
  const tolerance = rules.toleranceSec;
  for (const claim of ['iat', 'nbf', 'exp'] as const) {
    const value = payload[claim];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) {
      throw fail(`"${claim}" claim must be a number`, claim, 'invalid');
    }
  }
  if (rules.requireExp && payload.exp === undefined)
    throw fail('missing required "exp" claim', 'exp', 'missing');
  if (payload.nbf !== undefined && payload.nbf > nowSec + tolerance)
    throw fail('"nbf" claim timestamp check failed', 'nbf');
  if (payload.exp !== undefined && payload.exp <= nowSec - tolerance) {
    throw new errors.JWTExpired('"exp" claim timestamp check failed', payload, 'exp', 'check_failed');
  }
  if (rules.maxTokenAgeSec !== undefined) {
    if (payload.iat === undefined) throw fail('missing required "iat" claim', 'iat', 'missing');
    const age = nowSec - payload.iat;
    if (age < -tolerance) throw fail('"iat" claim timestamp check failed (in the future)', 'iat');
    // jose reports a token past maxTokenAge as expired (on `iat`); keep its classification.
    if (age - tolerance > rules.maxTokenAgeSec) {
      throw new errors.JWTExpired(
        '"iat" claim timestamp check failed (too old)',
        payload,
        'iat',
        'check_failed',
      );
    }
  }
}

/**
 * Verifies a compact JWT; resolves to its payload and header, rejects with a jose error, or resolves
 * to undefined when the token needs jose's general path.
 */
export async function fastVerify(
  token: string,
  getKey: JWTVerifyGetKey,
  rules: ClaimRules,
  nowMs: number,
): Promise<{ payload: JWTPayload; header: JWSHeaderParameters } | undefined> {
  const first = token.indexOf('.');
  const second = token.indexOf('.', first + 1);
  if (first <= 0 || second <= first + 1 || token.indexOf('.', second + 1) !== -1) {
    throw new errors.JWSInvalid('Invalid Compact JWS');
  }
  if (!isBase64Url(token)) {
    // The dots were found above; any other character outside base64url makes the token invalid.
    if (!isBase64Url(token.replaceAll('.', ''))) throw new errors.JWSInvalid('Invalid Compact JWS');
  }
  const header = json(token.slice(0, first));
  if (header === undefined) throw new errors.JWSInvalid('Invalid JWS Protected Header');
  if ('crit' in header || 'b64' in header) return undefined;
  const alg = header.alg;
  if (typeof alg !== 'string' || !rules.algorithms.has(alg)) {
    throw new errors.JOSEAlgNotAllowed('"alg" (Algorithm) Header Parameter value not allowed');
  }
  let resolved: unknown;
  try {
    resolved = await getKey(header as JWSHeaderParameters & { alg: string }, {
      payload: token.slice(first + 1, second),
      signature: token.slice(second + 1),
    });
  } catch (error) {
    if (error instanceof errors.JWKSMultipleMatchingKeys) return undefined;
    throw error;
  }
  const key = toKeyObject(resolved);
  if (key === undefined) return undefined;
  const signaturePart = token.slice(second + 1);
  // A base64url text of length 4n+1 decodes to nothing whole: jose refuses it as malformed.
  if (signaturePart.length % 4 === 1) throw new errors.JWSInvalid('Failed to base64url decode the signature');
  const signature = Buffer.from(signaturePart, 'base64url');
  if (!checkSignature(alg, key, Buffer.from(token.slice(0, second), 'ascii'), signature)) {
    throw new errors.JWSSignatureVerificationFailed();
  }
  const payload = json(token.slice(first + 1, second));
  if (payload === undefined) throw new errors.JWTInvalid('JWT Claims Set must be a top-level JSON object');
  checkClaims(payload as JWTPayload, rules, Math.floor(nowMs / 1000));
  return { payload: payload as JWTPayload, header: header as JWSHeaderParameters };
}
