// Watches the OpenAPI files a config's policies read, so saving a spec reloads the gateway just as
// saving the config does (the contract is rebuilt with each config version).

import { specFilesOf } from '../openapi/spec-files.ts';
import type { RampartConfig } from './schema.ts';
import { type ConfigWatcher, watchConfig } from './watch.ts';

/** The spec watchers of a running gateway. */
export interface SpecWatchers {
  /** Watches exactly the specs `config` uses (call after every successful load). */
  follow(config: RampartConfig, baseDir: string): void;
  close(): void;
}

/** Creates the watchers; `onChange` runs (debounced) when a watched spec file changes. */
export function createSpecWatchers(onChange: () => void): SpecWatchers {
  const watchers = new Map<string, ConfigWatcher>();
  return {
    follow(config, baseDir) {
      const wanted = new Set(specFilesOf(config, baseDir));
      for (const [path, watcher] of watchers) {
        if (wanted.has(path)) continue;
        watcher.close();
        watchers.delete(path);
      }
      for (const path of wanted) {
        if (!watchers.has(path))
          watchers.set(path, watchConfig(path, onChange, { debounceMs: 200, sighup: false }));
      }
    },
    close() {
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
    },
  };
}
