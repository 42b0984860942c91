// Request/response plumbing of the demo API: a tiny router, a bounded JSON body reader, JSON replies.
import type { IncomingMessage } from 'node:http';

/** The largest request body the demo API reads. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** An error that maps to an HTTP status and a JSON `{ error }` body. */
export class HttpError extends Error {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  constructor(status: number, message: string, headers: Readonly<Record<string, string>> = {}) {
    super(message);
    this.status = status;
    this.headers = headers;
  }
}

/** What a handler answers. */
export interface Reply {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** What a handler receives. */
export interface RequestContext {
  readonly req: IncomingMessage;
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly params: Readonly<Record<string, string>>;
  /** Reads and parses the JSON body (bounded, `application/json` only). */
  json(): Promise<unknown>;
}

export type Handler = (ctx: RequestContext) => Reply | Promise<Reply>;

interface Route {
  readonly method: string;
  readonly segments: readonly string[];
  readonly handler: Handler;
}

/** The outcome of a lookup: a handler with params, a 405 with the allowed methods, or nothing. */
export type Match =
  | { readonly kind: 'found'; readonly handler: Handler; readonly params: Record<string, string> }
  | { readonly kind: 'method'; readonly allow: readonly string[] }
  | { readonly kind: 'none' };

/** A method + path router; patterns use `:name` segments (`/users/:id`). */
export class Router {
  readonly #routes: Route[] = [];

  add(method: string, pattern: string, handler: Handler): this {
    this.#routes.push({ method, segments: pattern.split('/').slice(1), handler });
    return this;
  }

  match(method: string, path: string): Match {
    const parts = path.split('/').slice(1);
    const allow: string[] = [];
    for (const route of this.#routes) {
      const params = matchSegments(route.segments, parts);
      if (params === undefined) continue;
      if (route.method === method) return { kind: 'found', handler: route.handler, params };
      allow.push(route.method);
    }
    return allow.length > 0 ? { kind: 'method', allow } : { kind: 'none' };
  }
}

function matchSegments(
  segments: readonly string[],
  parts: readonly string[],
): Record<string, string> | undefined {
  if (segments.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const part = parts[i]!;
    if (segment.startsWith(':')) {
      if (part === '') return undefined;
      params[segment.slice(1)] = decodeParam(part);
    } else if (segment !== part) {
      return undefined;
    }
  }
  return params;
}

function decodeParam(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new HttpError(400, 'malformed percent-encoding in path');
  }
}

/** Reads a JSON request body: 415 unless JSON, 413 over `limit` bytes, 400 when it does not parse. */
export async function readJson(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') throw new HttpError(415, 'expected Content-Type: application/json');
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > limit) throw new HttpError(413, `body larger than ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new HttpError(413, `body larger than ${limit} bytes`);
    chunks.push(chunk);
  }
  if (size === 0) throw new HttpError(400, 'empty body');
  try {
    return JSON.parse(Buffer.concat(chunks, size).toString('utf8'));
  } catch {
    throw new HttpError(400, 'body is not valid JSON');
  }
}

/** Narrows a parsed body to a plain JSON object (400 otherwise). */
export function asObject(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HttpError(400, 'body must be a JSON object');
  }
  return value as Record<string, unknown>;
}

/** Parses a positive integer path id (404 when it is not one, as a missing resource). */
export function parseId(value: string | undefined, what: string): number {
  const id = value !== undefined && /^[0-9]{1,9}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(id) || id <= 0) throw new HttpError(404, `${what} not found`);
  return id;
}

/** Reads `limit` and `offset` query parameters with bounds (limit 1..100, default 20). */
export function parsePage(query: URLSearchParams): { limit: number; offset: number } {
  const limit = query.has('limit') ? Number(query.get('limit')) : 20;
  const offset = query.has('offset') ? Number(query.get('offset')) : 0;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new HttpError(400, 'limit must be 1..100');
  if (!Number.isInteger(offset) || offset < 0) throw new HttpError(400, 'offset must be >= 0');
  return { limit, offset };
}
