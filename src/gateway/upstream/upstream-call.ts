// One exchange with an upstream on undici's dispatch API: the response head is awaited, then the body
// is either streamed straight into the client response (pausing the upstream when the client is slow)
// or buffered under a limit for response policies. No intermediate streams, so little per request.
import type { ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import type { HeaderMap } from '../../policies/policy.ts';

/** The upstream's status line and headers. */
export interface UpstreamHead {
  readonly status: number;
  readonly headers: HeaderMap;
}

type Mode = 'head' | 'stream' | 'buffer' | 'discard';

/** A dispatch handler that hands the head over as a promise and the body as the caller chooses. */
export class UpstreamCall implements Dispatcher.DispatchHandler {
  readonly head: Promise<UpstreamHead>;
  /** Bytes of response body seen so far. */
  bytes = 0;
  #controller: Dispatcher.DispatchController | undefined;
  #mode: Mode = 'head';
  #early: Buffer[] = [];
  #ended = false;
  #error: Error | undefined;
  #resolveHead!: (head: UpstreamHead) => void;
  #rejectHead!: (error: Error) => void;
  #done:
    | { resolve: (body: Buffer | 'too-large' | undefined) => void; reject: (error: Error) => void }
    | undefined;
  #sink: ServerResponse | undefined;
  #limit = 0;
  #chunks: Buffer[] = [];
  #buffered = 0;
  #abortOnStart: Error | undefined;
  #overLimit = false;
  #reportTooLarge = false;
  readonly #resume = () => this.#controller?.resume();

  constructor() {
    this.head = new Promise<UpstreamHead>((resolve, reject) => {
      this.#resolveHead = resolve;
      this.#rejectHead = reject;
    });
  }

  /** Aborts the exchange (the client went away, or a limit was hit), also before it started. */
  abort(reason: Error): void {
    if (this.#ended || this.#error !== undefined) return;
    if (this.#controller === undefined) this.#abortOnStart = reason;
    else this.#controller.abort(reason);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#abortOnStart !== undefined) controller.abort(this.#abortOnStart);
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: HeaderMap): void {
    // Hold the body until the gateway has decided to stream, buffer or drop it.
    controller.pause();
    this.#resolveHead({ status: statusCode, headers });
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.bytes += chunk.length;
    switch (this.#mode) {
      case 'stream':
        if (!this.#sink!.write(chunk)) {
          controller.pause();
          this.#sink!.once('drain', this.#resume);
        }
        return;
      case 'buffer':
        this.#collect(chunk);
        return;
      case 'head':
        this.#early.push(chunk);
        return;
      default:
        return;
    }
  }

  onResponseEnd(): void {
    this.#ended = true;
    if (this.#mode === 'stream') this.#sink!.end();
    if (this.#mode !== 'head') this.#settle();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.#error = error;
    this.#rejectHead(error);
    if (this.#mode !== 'head') this.#settle();
  }

  /** Streams the body into the client response; resolves when it ended, rejects when it broke. */
  streamTo(sink: ServerResponse): Promise<void> {
    this.#sink = sink;
    this.#mode = 'stream';
    const done = this.#completion().then(() => undefined);
    for (const chunk of this.#early) sink.write(chunk);
    this.#early = [];
    if (this.#error !== undefined) this.#settle();
    else if (this.#ended) {
      sink.end();
      this.#settle();
    } else this.#controller?.resume();
    return done;
  }

  /**
   * Buffers the whole body. Past `limit` bytes it stops reading and resolves `too-large`: what was read
   * stays queued, and `streamTo` or `discard` then decides what happens to the rest.
   */
  readAll(limit: number): Promise<Buffer | 'too-large'> {
    this.#limit = limit;
    this.#mode = 'buffer';
    const done = this.#completion();
    const early = this.#early;
    this.#early = [];
    for (const chunk of early) this.#collect(chunk);
    if (this.#ended || this.#error !== undefined || this.#overLimit) this.#settle();
    else this.#controller?.resume();
    return done as Promise<Buffer | 'too-large'>;
  }

  /**
   * Drops the body: `drain` reads it to the end so the connection can be reused (bodyless answers),
   * `abort` closes the exchange (the gateway answers with something else; the body may be large).
   */
  discard(how: 'drain' | 'abort'): void {
    this.#mode = 'discard';
    this.#early = [];
    if (this.#ended || this.#error !== undefined) return;
    if (how === 'abort') this.#controller?.abort(new Error('response replaced by the gateway'));
    else this.#controller?.resume();
  }

  #collect(chunk: Buffer): void {
    this.#buffered += chunk.length;
    this.#chunks.push(chunk);
    if (this.#buffered > this.#limit && !this.#overLimit) {
      // Too large to inspect: keep what was read for streaming, hold the rest upstream.
      this.#overLimit = true;
      this.#reportTooLarge = true;
      this.#controller?.pause();
      this.#mode = 'head';
      this.#early = this.#chunks;
      this.#chunks = [];
      this.#settle();
    }
  }

  #completion(): Promise<Buffer | 'too-large' | undefined> {
    return new Promise<Buffer | 'too-large' | undefined>((resolve, reject) => {
      this.#done = { resolve, reject };
    });
  }

  #settle(): void {
    const done = this.#done;
    if (done === undefined) return;
    this.#done = undefined;
    if (this.#error !== undefined) done.reject(this.#error);
    else if (this.#reportTooLarge) {
      this.#reportTooLarge = false;
      done.resolve('too-large');
    } else if (this.#mode !== 'buffer') done.resolve(undefined);
    else
      done.resolve(this.#chunks.length === 1 ? this.#chunks[0] : Buffer.concat(this.#chunks, this.#buffered));
  }
}
