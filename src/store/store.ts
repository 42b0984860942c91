// The durable identity store's interface: consumers and their credentials (hashes only). One shape for
// every backend (node:sqlite, PostgreSQL), asynchronous so a networked backend fits it.

/** Someone who calls the API: a person, an app or a service. */
export interface Consumer {
  readonly id: string;
  /** Unique, human-chosen (`billing-app`). */
  readonly name: string;
  /** Roles and scopes granted, used by `authorize`. */
  readonly roles: readonly string[];
  readonly metadata: Readonly<Record<string, string>>;
  readonly enabled: boolean;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
}

/** An API key as stored: its public id and the SHA-256 of the whole key, never the key. */
export interface ApiKeyRecord {
  /** The non-secret key id embedded in the key (`rmp_live_<id>…`); shown in lists and logs. */
  readonly id: string;
  readonly consumerId: string;
  /** SHA-256 of the full key text (32 bytes). */
  readonly hash: Uint8Array;
  readonly createdAt: number;
  /** After this instant (ms) the key is refused; undefined: no expiry. */
  readonly expiresAt: number | undefined;
  readonly revokedAt: number | undefined;
  /** The key that replaced this one on rotation. */
  readonly replacedBy: string | undefined;
}

/** A Basic-auth password as stored: an scrypt hash string (see src/identity/passwords.ts). */
export interface PasswordRecord {
  readonly username: string;
  readonly consumerId: string;
  readonly hash: string;
  readonly createdAt: number;
}

/** The algorithms of request-signing keys (RFC 9421 §3.3). */
export type SigningAlgorithm = 'hmac-sha256' | 'ed25519';

/**
 * A request-signing key (hmac-signature). An HMAC verifier needs the shared secret itself, so for
 * `hmac-sha256` `material` IS the secret (protect the store file); for `ed25519` it is the public
 * key (SPKI DER), not secret.
 */
export interface SigningKeyRecord {
  /** The `keyid` signers send (`sig_` + 16 base64url characters); not secret. */
  readonly id: string;
  readonly consumerId: string;
  readonly algorithm: SigningAlgorithm;
  readonly material: Uint8Array;
  readonly createdAt: number;
  readonly revokedAt: number | undefined;
}

/**
 * A JWT revocation: one token (`jti`) or every token of a subject issued before `issuedBefore`.
 * Kept until `expiresAt` (past the longest lifetime of the tokens it refuses).
 */
export interface TokenRevocation {
  readonly kind: 'jti' | 'subject';
  /** The `jti`, or the subject as the jwt policy maps it (its `consumerClaim`). */
  readonly value: string;
  /** Subject revocations: tokens with `iat` before this instant (ms) are refused. */
  readonly issuedBefore: number;
  readonly createdAt: number;
  readonly expiresAt: number;
}

/** What creating a consumer takes. */
export interface NewConsumer {
  readonly name: string;
  readonly roles?: readonly string[];
  readonly metadata?: Readonly<Record<string, string>>;
}

/** Changes to a key: expiry (rotation grace), revocation, successor. */
export interface ApiKeyUpdate {
  readonly expiresAt?: number;
  readonly revokedAt?: number;
  readonly replacedBy?: string;
}

/** The store a gateway and the CLI share. Names and ids are matched exactly. */
export interface IdentityStore {
  /** Creates a consumer; rejects with StoreConflictError when the name is taken. */
  createConsumer(consumer: NewConsumer): Promise<Consumer>;
  /** The consumer with this id, or with this name when no id matches. */
  findConsumer(idOrName: string): Promise<Consumer | undefined>;
  listConsumers(): Promise<Consumer[]>;
  /** Enables or disables a consumer; resolves false when it does not exist. */
  setConsumerEnabled(id: string, enabled: boolean): Promise<boolean>;
  setConsumerRoles(id: string, roles: readonly string[]): Promise<boolean>;
  insertApiKey(record: ApiKeyRecord): Promise<void>;
  /** The key by its public id and its consumer, in one lookup (an index hit). */
  findApiKey(id: string): Promise<{ key: ApiKeyRecord; consumer: Consumer } | undefined>;
  /** Keys of one consumer, or of all when `consumerId` is absent; newest first. */
  listApiKeys(consumerId?: string): Promise<ApiKeyRecord[]>;
  updateApiKey(id: string, update: ApiKeyUpdate): Promise<boolean>;
  /** Sets (or replaces) the password of a username bound to a consumer. */
  setPassword(record: PasswordRecord): Promise<void>;
  findPassword(username: string): Promise<{ password: PasswordRecord; consumer: Consumer } | undefined>;
  /** Adds a signing key; rejects with StoreConflictError when the id is taken. */
  insertSigningKey(record: SigningKeyRecord): Promise<void>;
  /** The signing key by its `keyid` and its consumer, in one lookup. */
  findSigningKey(id: string): Promise<{ key: SigningKeyRecord; consumer: Consumer } | undefined>;
  /** Signing keys of one consumer, or of all; newest first. */
  listSigningKeys(consumerId?: string): Promise<SigningKeyRecord[]>;
  /** Marks a signing key revoked at `revokedAt`; resolves false when it does not exist. */
  revokeSigningKey(id: string, revokedAt: number): Promise<boolean>;
  /** Records (or replaces, for the same kind and value) a token revocation; returns its sequence number. */
  insertTokenRevocation(revocation: TokenRevocation): Promise<number>;
  /** Revocations recorded after sequence `after` and still in force at `now`, oldest first. */
  listTokenRevocations(after: number, now: number): Promise<Array<TokenRevocation & { seq: number }>>;
  /**
   * Calls `listener` with every change that can invalidate what an instance caches, made through any
   * instance of this store (this one included), shortly after it is committed; returns the function
   * that stops it. Absent when the backend cannot tell (node:sqlite: other processes write the file).
   */
  watch?(listener: (change: StoreChange) => void): () => void;
  close(): Promise<void>;
}

/**
 * A change announced by `watch`: a key, signing key or consumer was written (created, updated, revoked,
 * disabled), a token revocation was recorded, or `resync`: notices may have been missed (the listening
 * connection was lost), so everything cached from the store should be dropped.
 */
export type StoreChange =
  | { readonly kind: 'key' | 'signing-key' | 'consumer'; readonly id: string }
  | { readonly kind: 'token-revocation'; readonly revocation: TokenRevocation }
  | { readonly kind: 'resync' };

/** A unique name or id is already taken. */
export class StoreConflictError extends Error {
  override readonly name = 'StoreConflictError';
}
