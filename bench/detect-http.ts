// The detection eval over HTTP: sends each corpus line as a request (query, JSON body, form body,
// multipart field, header, cookie, path and XML body placements) to a gateway in front of an upstream
// that answers 200, and counts blocked (403) against passed (2xx) per file and placement.
import { Pool } from 'undici';
import type { CorpusFile } from './detect-corpus.ts';
import { xmlBodyFor } from './detect-placements.ts';

/** Where a corpus line is placed in the request. */
export type HttpPlacement = 'query' | 'json' | 'form' | 'multipart' | 'header' | 'cookie' | 'path' | 'xml';
export const HTTP_PLACEMENTS: readonly HttpPlacement[] = [
  'query',
  'json',
  'form',
  'multipart',
  'header',
  'cookie',
  'path',
  'xml',
];
const BOUNDARY = '----RampartEvalBoundary';

/** Lines longer than this are not sent in the URL or a header (servers refuse such request heads). */
const MAX_HEAD_VALUE = 6000;
const REQUEST_TIMEOUT_MS = 30_000;
/**
 * Headers a browser sends, so no system is judged on a bare client: CRS scores a numeric Host, a
 * missing Accept and a missing User-Agent as anomalies of their own (rules 920350, 920300, 920320).
 */
const BROWSER_HEADERS: Readonly<Record<string, string>> = {
  host: 'app.example.com',
  accept: '*/*',
  'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
};

interface RequestSpec {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

/** The request that carries `line` in `placement`, or undefined when HTTP cannot carry it there. */
export function requestFor(line: string, placement: HttpPlacement): RequestSpec | undefined {
  switch (placement) {
    case 'query':
      return line.length > MAX_HEAD_VALUE
        ? undefined
        : { method: 'GET', path: `/eval?q=${encodeURIComponent(line)}`, headers: {} };
    case 'json':
      return {
        method: 'POST',
        path: '/eval',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ q: line }),
      };
    case 'form':
      return {
        method: 'POST',
        path: '/eval',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `q=${encodeURIComponent(line)}`,
      };
    case 'multipart':
      return {
        method: 'POST',
        path: '/eval',
        headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
        body: `--${BOUNDARY}\r\nContent-Disposition: form-data; name="q"\r\n\r\n${line}\r\n--${BOUNDARY}--\r\n`,
      };
    case 'cookie': {
      // Cookie values are percent-encoded by the applications that set them (RFC 6265 §4.1.1).
      const value = encodeURIComponent(line);
      return value.length > MAX_HEAD_VALUE
        ? undefined
        : { method: 'GET', path: '/eval', headers: { cookie: `q=${value}` } };
    }
    case 'header': {
      // A field value is bytes without CR, LF, NUL or other controls (RFC 9110 §5.5): send the UTF-8 bytes.
      if (line.length > MAX_HEAD_VALUE || /[\u0000-\u0008\u000a-\u001f\u007f]/.test(line)) return undefined;
      const bytes = Buffer.from(line.trim(), 'utf8').toString('latin1');
      return bytes.length === 0
        ? undefined
        : { method: 'GET', path: '/eval', headers: { 'user-agent': bytes } };
    }
    case 'path':
      // Slashes stay slashes (so `../` walks segments); everything else is percent-encoded.
      return line.length > MAX_HEAD_VALUE
        ? undefined
        : { method: 'GET', path: `/eval/${encodeURIComponent(line).replaceAll('%2F', '/')}`, headers: {} };
    case 'xml':
      // The line as the XML body when it is an XML document, else the text of `<q>…</q>` (escaped).
      return {
        method: 'POST',
        path: '/eval',
        headers: { 'content-type': 'application/xml' },
        body: xmlBodyFor(line),
      };
  }
}

/** Outcomes of one file in one placement. */
export interface Counts {
  blocked: number;
  passed: number;
  /** Other statuses (400, 413, 414…) and transport errors: neither a detection nor a pass. */
  other: number;
  /** Lines HTTP cannot carry in this placement. */
  skipped: number;
}

/** Results of one target: file label → placement → counts. */
export type HttpResults = Map<string, Record<HttpPlacement, Counts>>;

/** The share of judged requests that were blocked (blocked / (blocked + passed)). */
export function rateOf(counts: readonly Counts[]): number {
  let blocked = 0;
  let judged = 0;
  for (const c of counts) {
    blocked += c.blocked;
    judged += c.blocked + c.passed;
  }
  return judged === 0 ? 0 : blocked / judged;
}

/** Refuses any target that is not a loopback HTTP origin (the eval sends attacks). */
export function checkTarget(url: string): URL {
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:' || parsed.hostname !== '127.0.0.1')
    throw new Error(`--target must be http://127.0.0.1:PORT (got ${url})`);
  return parsed;
}

/** Sends every line of `files` in every placement with at most `concurrency` requests in flight. */
export async function runHttpEval(
  url: string,
  files: readonly CorpusFile[],
  options: {
    concurrency: number;
    placements?: readonly HttpPlacement[];
    onProgress?: (done: number, total: number) => void;
  },
): Promise<HttpResults> {
  const origin = checkTarget(url).origin;
  const placements = options.placements ?? HTTP_PLACEMENTS;
  const results: HttpResults = new Map();
  const jobs: { counts: Counts; spec: RequestSpec }[] = [];
  for (const file of files) {
    const row = {} as Record<HttpPlacement, Counts>;
    for (const placement of placements) {
      const counts: Counts = { blocked: 0, passed: 0, other: 0, skipped: 0 };
      row[placement] = counts;
      for (const line of file.lines) {
        const spec = requestFor(line, placement);
        if (spec === undefined) counts.skipped++;
        else jobs.push({ counts, spec });
      }
    }
    results.set(file.label, row);
  }
  const pool = new Pool(origin, { connections: options.concurrency, pipelining: 1 });
  let next = 0;
  let done = 0;
  async function worker(): Promise<void> {
    while (next < jobs.length) {
      const job = jobs[next++]!;
      const status = await send(pool, job.spec);
      if (status === 403) job.counts.blocked++;
      else if (status >= 200 && status < 300) job.counts.passed++;
      else job.counts.other++;
      done++;
      if (done % 2000 === 0) options.onProgress?.(done, jobs.length);
    }
  }
  try {
    await Promise.all(Array.from({ length: options.concurrency }, () => worker()));
  } finally {
    await pool.close();
  }
  return results;
}

/** The status of one request; a transport error is retried once, then counted as 0. */
async function send(pool: Pool, spec: RequestSpec): Promise<number> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const res = await pool.request({
        method: spec.method,
        path: spec.path,
        headers: { ...BROWSER_HEADERS, ...spec.headers },
        body: spec.body ?? null,
        headersTimeout: REQUEST_TIMEOUT_MS,
        bodyTimeout: REQUEST_TIMEOUT_MS,
      });
      await res.body.dump();
      return res.statusCode;
    } catch {
      // A WAF may close the connection after a block; the pool opens a new one.
    }
  }
  return 0;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`.padStart(7);
/** A cell's rate, or `-` when the system answered none of its requests 403 or 2xx (all refused as malformed, say). */
const cellPct = (c: Counts) => (c.blocked + c.passed === 0 ? '-'.padStart(7) : pct(rateOf([c])));

/** A table of one target's results: one row per file, one column per placement, plus others. */
export function formatHttpTable(
  title: string,
  results: HttpResults,
  labels: readonly string[] = [...results.keys()],
  placements = HTTP_PLACEMENTS,
): string {
  const out = [
    title,
    `${'file'.padEnd(28)}${placements.map((p) => p.padStart(7)).join(' ')}    all  other skipped`,
  ];
  const totals = Object.fromEntries(placements.map((p) => [p, [] as Counts[]])) as Record<
    HttpPlacement,
    Counts[]
  >;
  for (const label of labels) {
    const row = results.get(label);
    if (row === undefined) continue;
    const cells = placements.map((p) => row[p]);
    for (const p of placements) totals[p].push(row[p]);
    out.push(
      `${label.padEnd(28)}${cells.map(cellPct).join(' ')}${pct(rateOf(cells))}${String(cells.reduce((s, c) => s + c.other, 0)).padStart(7)}${String(cells.reduce((s, c) => s + c.skipped, 0)).padStart(8)}`,
    );
  }
  const all = placements.flatMap((p) => totals[p]);
  out.push(
    `${'overall'.padEnd(28)}${placements.map((p) => pct(rateOf(totals[p]))).join(' ')}${pct(rateOf(all))}`,
  );
  return out.join('\n');
}
