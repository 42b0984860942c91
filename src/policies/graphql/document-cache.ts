// A least-recently-used cache bounded by entries and by the bytes of the texts it keeps, so parsed
// documents and remembered APQ documents cannot grow with what clients send (a text's AST is kept
// with it and is roughly proportional to it).

/** A cache of values keyed by text, whose own size counts as the key's length plus `sizeOf(value)`. */
export interface TextCache<V> {
  get(key: string): V | undefined;
  set(key: string, value: V): void;
  readonly size: number;
  readonly bytes: number;
}

/** At most `maxEntries` entries and `maxBytes` bytes; an entry over `maxBytes / 16` is not kept. */
export function createTextCache<V>(
  maxEntries: number,
  maxBytes: number,
  sizeOf: (value: V) => number = () => 0,
): TextCache<V> {
  const entries = new Map<string, { value: V; bytes: number }>();
  const largest = Math.floor(maxBytes / 16);
  let bytes = 0;
  const evictOldest = () => {
    const oldest = entries.entries().next();
    if (oldest.done === true) return;
    entries.delete(oldest.value[0]);
    bytes -= oldest.value[1].bytes;
  };
  return {
    get(key) {
      const entry = entries.get(key);
      if (entry === undefined) return undefined;
      entries.delete(key);
      entries.set(key, entry);
      return entry.value;
    },
    set(key, value) {
      const size = key.length + sizeOf(value);
      if (size > largest) return;
      const old = entries.get(key);
      if (old !== undefined) {
        entries.delete(key);
        bytes -= old.bytes;
      }
      while (entries.size > 0 && (entries.size >= maxEntries || bytes + size > maxBytes)) evictOldest();
      entries.set(key, { value, bytes: size });
      bytes += size;
    },
    get size() {
      return entries.size;
    },
    get bytes() {
      return bytes;
    },
  };
}
