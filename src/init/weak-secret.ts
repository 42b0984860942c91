// Whether a shared signing secret can be guessed: shorter than 32 bytes (RFC 7518 §3.2 asks for a key
// at least as long as the hash, 256 bits for HS256), or one of the values people leave in place.
const MIN_SECRET_BYTES = 32;

const COMMON = new Set([
  'secret',
  'random',
  'changeme',
  'change-me',
  'password',
  'jwt',
  'jwtsecret',
  'jwt_secret',
  'jwt-secret',
  'secretkey',
  'secret_key',
  'secret-key',
  'mysecret',
  'my_secret',
  'supersecret',
  'your-256-bit-secret',
  'your_jwt_secret',
  'default',
  'key',
  'token',
  'test',
  'development',
  'dev',
  'qwerty',
  'letmein',
]);

/** True when `secret` is short or a well-known default. */
export function isWeakSecret(secret: string): boolean {
  if (Buffer.byteLength(secret) < MIN_SECRET_BYTES) return true;
  return COMMON.has(secret.toLowerCase());
}
