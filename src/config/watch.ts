// Tells the gateway when to reload: file changes (debounced) and SIGHUP. Building and swapping the new
// version is the gateway's job; this only decides when.
import { type FSWatcher, lstatSync, watch } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';

/** What asked for the reload. */
export type ReloadReason = 'file' | 'signal';

export interface WatchOptions {
  /** Quiet time after the last event before `onChange` runs; editors write in bursts. Default 250 ms. */
  readonly debounceMs?: number;
  /** Also reload on SIGHUP (default true). */
  readonly sighup?: boolean;
  /** Called when the directory watcher fails (e.g. the directory was removed). */
  readonly onError?: (error: Error) => void;
  /** The timers the quiet time runs on; the real ones unless a test passes fake ones. */
  readonly timers?: DebounceTimers;
}

/** Schedules and cancels one callback (the shape of the global setTimeout/clearTimeout). */
export interface DebounceTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const REAL_TIMERS: DebounceTimers = {
  setTimeout(callback, ms) {
    // Unreferenced: a pending reload never keeps the process alive on its own.
    return setTimeout(callback, ms).unref();
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** A running watcher; `close()` stops it and removes the SIGHUP listener. */
export interface ConfigWatcher {
  close(): void;
}

/**
 * Watches the config file's directory rather than the file: editors save by writing a new file and
 * renaming it over the old one, which ends a watch on the file itself. A config path that is a symlink
 * (Kubernetes ConfigMap mounts swap a `..data` link) reacts to any change in the directory.
 */
export function watchConfig(
  file: string,
  onChange: (reason: ReloadReason) => void,
  options: WatchOptions = {},
): ConfigWatcher {
  const debounceMs = options.debounceMs ?? 250;
  const timers = options.timers ?? REAL_TIMERS;
  const path = resolve(file);
  const name = basename(path);
  const anyEntry = isSymlink(path);
  let timer: unknown;
  let pending: ReloadReason = 'file';
  let closed = false;

  const schedule = (reason: ReloadReason) => {
    if (closed) return;
    pending = reason;
    if (timer !== undefined) timers.clearTimeout(timer);
    timer = timers.setTimeout(() => {
      timer = undefined;
      if (!closed) onChange(pending);
    }, debounceMs);
  };

  // persistent: false, so a forgotten watcher never keeps the process alive on its own.
  const watcher: FSWatcher = watch(dirname(path), { persistent: false }, (_event, changed) => {
    // Some platforms do not report the name; then any change may be ours.
    if (anyEntry || changed === null || changed === name) schedule('file');
  });
  watcher.on('error', (error) => options.onError?.(error));

  const onSignal = () => schedule('signal');
  const sighup = options.sighup ?? true;
  if (sighup) process.on('SIGHUP', onSignal);

  return {
    close() {
      if (closed) return;
      closed = true;
      if (timer !== undefined) timers.clearTimeout(timer);
      watcher.close();
      if (sighup) process.off('SIGHUP', onSignal);
    },
  };
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}
