// Request and response bodies: buffered only when a policy needs them, always under a hard limit;
// otherwise streamed with back-pressure and counted so a chunked body cannot exceed its limit.
import { Transform, type TransformCallback } from 'node:stream';

/** The body went over its limit (413 for requests). */
export class BodyTooLargeError extends Error {
  readonly limit: number;
  constructor(limit: number) {
    super(`body exceeds ${limit} bytes`);
    this.name = 'BodyTooLargeError';
    this.limit = limit;
  }
}

/** Reads a whole stream into one Buffer, failing as soon as it passes `limit` bytes. */
export async function readBounded(stream: AsyncIterable<Buffer | string>, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const piece of stream) {
    const chunk = typeof piece === 'string' ? Buffer.from(piece) : piece;
    total += chunk.length;
    if (total > limit) throw new BodyTooLargeError(limit);
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
}

/**
 * Counts request body bytes on their way to the upstream and fails once more than `limit` went by,
 * which aborts the upstream request. Back-pressure passes through (it is a plain Transform).
 */
export class BodyCounter extends Transform {
  bytes = 0;
  readonly #limit: number;

  constructor(limit: number) {
    super();
    this.#limit = limit;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.#limit) callback(new BodyTooLargeError(this.#limit));
    else callback(null, chunk);
  }
}
