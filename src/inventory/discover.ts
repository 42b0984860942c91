// `rampart discover`: probes hosts the user names for API surfaces (specs at well-known paths,
// GraphQL endpoints, version prefixes, framework and debug paths) and reports what answered, with
// the spec when one is found. Bounded: the probe table per host, a request rate, a timeout and a body
// budget per answer; redirects are reported, never followed, so only the given hosts are contacted.
// A host that does not answer the first (baseline) request is reported unreachable and left alone.
import { randomBytes } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import {
  GRAPHQL_INTROSPECTION,
  GRAPHQL_PROBE,
  PROBES,
  type Probe,
  type ProbeCategory,
} from './discover-probes.ts';

/** Options of a discovery run. */
export interface DiscoverOptions {
  readonly targets: readonly URL[];
  /** Requests per second per host (default 10); `Infinity`: unpaced. */
  readonly ratePerSecond?: number;
  /** Per request (default 5000 ms). */
  readonly timeoutMs?: number;
  /** Bytes read of an answer that may be a spec (default 4 MiB); others are read to 64 KiB. */
  readonly maxSpecBytes?: number;
  /** Waits between requests (injected in tests; a real timer otherwise). */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly onProgress?: (target: string, done: number, total: number) => void;
}

/** A spec found. */
export interface FoundSpec {
  /** `openapi` or `swagger` (2.0). */
  readonly kind: 'openapi' | 'swagger';
  readonly version: string;
  readonly title: string | undefined;
  readonly apiVersion: string | undefined;
  readonly operations: number;
  readonly document: Record<string, unknown>;
}

/** A path that answered. */
export interface Answer {
  readonly url: string;
  readonly path: string;
  readonly category: ProbeCategory;
  readonly status: number;
  readonly contentType: string | undefined;
  readonly bytes: number;
  readonly notes: readonly string[];
  readonly spec?: FoundSpec;
  readonly graphql?: { readonly introspection: boolean };
}

/** What one host answered. */
export interface TargetReport {
  readonly target: string;
  readonly reachable: boolean;
  readonly error?: string;
  readonly requests: number;
  /** The status of a path that cannot exist (a catch-all answers 200 there). */
  readonly baselineStatus?: number;
  readonly answers: readonly Answer[];
}

const SMALL_BODY = 64 * 1024;
const METHODS_OPERATIONS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

interface Reply {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly location: string | undefined;
  readonly text: string;
  readonly bytes: number;
}

async function readBounded(response: Response, limit: number): Promise<{ text: string; bytes: number }> {
  const reader = response.body?.getReader();
  if (reader === undefined) return { text: '', bytes: 0 };
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.length;
    if (bytes > limit) {
      await reader.cancel();
      break;
    }
    chunks.push(value);
  }
  return { text: Buffer.concat(chunks).toString('utf8'), bytes };
}

function specOf(text: string, contentType: string | undefined): FoundSpec | undefined {
  const trimmed = text.trimStart();
  let value: unknown;
  try {
    if (trimmed.startsWith('{')) value = JSON.parse(trimmed);
    else if (
      /^(openapi|swagger)[ \t]*:/m.test(trimmed.slice(0, 4096)) &&
      !(contentType ?? '').includes('html')
    )
      value = parseYaml(trimmed, { maxAliasCount: 100 });
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const document = value as Record<string, unknown>;
  const kind =
    typeof document.openapi === 'string'
      ? 'openapi'
      : typeof document.swagger === 'string'
        ? 'swagger'
        : undefined;
  if (kind === undefined) return undefined;
  const info = (document.info ?? {}) as { title?: unknown; version?: unknown };
  let operations = 0;
  const paths = document.paths;
  if (paths !== null && typeof paths === 'object') {
    for (const item of Object.values(paths as Record<string, unknown>)) {
      if (item !== null && typeof item === 'object')
        operations += Object.keys(item).filter((key) => METHODS_OPERATIONS.includes(key)).length;
    }
  }
  return {
    kind,
    version: String(document[kind]),
    title: typeof info.title === 'string' ? info.title.slice(0, 200) : undefined,
    apiVersion: typeof info.version === 'string' ? info.version.slice(0, 64) : undefined,
    operations,
    document,
  };
}

function notesOf(reply: Reply): string[] {
  const notes: string[] = [];
  if (reply.status === 401 || reply.status === 403) notes.push('exists, requires credentials');
  if (reply.status === 405) notes.push('exists for other methods');
  if (reply.status >= 300 && reply.status < 400 && reply.location !== undefined)
    notes.push(`redirects to ${reply.location.slice(0, 200)}`);
  // A stack trace in an answer: frames as Node, Python, Java and .NET print them.
  const text = reply.text;
  if (
    text.includes('    at ') ||
    text.includes('Traceback (most recent call last)') ||
    text.includes('Exception in thread') ||
    text.includes('\\n    at ')
  )
    notes.push('verbose error: the answer carries a stack trace');
  if (reply.status >= 500) notes.push(`server error ${reply.status}`);
  return notes;
}

function isGraphql(text: string): boolean {
  try {
    const value = JSON.parse(text) as { data?: unknown; errors?: unknown };
    return (value.data !== null && typeof value.data === 'object') || Array.isArray(value.errors);
  } catch {
    return false;
  }
}

/** Probes every target; resolves with one report per target, in order. */
export async function discover(options: DiscoverOptions): Promise<TargetReport[]> {
  const rate = options.ratePerSecond ?? 10;
  const interval = Number.isFinite(rate) && rate > 0 ? 1000 / rate : 0;
  const timeoutMs = options.timeoutMs ?? 5000;
  const maxSpecBytes = options.maxSpecBytes ?? 4 * 1024 * 1024;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const reports: TargetReport[] = [];
  for (const target of options.targets) {
    const base = target.href.endsWith('/') ? target.href.slice(0, -1) : target.href;
    let requests = 0;
    let last = -Infinity;
    const send = async (path: string, init: RequestInit = {}, limit = SMALL_BODY): Promise<Reply> => {
      const wait = last + interval - performance.now();
      if (wait > 0) await sleep(wait);
      last = performance.now();
      requests++;
      const response = await fetch(`${base}${path}`, {
        ...init,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
        headers: {
          'user-agent': 'rampart-discover',
          accept: '*/*',
          ...(init.headers as Record<string, string>),
        },
      });
      const body = await readBounded(response, limit);
      return {
        status: response.status,
        contentType: response.headers.get('content-type') ?? undefined,
        location: response.headers.get('location') ?? undefined,
        ...body,
      };
    };
    let baseline: Reply;
    try {
      baseline = await send(`/rampart-discover-${randomBytes(8).toString('hex')}`);
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      reports.push({
        target: target.href,
        reachable: false,
        error: cause?.code ?? cause?.message ?? (error as Error).message,
        requests,
        answers: [],
      });
      continue;
    }
    const catchAll = baseline.status !== 404 && baseline.status !== 410;
    const differs = (reply: Reply) =>
      reply.status !== baseline.status ||
      reply.contentType !== baseline.contentType ||
      Math.abs(reply.bytes - baseline.bytes) > Math.max(64, baseline.bytes / 10);
    const answers: Answer[] = [];
    let done = 0;
    for (const probe of PROBES) {
      options.onProgress?.(target.href, ++done, PROBES.length);
      let answer: Omit<Answer, 'url'> | undefined;
      try {
        answer = await probeOne(
          probe,
          send,
          maxSpecBytes,
          (reply) => reply.status !== 404 && reply.status !== 410 && (!catchAll || differs(reply)),
        );
      } catch {
        continue; // A probe that timed out or was reset tells nothing; the others still run.
      }
      if (answer !== undefined) answers.push({ ...answer, url: `${base}${probe.path}` });
    }
    reports.push({
      target: target.href,
      reachable: true,
      requests,
      baselineStatus: baseline.status,
      answers,
    });
  }
  return reports;
}

function answerOf(
  probe: Probe,
  reply: Reply,
  notes: readonly string[],
  extra: Pick<Answer, 'spec' | 'graphql'> = {},
): Omit<Answer, 'url'> {
  return {
    path: probe.path,
    category: probe.category,
    status: reply.status,
    contentType: reply.contentType,
    bytes: reply.bytes,
    notes,
    ...extra,
  };
}

async function probeOne(
  probe: Probe,
  send: (path: string, init?: RequestInit, limit?: number) => Promise<Reply>,
  maxSpecBytes: number,
  answered: (reply: Reply) => boolean,
): Promise<Omit<Answer, 'url'> | undefined> {
  if (probe.category === 'graphql') {
    const post = { method: 'POST', headers: { 'content-type': 'application/json' }, body: GRAPHQL_PROBE };
    const reply = await send(probe.path, post);
    if (!isGraphql(reply.text)) {
      return answered(reply) ? answerOf(probe, reply, notesOf(reply)) : undefined;
    }
    const introspection = await send(probe.path, { ...post, body: GRAPHQL_INTROSPECTION });
    const open = introspection.text.includes('"queryType"');
    const notes = ['GraphQL endpoint', ...(open ? ['introspection is open'] : [])];
    return answerOf(probe, reply, notes, { graphql: { introspection: open } });
  }
  const reply = await send(probe.path, {}, probe.category === 'spec' ? maxSpecBytes : SMALL_BODY);
  const spec =
    reply.status === 200 && (probe.category === 'spec' || probe.category === 'docs')
      ? specOf(reply.text, reply.contentType)
      : undefined;
  if (spec === undefined && !answered(reply)) return undefined;
  const notes = notesOf(reply);
  if (spec !== undefined)
    notes.unshift(
      `${spec.kind} ${spec.version} description${spec.title === undefined ? '' : ` "${spec.title}"`}, ${spec.operations} operations`,
    );
  return answerOf(probe, reply, notes, spec === undefined ? {} : { spec });
}
