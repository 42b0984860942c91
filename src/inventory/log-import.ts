// Exchanges from access-log lines: Rampart's own JSON access log (`msg: "access"`), and the Common
// and Combined Log Formats nginx and Apache write by default. A log has no bodies and no parameter
// values worth trusting (Rampart redacts secrets), so it teaches endpoints, methods, statuses,
// parameter names, consumers and latency. Lines are split by hand: no regex runs on them.
import { normalizeTarget } from '../gateway/normalize-path.ts';
import type { Exchange } from './exchange.ts';

const MAX_LINE = 64 * 1024;

const MONTHS: Record<string, number> = {
  Jan: 0,
  Feb: 1,
  Mar: 2,
  Apr: 3,
  May: 4,
  Jun: 5,
  Jul: 6,
  Aug: 7,
  Sep: 8,
  Oct: 9,
  Nov: 10,
  Dec: 11,
};

/** `10/Oct/2000:13:55:36 -0700` → milliseconds since the epoch (NaN when malformed). */
export function parseClfTime(text: string): number {
  if (text.length !== 26 || text[2] !== '/' || text[6] !== '/' || text[11] !== ':' || text[20] !== ' ')
    return Number.NaN;
  const month = MONTHS[text.slice(3, 6)];
  if (month === undefined) return Number.NaN;
  const utc = Date.UTC(
    Number(text.slice(7, 11)),
    month,
    Number(text.slice(0, 2)),
    Number(text.slice(12, 14)),
    Number(text.slice(15, 17)),
    Number(text.slice(18, 20)),
  );
  const sign = text[21] === '-' ? -1 : 1;
  const offset = sign * (Number(text.slice(22, 24)) * 60 + Number(text.slice(24, 26))) * 60_000;
  return utc - offset;
}

function target(method: string, url: string): { path: string; rawQuery: string } | undefined {
  if (method.length === 0 || method.length > 16) return undefined;
  const normalized = normalizeTarget(url);
  return normalized.ok ? { path: normalized.path, rawQuery: normalized.rawQuery } : undefined;
}

function fromJson(line: string): Exchange | undefined {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (record === null || typeof record !== 'object' || record.msg !== 'access') return undefined;
  const { method, path, status, latencyMs, consumerId, route, time, requestId, clientIp } = record;
  if (typeof method !== 'string' || typeof path !== 'string' || typeof status !== 'number') return undefined;
  const at = target(method, path);
  if (at === undefined) return undefined;
  return {
    time: typeof time === 'number' ? time : Date.now(),
    method,
    ...at,
    status,
    durationMs: typeof latencyMs === 'number' ? latencyMs : 0,
    consumerId: typeof consumerId === 'string' ? consumerId : undefined,
    route: typeof route === 'string' && route !== 'unmatched' ? route : undefined,
    requestId: typeof requestId === 'string' ? requestId : undefined,
    clientIp: typeof clientIp === 'string' ? clientIp : undefined,
  };
}

// `host ident user [time] "METHOD target HTTP/x" status bytes ["referer" "agent"]`
function fromClf(line: string): Exchange | undefined {
  const open = line.indexOf('[');
  const close = open === -1 ? -1 : line.indexOf(']', open);
  const quote = close === -1 ? -1 : line.indexOf('"', close);
  const endQuote = quote === -1 ? -1 : line.indexOf('"', quote + 1);
  if (endQuote === -1) return undefined;
  const [method = '', url = ''] = line.slice(quote + 1, endQuote).split(' ', 3);
  const at = target(method, url);
  if (at === undefined) return undefined;
  const status = Number(
    line
      .slice(endQuote + 1)
      .trimStart()
      .split(' ', 1)[0],
  );
  if (!Number.isInteger(status) || status < 100 || status > 599) return undefined;
  const time = parseClfTime(line.slice(open + 1, close));
  return {
    time: Number.isFinite(time) ? time : Date.now(),
    method,
    ...at,
    status,
    durationMs: 0,
    clientIp: line.slice(0, line.indexOf(' ')),
  };
}

/** The exchanges of access-log text; lines neither format reads are counted in `skipped`. */
export function* exchangesOfLog(
  text: string,
  counts: { skipped: number } = { skipped: 0 },
): Generator<Exchange> {
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const line = text.slice(start, end).trim();
    start = end + 1;
    if (line === '') continue;
    const exchange =
      line.length > MAX_LINE ? undefined : line.startsWith('{') ? fromJson(line) : fromClf(line);
    if (exchange === undefined) counts.skipped++;
    else yield exchange;
  }
}
