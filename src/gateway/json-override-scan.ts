// A streaming check for a top-level `_method` member in a JSON body too large (or too chunked) to
// buffer: the bytes pass through unchanged while a small tokenizer follows the nesting and decodes
// only the member names of the top-level object; the stream fails as soon as one is `_method`.
// The tokenizer runs only once the body could hold such a name: a member name decodes to `_method`
// only through the letters `method` or a `\u` escape, so until either appears (native searches, the
// seams between chunks included) the chunks pass untouched and are kept, to be replayed through the
// tokenizer when one does. Past REPLAY_LIMIT kept bytes the tokenizer catches up and runs from there.
import { Readable } from 'node:stream';

const TARGET = '_method';

/** The error the stream fails with; the proxy answers it with a 400 problem. */
export class MethodOverrideInBodyError extends Error {
  override readonly name = 'MethodOverrideInBodyError';
}

const SIMPLE_ESCAPES: Record<number, string> = {
  34: '"',
  92: '\\',
  47: '/',
  98: '\b',
  102: '\f',
  110: '\n',
  114: '\r',
  116: '\t',
};

const REPLAY_LIMIT = 1024 * 1024;
// Bytes of the previous chunk kept to find `method` or `\u` across a chunk boundary.
const SEAM = 'method'.length - 1;

/**
 * A JSON body as it comes, failing with MethodOverrideInBodyError at a top-level `_method` before the
 * chunk that completes it is passed on. A plain readable fed by the request's `data` events (not a
 * Transform: no second buffering state per chunk); the client's request is only paused, never
 * destroyed, by a refusal, so it still gets its 400.
 */
export function withoutMethodOverride(body: Readable): Readable {
  const scan = new JsonOverrideScan();
  const screened = new Readable({
    read() {
      body.resume();
    },
  });
  body.on('data', (chunk: Buffer) => {
    if (screened.destroyed) return;
    if (scan.found(chunk)) {
      body.pause();
      screened.destroy(new MethodOverrideInBodyError('_method member in a JSON body'));
    } else if (!screened.push(chunk)) body.pause();
  });
  body.once('end', () => screened.push(null));
  body.once('error', (error) => screened.destroy(error));
  body.once('close', () => {
    if (!body.readableEnded) screened.destroy(new Error('client request body ended early'));
  });
  return screened;
}

/** Follows a JSON body chunk by chunk and tells when a top-level `_method` member name has ended. */
export class JsonOverrideScan {
  /** The chunks seen while no name could be `_method` (undefined once the tokenizer runs). */
  #kept: Buffer[] | undefined = [];
  #keptBytes = 0;
  #tail: Buffer | undefined;
  #started = false;
  /** Not a JSON object at the top: nothing to look for. */
  #off = false;
  #depth = 0;
  #inString = false;
  #escaped = false;
  /** Hex digits of a `\uXXXX` escape still to read (0: none). */
  #hexLeft = 0;
  #hex = 0;
  /** Whether the next string at depth 1 is a member name. */
  #expectKey = false;
  /** The member name being read, or undefined when the current string is not one (or is too long). */
  #key: string | undefined;

  /** True when a top-level `_method` member name ended in this chunk (or one seen before it). */
  found(chunk: Buffer): boolean {
    return !this.#off && this.#inspect(chunk);
  }

  /** True when a top-level `_method` member name ended in this chunk (or one kept before it). */
  #inspect(chunk: Buffer): boolean {
    const kept = this.#kept;
    if (kept === undefined) return this.#scan(chunk);
    if (!mayName(this.#tail, chunk) && this.#keptBytes + chunk.length <= REPLAY_LIMIT) {
      kept.push(chunk);
      this.#keptBytes += chunk.length;
      this.#tail = lastBytes(this.#tail, chunk);
      return false;
    }
    this.#kept = undefined;
    this.#tail = undefined;
    for (const earlier of kept) if (this.#off || this.#scan(earlier)) return !this.#off;
    return !this.#off && this.#scan(chunk);
  }

  /** True when a top-level `_method` member name ended in this chunk. */
  #scan(chunk: Buffer): boolean {
    // Locals in the loop, written back at the end: private fields are slower to touch per byte.
    let { started, depth, inString, escaped, hexLeft, hex, expectKey, key } = this.#state();
    let found = false;
    // The next backslash at or after i, found once per stretch so the jumps below stay linear.
    let backslash = -2;
    const length = chunk.length;
    for (let i = 0; i < length; i++) {
      if (inString && key === undefined && !escaped && hexLeft === 0) {
        // Not a member name: jump to the string's next quote or backslash (native search).
        if (backslash !== -1 && backslash < i) backslash = chunk.indexOf(0x5c, i);
        const quote = chunk.indexOf(0x22, i);
        const next = quote === -1 ? backslash : backslash === -1 ? quote : Math.min(quote, backslash);
        if (next === -1) break;
        i = next;
      }
      const c = chunk[i]!;
      if (inString) {
        if (hexLeft > 0) {
          hex = hex * 16 + (c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x57);
          if (--hexLeft === 0) key = extend(key, String.fromCharCode(hex));
        } else if (escaped) {
          escaped = false;
          if (c === 0x75) {
            hexLeft = 4;
            hex = 0;
          } else key = extend(key, SIMPLE_ESCAPES[c] ?? '');
        } else if (c === 0x5c) escaped = true;
        else if (c === 0x22) {
          inString = false;
          if (key === TARGET) {
            found = true;
            break;
          }
          key = undefined;
        } else if (key !== undefined) key = extend(key, String.fromCharCode(c));
        continue;
      }
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
      if (!started) {
        started = true;
        if (c !== 0x7b) {
          this.#off = true;
          break;
        }
      }
      if (c === 0x22) {
        inString = true;
        key = depth === 1 && expectKey ? '' : undefined;
        expectKey = false;
      } else if (c === 0x7b || c === 0x5b) {
        depth++;
        if (depth === 1) expectKey = true;
      } else if (c === 0x7d || c === 0x5d) depth--;
      else if (c === 0x2c && depth === 1) expectKey = true;
    }
    this.#save({ started, depth, inString, escaped, hexLeft, hex, expectKey, key });
    return found;
  }

  #state(): ScanState {
    return {
      started: this.#started,
      depth: this.#depth,
      inString: this.#inString,
      escaped: this.#escaped,
      hexLeft: this.#hexLeft,
      hex: this.#hex,
      expectKey: this.#expectKey,
      key: this.#key,
    };
  }

  #save(state: ScanState): void {
    this.#started = state.started;
    this.#depth = state.depth;
    this.#inString = state.inString;
    this.#escaped = state.escaped;
    this.#hexLeft = state.hexLeft;
    this.#hex = state.hex;
    this.#expectKey = state.expectKey;
    this.#key = state.key;
  }
}

interface ScanState {
  started: boolean;
  depth: number;
  inString: boolean;
  escaped: boolean;
  hexLeft: number;
  hex: number;
  expectKey: boolean;
  key: string | undefined;
}

/** The last SEAM bytes of the body so far. */
function lastBytes(tail: Buffer | undefined, chunk: Buffer): Buffer {
  if (chunk.length >= SEAM || tail === undefined) return chunk.subarray(Math.max(0, chunk.length - SEAM));
  const joined = Buffer.concat([tail, chunk]);
  return joined.subarray(Math.max(0, joined.length - SEAM));
}

/** Whether `chunk` (with the end of the chunk before it) holds `method` or a `\u` escape. */
function mayName(tail: Buffer | undefined, chunk: Buffer): boolean {
  if (chunk.indexOf('method') !== -1 || chunk.indexOf('\\u') !== -1) return true;
  if (tail === undefined) return false;
  const seam = Buffer.concat([tail, chunk.subarray(0, SEAM)]);
  return seam.indexOf('method') !== -1 || seam.indexOf('\\u') !== -1;
}

/** A member name grown by `text`, or undefined once it is longer than `_method` (it cannot match). */
function extend(key: string | undefined, text: string): string | undefined {
  if (key === undefined) return undefined;
  const next = key + text;
  return next.length > TARGET.length ? undefined : next;
}
