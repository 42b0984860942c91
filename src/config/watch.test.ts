// watchConfig on fake debounce timers: a test writes, waits until every file event reached the watcher
// (a second watcher of the directory sees a later sentinel write: libuv hands each inotify event to
// every watcher of the directory, in order), then moves the fake time.
import assert from 'node:assert/strict';
import { mkdtempSync, renameSync, rmSync, watch as watchDirectory, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { type ConfigWatcher, type DebounceTimers, type ReloadReason, watchConfig } from './watch.ts';

const DEBOUNCE_MS = 200;

/** Timers that fire only when the test moves their time with `tick`. */
function fakeTimers(): DebounceTimers & { tick(ms: number): void } {
  let now = 0;
  let next = 0;
  const pending = new Map<number, { at: number; callback: () => void }>();
  return {
    setTimeout(callback, ms) {
      pending.set(++next, { at: now + ms, callback });
      return next;
    },
    clearTimeout: (handle) => pending.delete(handle as number),
    tick(ms) {
      now += ms;
      const due = [...pending].filter(([, timer]) => timer.at <= now).sort((a, b) => a[1].at - b[1].at);
      for (const [handle, timer] of due) {
        pending.delete(handle);
        timer.callback();
      }
    },
  };
}

describe('watchConfig', () => {
  let dir = '';
  let file = '';
  let watcher: ConfigWatcher | undefined;
  let sentinels = 0;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'rampart-watch-'));
    file = join(dir, 'rampart.yaml');
    writeFileSync(file, 'version: 1\n');
  });
  afterEach(() => {
    watcher?.close();
    watcher = undefined;
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  /** Starts a watcher on fake timers; returns its calls and the timers. */
  function start(sighup = false) {
    const calls: ReloadReason[] = [];
    const timers = fakeTimers();
    watcher = watchConfig(file, (reason) => calls.push(reason), { debounceMs: DEBOUNCE_MS, sighup, timers });
    return { calls, timers };
  }

  /** Resolves once every file event caused before the call has been delivered to the watchers. */
  async function eventsDelivered(): Promise<void> {
    const name = `sentinel-${++sentinels}`;
    const barrier = watchDirectory(dir, { persistent: false });
    try {
      const seen = new Promise<void>((resolve) => {
        barrier.on('change', (_event, changed) => {
          if (changed === name) resolve();
        });
      });
      writeFileSync(join(dir, name), '');
      await seen;
    } finally {
      barrier.close();
    }
  }

  test('calls back once for a burst of writes, after the quiet time', async () => {
    const { calls, timers } = start();
    // Each write is delivered before the next (inotify merges identical unread events).
    for (let i = 0; i < 5; i++) {
      writeFileSync(file, `version: 1\n# edit ${i}\n`);
      await eventsDelivered();
      timers.tick(DEBOUNCE_MS - 1);
    }
    assert.deepEqual(calls, []);
    timers.tick(1);
    assert.deepEqual(calls, ['file']);
    timers.tick(DEBOUNCE_MS * 3);
    assert.deepEqual(calls, ['file']);
  });

  test('calls back once when an editor replaces the file by rename', async () => {
    const { calls, timers } = start();
    const temporary = join(dir, '.rampart.yaml.swp');
    writeFileSync(temporary, 'version: 1\n# replaced\n');
    renameSync(temporary, file);
    await eventsDelivered();
    timers.tick(DEBOUNCE_MS * 3);
    assert.deepEqual(calls, ['file']);
  });

  test('keeps watching after a rename replaced the file', async () => {
    const { calls, timers } = start();
    const temporary = join(dir, 'rampart.yaml.new');
    writeFileSync(temporary, 'version: 1\n# first\n');
    renameSync(temporary, file);
    await eventsDelivered();
    timers.tick(DEBOUNCE_MS);
    writeFileSync(file, 'version: 1\n# second\n');
    await eventsDelivered();
    timers.tick(DEBOUNCE_MS);
    assert.deepEqual(calls, ['file', 'file']);
  });

  test('ignores other files in the same directory', async () => {
    const { calls, timers } = start();
    writeFileSync(join(dir, 'access.log'), 'line\n');
    await eventsDelivered();
    timers.tick(DEBOUNCE_MS * 3);
    assert.deepEqual(calls, []);
  });

  test('calls back on SIGHUP', async () => {
    const { calls, timers } = start(true);
    // Listeners run in the order they were added: once this one ran, the watcher's has too.
    const delivered = new Promise((resolve) => process.once('SIGHUP', resolve));
    process.kill(process.pid, 'SIGHUP');
    await delivered;
    timers.tick(DEBOUNCE_MS);
    assert.deepEqual(calls, ['signal']);
  });

  test('stops calling back and releases SIGHUP once closed', async () => {
    const listeners = process.listenerCount('SIGHUP');
    const { calls, timers } = start(true);
    assert.equal(process.listenerCount('SIGHUP'), listeners + 1);
    watcher?.close();
    assert.equal(process.listenerCount('SIGHUP'), listeners);
    writeFileSync(file, 'version: 1\n# after close\n');
    await eventsDelivered();
    timers.tick(DEBOUNCE_MS * 3);
    assert.deepEqual(calls, []);
  });
});
