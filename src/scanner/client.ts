// The scanner's HTTP client: only the target's origin, a request budget in total and per check,
// no destructive method in safe mode, every exchange recorded for evidence.
import { Agent, request } from 'undici';
import type { Exchange } from './types.ts';

/** Methods `--safe` never sends. */
export const DESTRUCTIVE_METHODS: ReadonlySet<string> = new Set(['PUT', 'PATCH', 'DELETE']);
/** Response bodies are read up to this size. */
const MAX_BODY_BYTES = 256 * 1024;
/** Recorded exchanges kept for passive checks. */
const MAX_RECORDED = 2000;

/** Thrown when a request would exceed the total or the current check's budget. */
export class BudgetError extends Error {}

/** Thrown when the target has answered none of the first requests: the scan cannot run (exit 2). */
export class UnreachableError extends Error {}

/** Requests without any answer after which a target that never answered is given up. */
const UNREACHABLE_AFTER = 5;

/** What a check asks the client to send. */
export interface ScanRequest {
  readonly method: string;
  /** Path with query, relative to the target (`/users?limit=1`). */
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** A JSON value (sent as application/json), form fields (urlencoded) or raw text. */
  readonly json?: unknown;
  readonly form?: Readonly<Record<string, string>>;
  readonly text?: string;
  readonly identity?: string | undefined;
  readonly operation?: string | undefined;
}

/** Options of a client. */
export interface ClientOptions {
  readonly target: URL;
  readonly safe: boolean;
  readonly maxRequests: number;
  readonly timeoutMs: number;
}

/** A budgeted HTTP client bound to one origin. */
export class ScanClient {
  readonly target: URL;
  readonly safe: boolean;
  readonly maxRequests: number;
  /** Requests sent, in total and by method. */
  sent = 0;
  readonly byMethod = new Map<string, number>();
  readonly recorded: Exchange[] = [];
  /** Requests that got no answer (reset, refused, timed out). */
  failures = 0;
  #checkLimit = Number.POSITIVE_INFINITY;
  #checkSent = 0;
  readonly #timeoutMs: number;
  readonly #agent: Agent;

  constructor(options: ClientOptions) {
    this.target = options.target;
    this.safe = options.safe;
    this.maxRequests = options.maxRequests;
    this.#timeoutMs = options.timeoutMs;
    this.#agent = new Agent({
      connections: 8,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
  }

  /** Starts a check's own budget. */
  beginCheck(limit: number): void {
    this.#checkLimit = limit;
    this.#checkSent = 0;
  }

  /** Requests still allowed for the current check. */
  get remaining(): number {
    return Math.min(this.#checkLimit - this.#checkSent, this.maxRequests - this.sent);
  }

  /** The absolute URL of a target-relative path; refuses anything that would leave the origin. */
  urlOf(path: string): URL {
    if (!path.startsWith('/') || path.startsWith('//'))
      throw new Error(`not a target path: ${path.slice(0, 80)}`);
    const base = this.target.pathname.replace(/\/$/, '');
    const url = new URL(`${this.target.origin}${base}${path}`);
    if (url.origin !== this.target.origin) throw new Error('refusing a request outside the target');
    return url;
  }

  /** Sends one request within the budgets and records the exchange. */
  async send(req: ScanRequest): Promise<Exchange> {
    const method = req.method.toUpperCase();
    if (this.safe && DESTRUCTIVE_METHODS.has(method)) throw new Error(`--safe: ${method} is not sent`);
    if (this.sent >= this.maxRequests || this.#checkSent >= this.#checkLimit) {
      throw new BudgetError('request budget exhausted');
    }
    this.sent++;
    this.#checkSent++;
    this.byMethod.set(method, (this.byMethod.get(method) ?? 0) + 1);
    const url = this.urlOf(req.path);
    const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
    let body: string | undefined;
    if (req.json !== undefined) {
      body = JSON.stringify(req.json);
      headers['content-type'] ??= 'application/json';
    } else if (req.form !== undefined) {
      body = new URLSearchParams(req.form).toString();
      headers['content-type'] ??= 'application/x-www-form-urlencoded';
    } else if (req.text !== undefined) body = req.text;
    const started = performance.now();
    let status = 0;
    let rawHeaders: Record<string, string | string[] | undefined> = {};
    const chunks: Buffer[] = [];
    try {
      const res = await request(url, {
        method: method as 'GET',
        headers,
        ...(body === undefined ? {} : { body }),
        dispatcher: this.#agent,
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      status = res.statusCode;
      rawHeaders = res.headers;
      let size = 0;
      for await (const chunk of res.body as AsyncIterable<Buffer>) {
        if (size < MAX_BODY_BYTES) chunks.push(chunk);
        size += chunk.length;
      }
    } catch (error) {
      // A reset, a refused connection or a timeout is an answer too (status 0): checks judge it,
      // the scan goes on.
      this.failures++;
      if (this.failures >= UNREACHABLE_AFTER && this.failures === this.sent)
        throw new UnreachableError(`${this.target.origin} answered none of ${this.sent} requests`);
      chunks.length = 0;
      chunks.push(Buffer.from(`(no answer: ${(error as Error).message.slice(0, 120)})`));
    }
    const ms = performance.now() - started;
    const text = Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString('utf8');
    const responseHeaders: Record<string, string> = {};
    for (const [name, value] of Object.entries(rawHeaders)) {
      if (value !== undefined) responseHeaders[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    const exchange: Exchange = {
      method,
      url: url.href,
      requestHeaders: headers,
      requestBody: body,
      status,
      responseHeaders,
      body: text,
      json: status === 0 ? undefined : parseJson(text, responseHeaders['content-type']),
      ms,
      identity: req.identity,
      operation: req.operation,
    };
    if (this.recorded.length < MAX_RECORDED) this.recorded.push(exchange);
    return exchange;
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }
}

function parseJson(text: string, type: string | undefined): unknown {
  if (type === undefined || !/\bjson\b/i.test(type) || text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
