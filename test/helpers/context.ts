// In-memory policy contexts for unit tests: a full PolicyContext with defaults, recording what a
// policy emits, annotates and edits upstream, plus a fake clock and validated configs with defaults.

import type { TObject } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { ErrorCode } from '../../src/errors/codes.ts';
import type {
  ClientCertificate,
  Clock,
  HeaderMap,
  Identity,
  LogContext,
  PolicyContext,
  PolicyDefinition,
  PolicyDeps,
  PolicyLogger,
  ResponseView,
  RouteInfo,
  SecurityEvent,
  StaticConfig,
} from '../../src/policies/policy.ts';
import { AuthnRecord, OperationMemo } from '../../src/policies/request-shared.ts';

/** A clock tests move by hand; its `sleep` resolves only when the test moves time past the wake-up. */
export interface FakeClock extends Clock {
  advance(ms: number): void;
  set(ms: number): void;
  sleep(ms: number): Promise<void>;
  /** How many sleeps wait for time to pass. */
  readonly sleeping: number;
  /** Resolves once at least `count` sleeps wait, so a test moves time after the code under test waits. */
  whenSleeping(count?: number): Promise<void>;
}

/** A clock that starts at `start` (ms since the epoch) and only moves when told. */
export function fakeClock(start = Date.UTC(2026, 0, 1)): FakeClock {
  let now = start;
  const sleepers: Array<{ at: number; wake: () => void }> = [];
  const watchers: Array<{ count: number; notify: () => void }> = [];
  const notify = () => {
    for (let i = watchers.length - 1; i >= 0; i--) {
      if (sleepers.length >= watchers[i]!.count) watchers.splice(i, 1)[0]!.notify();
    }
  };
  // Wakes sleepers due at the new time, earliest first (ties in the order they fell asleep).
  const moveTo = (time: number) => {
    now = time;
    const due = sleepers.filter((sleeper) => sleeper.at <= now).sort((a, b) => a.at - b.at);
    for (const sleeper of due) {
      sleepers.splice(sleepers.indexOf(sleeper), 1);
      sleeper.wake();
    }
  };
  return {
    now: () => now,
    advance(ms: number) {
      moveTo(now + ms);
    },
    set(ms: number) {
      moveTo(ms);
    },
    sleep(ms: number): Promise<void> {
      if (ms <= 0) return Promise.resolve();
      return new Promise<void>((wake) => {
        sleepers.push({ at: now + ms, wake });
        notify();
      });
    },
    get sleeping() {
      return sleepers.length;
    },
    whenSleeping(count = 1): Promise<void> {
      if (sleepers.length >= count) return Promise.resolve();
      return new Promise<void>((resolve) => watchers.push({ count, notify: resolve }));
    },
  };
}

/** One recorded log call. */
export interface LogRecord {
  level: 'debug' | 'info' | 'warn' | 'error';
  obj: object;
  msg: string | undefined;
}

/** A logger that keeps every call in `records`. */
export interface RecordingLogger extends PolicyLogger {
  readonly records: LogRecord[];
}

/** Builds a logger that records instead of writing. */
export function recordingLogger(): RecordingLogger {
  const records: LogRecord[] = [];
  const at =
    (level: LogRecord['level']) =>
    (obj: object, msg?: string): void => {
      records.push({ level, obj, msg });
    };
  return { records, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** What a test may set; everything else gets a sensible default. */
export interface ContextOverrides {
  requestId?: string;
  method?: string;
  /** Path and query as received; `path`, `rawQuery` and `query` derive from it unless given. */
  rawUrl?: string;
  clientCertificate?: ClientCertificate;
  path?: string;
  headers?: HeaderMap;
  clientIp?: string;
  secure?: boolean;
  route?: Partial<RouteInfo>;
  /** The authentication outcome so far (earlier authn policies' attempts). */
  authn?: AuthnRecord;
  /** A string is encoded as UTF-8. */
  body?: Buffer | string;
  /** Defaults to the body's length when a body is given. */
  contentLength?: number;
  identity?: Identity;
  /** Present means the context is in the response phase. */
  response?: Partial<Omit<ResponseView, 'body'>> & { body?: Buffer | string };
  clock?: Clock;
}

/** A PolicyContext that also exposes what the policy did to it. */
export interface TestContext extends PolicyContext {
  readonly events: Array<Omit<SecurityEvent, 'policy'>>;
  readonly annotations: Map<string, string | number | boolean>;
  /** Header edits in call order: a value set, or `undefined` for a removal. */
  readonly upstreamEdits: Array<{ name: string; value: string | undefined }>;
  /** The upstream header edits folded into their final state. */
  readonly upstreamHeaders: Map<string, string | undefined>;
  /** Query parameter names removed from the upstream URL, in call order. */
  readonly upstreamQueryRemovals: string[];
  readonly log: RecordingLogger;
}

function toBuffer(body: Buffer | string | undefined): Buffer | undefined {
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
}

/** Builds a full in-memory context: GET / from 203.0.113.7 over HTTP unless overridden. */
export function contextFor(overrides: ContextOverrides = {}): TestContext {
  const rawUrl = overrides.rawUrl ?? '/';
  const q = rawUrl.indexOf('?');
  const rawQuery = q === -1 ? '' : rawUrl.slice(q + 1);
  const body = toBuffer(overrides.body);
  const events: Array<Omit<SecurityEvent, 'policy'>> = [];
  const annotations = new Map<string, string | number | boolean>();
  const upstreamEdits: Array<{ name: string; value: string | undefined }> = [];
  const upstreamHeaders = new Map<string, string | undefined>();
  const upstreamQueryRemovals: string[] = [];
  let response: ResponseView | undefined;
  if (overrides.response !== undefined) {
    const given = overrides.response;
    response = {
      status: given.status ?? 200,
      headers: { ...(given.headers ?? { 'content-type': 'application/json' }) },
      body: toBuffer(given.body),
      local: given.local ?? false,
    };
  }
  const headers = { host: 'api.example.test', ...overrides.headers };
  const operations = new OperationMemo();
  const method = overrides.method ?? 'GET';
  const path = overrides.path ?? (q === -1 ? rawUrl : rawUrl.slice(0, q));
  return {
    requestId: overrides.requestId ?? 'req-test-1',
    method,
    rawUrl,
    path,
    rawQuery,
    query: new URLSearchParams(rawQuery),
    headers,
    headerFieldCount: Object.values(headers).reduce<number>(
      (count, value) => count + (value === undefined ? 0 : Array.isArray(value) ? value.length : 1),
      0,
    ),
    clientIp: overrides.clientIp ?? '203.0.113.7',
    secure: overrides.secure ?? false,
    clientCertificate: overrides.clientCertificate,
    route: { name: 'test', upstream: 'backend', pattern: '/*', params: {}, ...overrides.route },
    body,
    contentLength: overrides.contentLength ?? body?.length,
    identity: overrides.identity,
    response,
    setUpstreamHeader(name: string, value: string) {
      upstreamEdits.push({ name: name.toLowerCase(), value });
      upstreamHeaders.set(name.toLowerCase(), value);
    },
    removeUpstreamHeader(name: string) {
      upstreamEdits.push({ name: name.toLowerCase(), value: undefined });
      upstreamHeaders.set(name.toLowerCase(), undefined);
    },
    removeUpstreamQueryParam(name: string) {
      upstreamQueryRemovals.push(name);
    },
    annotate(key: string, value: string | number | boolean) {
      annotations.set(key, value);
    },
    emit(event: Omit<SecurityEvent, 'policy'>) {
      events.push(event);
    },
    authn: overrides.authn ?? new AuthnRecord(),
    matchOperation: (index) => operations.match(index, method, path),
    clock: overrides.clock ?? fakeClock(),
    log: recordingLogger(),
    events,
    annotations,
    upstreamEdits,
    upstreamHeaders,
    upstreamQueryRemovals,
  };
}

/** A log-phase context over `contextFor(overrides)` with the final outcome. */
export function logContextFor(
  overrides: ContextOverrides & { status?: number; errorCode?: ErrorCode; durationMs?: number } = {},
): TestContext & LogContext {
  const ctx = contextFor(overrides);
  return Object.assign(ctx, {
    status: overrides.status ?? 200,
    errorCode: overrides.errorCode,
    durationMs: overrides.durationMs ?? 1,
  });
}

/** Deps for `create()`: a fake clock, a recording logger and the current directory. */
export function depsFor(overrides: Partial<PolicyDeps> = {}): PolicyDeps {
  return { clock: fakeClock(), log: recordingLogger(), baseDir: process.cwd(), ...overrides };
}

/**
 * Validates a raw config block against a policy's schema with defaults applied, as the loader does;
 * throws listing the schema errors so a test cannot silently use an invalid config.
 */
export function configFor<S extends TObject>(
  definition: PolicyDefinition<S>,
  raw: unknown = {},
): StaticConfig<S> {
  const value = Value.Default(definition.config, structuredClone(raw));
  if (!Value.Check(definition.config, value)) {
    const errors = [...Value.Errors(definition.config, value)].map((e) => `${e.path}: ${e.message}`);
    throw new TypeError(`invalid ${definition.name} config: ${errors.join('; ')}`);
  }
  return value as StaticConfig<S>;
}
