// The demo identities `rampart start` seeds into the in-memory store of the embedded defaults: two
// consumers of the demo API with fixed, published keys so the README walkthrough works as written.
// Demo only: these keys are public knowledge and never seeded into a configured store.
import type { ApiKeyRecord, IdentityStore } from '../store/store.ts';
import { API_KEY_PREFIX, hashApiKey } from './api-key-token.ts';

function demoKey(id: string, name: string): string {
  return `${API_KEY_PREFIX}${id}${`DEMO-ONLY-${name}-`.padEnd(43, '0')}`;
}

/** The demo consumers: alice is the demo API's admin (user 1), bob a customer (user 2). */
export const DEMO_IDENTITIES = [
  { name: 'alice', roles: ['admin'], userId: '1', key: demoKey('demo00alice0', 'alice') },
  { name: 'bob', roles: ['user'], userId: '2', key: demoKey('demo00bob000', 'bob') },
] as const;

/** Creates the demo consumers and their keys in `store` (an in-memory store of the demo). */
export async function seedDemoIdentities(store: IdentityStore, now: number): Promise<void> {
  for (const demo of DEMO_IDENTITIES) {
    const consumer = await store.createConsumer({
      name: demo.name,
      roles: [...demo.roles],
      metadata: { userId: demo.userId },
    });
    const record: ApiKeyRecord = {
      id: demo.key.slice(API_KEY_PREFIX.length, API_KEY_PREFIX.length + 12),
      consumerId: consumer.id,
      hash: hashApiKey(demo.key),
      createdAt: now,
      expiresAt: undefined,
      revokedAt: undefined,
      replacedBy: undefined,
    };
    await store.insertApiKey(record);
  }
}
