// A streaming multipart/form-data filter that drops the parts named `_method` (RFC 7578), for bodies
// too large to buffer: the rest passes byte for byte, with at most one part-header block and one
// delimiter held back at a time, so memory stays bounded whatever the upload's size.
import { Transform, type TransformCallback } from 'node:stream';

/** Part header blocks longer than this end the filtering: the rest of the body passes untouched. */
const MAX_PART_HEADERS = 16 * 1024;
const HEADERS_END = Buffer.from('\r\n\r\n');

/** Drops every part whose form-data name `isDropped` accepts. */
export class MultipartPartFilter extends Transform {
  readonly #delimiter: Buffer;
  readonly #isDropped: (headers: string) => boolean;
  #pending: Buffer = Buffer.alloc(0);
  /** `body`: inside a part's content (or the preamble); `headers`: at a delimiter, reading its part headers. */
  #state: 'body' | 'headers' | 'pass' = 'body';
  #keeping = true;

  constructor(boundary: string, isDropped: (headers: string) => boolean) {
    super();
    this.#delimiter = Buffer.from(`--${boundary}`, 'latin1');
    this.#isDropped = isDropped;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (this.#state === 'pass') {
      done(null, chunk);
      return;
    }
    let data = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    this.#pending = Buffer.alloc(0);
    for (;;) {
      if (this.#state === 'body') {
        const at = data.indexOf(this.#delimiter);
        if (at === -1) {
          // Keep back what could be the start of a delimiter split across chunks.
          const safe = Math.max(0, data.length - (this.#delimiter.length - 1));
          if (this.#keeping && safe > 0) this.push(data.subarray(0, safe));
          this.#pending = Buffer.from(data.subarray(safe));
          break;
        }
        if (this.#keeping && at > 0) this.push(data.subarray(0, at));
        data = data.subarray(at);
        this.#state = 'headers';
        continue;
      }
      if (this.#state === 'headers') {
        const end = data.indexOf(HEADERS_END, this.#delimiter.length);
        if (end === -1) {
          if (data.length > MAX_PART_HEADERS) {
            this.#state = 'pass';
            this.push(data);
          } else this.#pending = Buffer.from(data);
          break;
        }
        const block = data.subarray(0, end + HEADERS_END.length);
        this.#keeping = !this.#isDropped(block.toString('latin1'));
        if (this.#keeping) this.push(block);
        data = data.subarray(block.length);
        this.#state = 'body';
        continue;
      }
      this.push(data);
      break;
    }
    done();
  }

  override _flush(done: TransformCallback): void {
    // The close delimiter (`--b--`) and the epilogue: what is left is never a dropped part's content.
    if (this.#pending.length > 0 && (this.#keeping || this.#state === 'headers')) this.push(this.#pending);
    done();
  }
}
