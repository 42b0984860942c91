// The durable identity store's interface: consumers and their credentials (hashes only). One shape for
// every backend (node:sqlite now, PostgreSQL later), asynchronous so a networked backend fits it.

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
  close(): Promise<void>;
}

/** A unique name or id is already taken. */
export class StoreConflictError extends Error {
  override readonly name = 'StoreConflictError';
}
