// An identity store that records every change it makes in the audit trail: what `rampart consumers`,
// `keys` and `tokens` change from a shell is an admin change like one made through the admin API.
// Records name consumers, key ids, usernames and algorithms; never a hash, a secret or key material.
import type { IdentityStore } from '../store/store.ts';
import type { AuditDetails, AuditEntry } from './record.ts';

/** Wraps `store`: each change that succeeds is recorded with `actor` (e.g. `cli:alice`). */
export function auditedStore(
  store: IdentityStore,
  record: (entry: AuditEntry) => void,
  actor: string,
): IdentityStore {
  const note = (action: string, target: AuditDetails, details?: AuditDetails) =>
    record({
      kind: 'admin',
      action,
      actor,
      outcome: 'success',
      target,
      ...(details === undefined ? {} : { details }),
    });
  return {
    // Reads pass through (written out: a class-based store's methods are not own properties).
    findConsumer: (idOrName) => store.findConsumer(idOrName),
    listConsumers: () => store.listConsumers(),
    findApiKey: (id) => store.findApiKey(id),
    listApiKeys: (consumerId) => store.listApiKeys(consumerId),
    findPassword: (username) => store.findPassword(username),
    findSigningKey: (id) => store.findSigningKey(id),
    listSigningKeys: (consumerId) => store.listSigningKeys(consumerId),
    listTokenRevocations: (after, now) => store.listTokenRevocations(after, now),
    close: () => store.close(),
    async createConsumer(input) {
      const consumer = await store.createConsumer(input);
      note(
        'consumer.create',
        { consumerId: consumer.id },
        { consumer: consumer.name, roles: consumer.roles },
      );
      return consumer;
    },
    async setConsumerEnabled(id, enabled) {
      const changed = await store.setConsumerEnabled(id, enabled);
      if (changed) note(enabled ? 'consumer.enable' : 'consumer.disable', { consumerId: id });
      return changed;
    },
    async setConsumerRoles(id, roles) {
      const changed = await store.setConsumerRoles(id, roles);
      if (changed) note('consumer.roles', { consumerId: id }, { roles });
      return changed;
    },
    async insertApiKey(key) {
      await store.insertApiKey(key);
      note('api-key.create', { keyId: key.id, consumerId: key.consumerId }, { expiresAt: key.expiresAt });
    },
    async updateApiKey(id, update) {
      const changed = await store.updateApiKey(id, update);
      if (changed) {
        note(
          'api-key.update',
          { keyId: id },
          {
            expiresAt: update.expiresAt,
            revokedAt: update.revokedAt,
            replacedById: update.replacedBy,
          },
        );
      }
      return changed;
    },
    async setPassword(password) {
      await store.setPassword(password);
      note('password.set', { consumerId: password.consumerId }, { username: password.username });
    },
    async insertSigningKey(key) {
      await store.insertSigningKey(key);
      note('signing-key.create', { keyId: key.id, consumerId: key.consumerId }, { algorithm: key.algorithm });
    },
    async revokeSigningKey(id, revokedAt) {
      const changed = await store.revokeSigningKey(id, revokedAt);
      if (changed) note('signing-key.revoke', { keyId: id });
      return changed;
    },
    async insertTokenRevocation(revocation) {
      const seq = await store.insertTokenRevocation(revocation);
      note(
        'token.revoke',
        { kind: revocation.kind, value: revocation.value },
        { issuedBefore: revocation.issuedBefore, expiresAt: revocation.expiresAt },
      );
      return seq;
    },
  };
}
