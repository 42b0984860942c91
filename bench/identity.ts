// Credentials for the identity benchmarks: a fixed API key stored (as its hash) in a store file the
// api-key target uses, and an ES256 key pair whose public half the jwt targets verify a token with.
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { API_KEY_PREFIX, hashApiKey } from '../src/identity/api-key-token.ts';
import { createSqliteStore } from '../src/store/sqlite-store.ts';

/** The API key every authenticated bench request carries (bench only, never a real key). */
export const BENCH_API_KEY = `${API_KEY_PREFIX}bench0000key${'BENCH-ONLY-'.padEnd(43, '0')}`;
export const BENCH_ISSUER = 'https://idp.bench.example';
export const BENCH_AUDIENCE = 'bench-api';

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

/** An ES256 token valid for a day, signed once per bench run. */
export const BENCH_JWT = await new SignJWT({ scope: 'bench:read bench:write' })
  .setProtectedHeader({ alg: 'ES256', kid: 'bench' })
  .setSubject('bench-client')
  .setIssuer(BENCH_ISSUER)
  .setAudience(BENCH_AUDIENCE)
  .setIssuedAt()
  .setExpirationTime('1d')
  .sign(privateKey);

/** Writes the store (one consumer, the bench key) into `dir`; returns the config's `store` section. */
export async function writeBenchStore(dir: string): Promise<{ sqlite: string }> {
  const path = join(dir, `identity-${process.pid}-${Date.now()}.db`);
  const store = createSqliteStore(path);
  const consumer = await store.createConsumer({ name: 'bench', roles: ['bench'] });
  await store.insertApiKey({
    id: BENCH_API_KEY.slice(API_KEY_PREFIX.length, API_KEY_PREFIX.length + 12),
    consumerId: consumer.id,
    hash: hashApiKey(BENCH_API_KEY),
    createdAt: Date.now(),
    expiresAt: undefined,
    revokedAt: undefined,
    replacedBy: undefined,
  });
  await store.close();
  return { sqlite: path };
}

/** Writes the jwt targets' public key file into `dir`; returns its path. */
export function writeBenchJwtKey(dir: string): string {
  const path = join(dir, 'bench-jwt-public.pem');
  writeFileSync(path, publicKey.export({ type: 'spki', format: 'pem' }));
  return path;
}
