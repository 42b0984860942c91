// watchConfig with Node's mock timers standing in for the debounce clock: a test writes, waits until
// every file event reached the watcher (a second watcher of the directory sees a later sentinel write:
// libuv hands each inotify event to every watcher of the directory, in order), then moves the clock.
import assert from 'node:assert/strict';
import { mkdtempSync, renameSync, rmSync, watch as watchDirectory, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, type TestContext, test } from 'node:test';
import { type ConfigWatcher, type ReloadReason, watchConfig } from './watch.ts';

const DEBOUNCE_MS = 200;

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

  /** Starts a watcher on mock timers; returns its calls. */
  function start(t: TestContext, sighup = false): ReloadReason[] {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const calls: ReloadReason[] = [];
    watcher = watchConfig(file, (reason) => calls.push(reason), { debounceMs: DEBOUNCE_MS, sighup });
    return calls;
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

  test('calls back once for a burst of writes, after the quiet time', async (t) => {
    const calls = start(t);
    // Each write is delivered before the next (inotify merges identical unread events).
    for (let i = 0; i < 5; i++) {
      writeFileSync(file, `version: 1\n# edit ${i}\n`);
      await eventsDelivered();
      t.mock.timers.tick(DEBOUNCE_MS - 1);
    }
    assert.deepEqual(calls, []);
    t.mock.timers.tick(1);
    assert.deepEqual(calls, ['file']);
    t.mock.timers.tick(DEBOUNCE_MS * 3);
    assert.deepEqual(calls, ['file']);
  });

  test('calls back once when an editor replaces the file by rename', async (t) => {
    const calls = start(t);
    const temporary = join(dir, '.rampart.yaml.swp');
    writeFileSync(temporary, 'version: 1\n# replaced\n');
    renameSync(temporary, file);
    await eventsDelivered();
    t.mock.timers.tick(DEBOUNCE_MS * 3);
    assert.deepEqual(calls, ['file']);
  });

  test('keeps watching after a rename replaced the file', async (t) => {
    const calls = start(t);
    const temporary = join(dir, 'rampart.yaml.new');
    writeFileSync(temporary, 'version: 1\n# first\n');
    renameSync(temporary, file);
    await eventsDelivered();
    t.mock.timers.tick(DEBOUNCE_MS);
    writeFileSync(file, 'version: 1\n# second\n');
    await eventsDelivered();
    t.mock.timers.tick(DEBOUNCE_MS);
    assert.deepEqual(calls, ['file', 'file']);
  });

  test('ignores other files in the same directory', async (t) => {
    const calls = start(t);
    writeFileSync(join(dir, 'access.log'), 'line\n');
    await eventsDelivered();
    t.mock.timers.tick(DEBOUNCE_MS * 3);
    assert.deepEqual(calls, []);
  });

  test('calls back on SIGHUP', async (t) => {
    const calls = start(t, true);
    // Listeners run in the order they were added: once this one ran, the watcher's has too.
    const delivered = new Promise((resolve) => process.once('SIGHUP', resolve));
    process.kill(process.pid, 'SIGHUP');
    await delivered;
    t.mock.timers.tick(DEBOUNCE_MS);
    assert.deepEqual(calls, ['signal']);
  });

  test('stops calling back and releases SIGHUP once closed', async (t) => {
    const listeners = process.listenerCount('SIGHUP');
    const calls = start(t, true);
    assert.equal(process.listenerCount('SIGHUP'), listeners + 1);
    watcher?.close();
    assert.equal(process.listenerCount('SIGHUP'), listeners);
    writeFileSync(file, 'version: 1\n# after close\n');
    await eventsDelivered();
    t.mock.timers.tick(DEBOUNCE_MS * 3);
    assert.deepEqual(calls, []);
  });
});
