// Store change notices (PostgreSQL LISTEN/NOTIFY) delivered to policies as if they came over the
// state's pub/sub: a key revoked with `rampart keys revoke --db postgres://…`, or through another
// instance's admin API, reaches every gateway on the database at once, with or without Redis.
import { encodeRevocation, REVOCATION_CHANNEL } from '../identity/revocations.ts';
import { TOKEN_REVOCATION_CHANNEL } from '../identity/token-revocations.ts';
import type { StateStore } from '../state/state.ts';
import type { IdentityStore, StoreChange } from '../store/store.ts';

/** The message a store change becomes on each state channel it concerns (undefined: none). */
const TRANSLATIONS: Readonly<Record<string, (change: StoreChange) => string | undefined>> = {
  [REVOCATION_CHANNEL]: (change) => {
    if (change.kind === 'key' || change.kind === 'signing-key' || change.kind === 'consumer') {
      return encodeRevocation({ kind: change.kind, id: change.id });
    }
    // Notices may have been lost: a consumer notice makes every key cache start afresh.
    return change.kind === 'resync' ? encodeRevocation({ kind: 'consumer', id: '*' }) : undefined;
  },
  [TOKEN_REVOCATION_CHANNEL]: (change) =>
    change.kind === 'token-revocation' ? JSON.stringify(change.revocation) : undefined,
};

/**
 * The state as policies see it when the store announces its changes: every operation is the state's
 * own (through the prototype, so the hot path pays nothing), and `subscribe` also delivers the
 * store's changes on the channels they concern. Without `store.watch`, the state itself.
 */
export function withStoreChanges(state: StateStore, store: IdentityStore | undefined): StateStore {
  const watch = store?.watch?.bind(store);
  if (watch === undefined) return state;
  const view = Object.create(state) as StateStore;
  view.subscribe = (channel, handler) => {
    const stopState = state.subscribe(channel, handler);
    const translate = TRANSLATIONS[channel];
    if (translate === undefined) return stopState;
    const stopStore = watch((change) => {
      const message = translate(change);
      if (message !== undefined) handler(message, channel);
    });
    return () => {
      stopState();
      stopStore();
    };
  };
  return view;
}
