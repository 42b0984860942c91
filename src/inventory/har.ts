// Exchanges from a HAR file (HTTP Archive 1.2, what browsers and proxies export), for APIs not yet
// behind the gateway. Paths are normalized the way the gateway normalizes them, so a HAR of some
// traffic and the same traffic through the gateway are learned alike.
import { normalizeTarget } from '../gateway/normalize-path.ts';
import type { Exchange } from './exchange.ts';
import { isUsableName } from './facts.ts';

/** HAR entries read at most from one file. */
export const MAX_HAR_ENTRIES = 1_000_000;

interface HarHeader {
  readonly name?: unknown;
  readonly value?: unknown;
}

function headersOf(list: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Array.isArray(list)) return out;
  for (const header of list.slice(0, 256) as HarHeader[]) {
    if (typeof header?.name !== 'string' || typeof header.value !== 'string') continue;
    const name = header.name.toLowerCase();
    if (!isUsableName(name)) continue;
    out[name] = Object.hasOwn(out, name) ? `${out[name]}, ${header.value}` : header.value;
  }
  return out;
}

/** Headers with the content's MIME type as Content-Type when the headers had none. */
function withType(headers: Record<string, string>, content: unknown): Record<string, string> {
  const mime = (content as { mimeType?: unknown } | undefined)?.mimeType;
  if (headers['content-type'] === undefined && typeof mime === 'string' && mime !== '')
    headers['content-type'] = mime;
  return headers;
}

function contentOf(content: unknown): string | undefined {
  if (content === null || typeof content !== 'object') return undefined;
  const { text, encoding } = content as { text?: unknown; encoding?: unknown };
  if (typeof text !== 'string') return undefined;
  return encoding === 'base64' ? Buffer.from(text, 'base64').toString('utf8') : text;
}

/**
 * The exchanges of a parsed HAR document; entries without a usable URL are skipped, and so are those
 * to other hosts than `hosts` when given (a browser's HAR holds its CDN and analytics calls too).
 */
export function* exchangesOfHar(har: unknown, hosts?: readonly string[]): Generator<Exchange> {
  const wanted =
    hosts === undefined || hosts.length === 0 ? undefined : new Set(hosts.map((h) => h.toLowerCase()));
  const entries = (har as { log?: { entries?: unknown } } | undefined)?.log?.entries;
  if (!Array.isArray(entries)) throw new Error('not a HAR document (no log.entries)');
  for (const entry of entries.slice(0, MAX_HAR_ENTRIES)) {
    if (entry === null || typeof entry !== 'object') continue;
    const { request, response, startedDateTime, time } = entry as Record<string, unknown>;
    if (request === null || typeof request !== 'object') continue;
    const { method, url, headers, postData } = request as Record<string, unknown>;
    if (typeof method !== 'string' || typeof url !== 'string') continue;
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      continue;
    }
    if (wanted !== undefined && !wanted.has(target.host) && !wanted.has(target.hostname)) continue;
    const normalized = normalizeTarget(`${target.pathname}${target.search}`);
    if (!normalized.ok) continue;
    const answer = (response ?? {}) as Record<string, unknown>;
    const started = typeof startedDateTime === 'string' ? Date.parse(startedDateTime) : Number.NaN;
    const postText = contentOf(postData);
    yield {
      time: Number.isFinite(started) ? started : Date.now(),
      method,
      path: normalized.path,
      rawQuery: normalized.rawQuery,
      status: typeof answer.status === 'number' ? answer.status : 0,
      durationMs: typeof time === 'number' && time >= 0 ? time : 0,
      requestHeaders: withType(headersOf(headers), postData),
      requestBody: postText,
      responseHeaders: withType(headersOf(answer.headers), answer.content),
      responseBody: contentOf(answer.content),
    };
  }
}
