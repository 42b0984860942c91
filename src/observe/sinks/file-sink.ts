// JSON lines to a file, rotated by size and by age: the current file is renamed `<path>.1` (older ones
// shift to `.2` …), and the oldest beyond `keep` is removed. Appends are batched, one write per batch.
import { type FileHandle, mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Clock } from '../../lib/clock.ts';
import { createSink, type Sink, type SinkContext } from './sink.ts';

/** Settings of a file sink. */
export interface FileSinkSettings {
  readonly path: string;
  /** Rotate before a write would take the file past this size (0: never by size). */
  readonly maxBytes: number;
  /** Rotate a file this old at the next write (0: never by age). */
  readonly maxAgeMs: number;
  /** Rotated files kept besides the current one. */
  readonly keep: number;
  readonly clock?: Clock;
}

interface OpenFile {
  readonly handle: FileHandle;
  size: number;
  readonly openedAt: number;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Creates a JSONL file sink. */
export function createFileSink(context: SinkContext, settings: FileSinkSettings): Sink {
  const clock = settings.clock ?? Date;
  let file: OpenFile | undefined;

  const openFile = async (): Promise<OpenFile> => {
    await mkdir(dirname(settings.path), { recursive: true });
    const handle = await open(settings.path, 'a', 0o600);
    const { size, birthtimeMs } = await handle.stat();
    // A file kept from an earlier run ages from its creation (where the file system records it).
    const now = clock.now();
    const openedAt = size > 0 && birthtimeMs > 0 && birthtimeMs < now ? birthtimeMs : now;
    return { handle, size, openedAt };
  };

  const rotate = async (): Promise<void> => {
    await file?.handle.close();
    file = undefined;
    await rm(`${settings.path}.${settings.keep}`, { force: true });
    for (let n = settings.keep - 1; n >= 1; n--) {
      const from = `${settings.path}.${n}`;
      if (await exists(from)) await rename(from, `${settings.path}.${n + 1}`);
    }
    if (settings.keep > 0) await rename(settings.path, `${settings.path}.1`);
    else await rm(settings.path, { force: true });
  };

  return createSink<Buffer>(context, {
    encode: (formatted) => Buffer.from(formatted.map((each) => `${each.json}\n`).join('')),
    async send(batch) {
      file ??= await openFile();
      const tooBig = settings.maxBytes > 0 && file.size > 0 && file.size + batch.length > settings.maxBytes;
      const tooOld = settings.maxAgeMs > 0 && clock.now() - file.openedAt >= settings.maxAgeMs;
      if (tooBig || tooOld) {
        await rotate();
        file = await openFile();
      }
      try {
        await file.handle.write(batch);
        file.size += batch.length;
      } catch (error) {
        // Reopen on the next attempt (the file may have been removed or the disk remounted).
        await file.handle.close().catch(() => {});
        file = undefined;
        throw error;
      }
      return undefined;
    },
    async close() {
      await file?.handle.close();
      file = undefined;
    },
  });
}
