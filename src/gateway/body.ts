// Request and response bodies: buffered only when a policy needs them, always under a hard limit;
// otherwise streamed with back-pressure and counted so a chunked body cannot exceed its limit.
import type { Readable } from 'node:stream';

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
 * Passes a stream through chunk by chunk (the consumer's pace is the producer's: back-pressure), and
 * throws once more than `limit` bytes went by, which aborts the upstream request.
 */
export async function* limitStream(stream: Readable, limit: number): AsyncGenerator<Buffer> {
  let total = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > limit) throw new BodyTooLargeError(limit);
    yield chunk;
  }
}
