import assert from 'node:assert/strict';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ConfigWatcher, type ReloadReason, watchConfig } from './watch.ts';

// Generous quiet time so a busy machine cannot split one burst into two.
const DEBOUNCE_MS = 200;

describe('watchConfig', () => {
  let dir = '';
  let file = '';
  let watcher: ConfigWatcher | undefined;

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

  /** Starts a watcher and returns its calls plus a promise of the first one. */
  function start(sighup = false) {
    const calls: ReloadReason[] = [];
    let first: (reason: ReloadReason) => void = () => {};
    const firstCall = new Promise<ReloadReason>((resolve) => {
      first = resolve;
    });
    watcher = watchConfig(
      file,
      (reason) => {
        calls.push(reason);
        first(reason);
      },
      { debounceMs: DEBOUNCE_MS, sighup },
    );
    return { calls, firstCall };
  }

  test('calls back once for a burst of writes', { timeout: 10_000 }, async () => {
    const { calls, firstCall } = start();
    for (let i = 0; i < 5; i++) writeFileSync(file, `version: 1\n# edit ${i}\n`);
    assert.equal(await firstCall, 'file');
    await sleep(DEBOUNCE_MS * 3);
    assert.deepEqual(calls, ['file']);
  });

  test('calls back once when an editor replaces the file by rename', { timeout: 10_000 }, async () => {
    const { calls, firstCall } = start();
    const temporary = join(dir, '.rampart.yaml.swp');
    writeFileSync(temporary, 'version: 1\n# replaced\n');
    renameSync(temporary, file);
    assert.equal(await firstCall, 'file');
    await sleep(DEBOUNCE_MS * 3);
    assert.deepEqual(calls, ['file']);
  });

  test('keeps watching after a rename replaced the file', { timeout: 10_000 }, async () => {
    const { calls } = start();
    const temporary = join(dir, 'rampart.yaml.new');
    writeFileSync(temporary, 'version: 1\n# first\n');
    renameSync(temporary, file);
    await sleep(DEBOUNCE_MS * 3);
    writeFileSync(file, 'version: 1\n# second\n');
    await sleep(DEBOUNCE_MS * 3);
    assert.deepEqual(calls, ['file', 'file']);
  });

  test('ignores other files in the same directory', { timeout: 10_000 }, async () => {
    const { calls } = start();
    writeFileSync(join(dir, 'access.log'), 'line\n');
    await sleep(DEBOUNCE_MS * 3);
    assert.deepEqual(calls, []);
  });

  test('calls back on SIGHUP', { timeout: 10_000 }, async () => {
    const { firstCall } = start(true);
    process.kill(process.pid, 'SIGHUP');
    assert.equal(await firstCall, 'signal');
  });

  test('stops calling back and releases SIGHUP once closed', { timeout: 10_000 }, async () => {
    const listeners = process.listenerCount('SIGHUP');
    const { calls } = start(true);
    assert.equal(process.listenerCount('SIGHUP'), listeners + 1);
    watcher?.close();
    assert.equal(process.listenerCount('SIGHUP'), listeners);
    writeFileSync(file, 'version: 1\n# after close\n');
    await sleep(DEBOUNCE_MS * 3);
    assert.deepEqual(calls, []);
  });
});
