// Values the engine found clean, remembered across requests so a repeated one costs a lookup.

/** A bounded set of keys. */
export interface CleanSet {
  has(key: string): boolean;
  add(key: string): void;
}

/**
 * A set of at most `2 × entries` keys: two generations of `entries`. When the recent one is full it
 * becomes the older one (dropping the previous older one); a key found in the older one moves up, so
 * what keeps repeating stays.
 */
export function createCleanSet(entries: number): CleanSet {
  let recent = new Set<string>();
  let older = new Set<string>();
  function add(key: string): void {
    if (recent.size >= entries) {
      older = recent;
      recent = new Set();
    }
    recent.add(key);
  }
  return {
    has(key) {
      if (recent.has(key)) return true;
      if (!older.has(key)) return false;
      add(key);
      return true;
    },
    add,
  };
}
