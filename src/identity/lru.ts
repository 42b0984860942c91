// A bounded cache with per-entry expiry and least-recently-used eviction, on one Map (insertion order).

/** A bounded LRU cache whose entries also expire at their own instant. */
export interface ExpiringLru<V> {
  /** The value if present and not expired at `now`; a hit refreshes its recency. */
  get(key: string, now: number): V | undefined;
  /** Stores a value until `expiresAt` (ms); evicts the least recently used entry when full. */
  set(key: string, value: V, expiresAt: number): void;
  delete(key: string): void;
  clear(): void;
  readonly size: number;
}

/** Creates a cache holding at most `capacity` entries (≥ 1). */
export function createExpiringLru<V>(capacity: number): ExpiringLru<V> {
  const max = Math.max(1, Math.floor(capacity));
  const entries = new Map<string, { value: V; expiresAt: number }>();
  return {
    get(key, now) {
      const entry = entries.get(key);
      if (entry === undefined) return undefined;
      entries.delete(key);
      if (entry.expiresAt <= now) return undefined;
      entries.set(key, entry);
      return entry.value;
    },
    set(key, value, expiresAt) {
      entries.delete(key);
      if (entries.size >= max) {
        const oldest = entries.keys().next();
        if (oldest.done !== true) entries.delete(oldest.value);
      }
      entries.set(key, { value, expiresAt });
    },
    delete(key) {
      entries.delete(key);
    },
    clear() {
      entries.clear();
    },
    get size() {
      return entries.size;
    },
  };
}
