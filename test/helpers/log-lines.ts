// Collects JSON log lines and lets a test await one: the event "this was logged" instead of a sleep.

/** One parsed JSON log line. */
export type LogRecord = Record<string, unknown>;

/** Log lines as they arrive, with a way to await one. */
export interface LogLines {
  /** Every line so far (raw text). */
  readonly lines: string[];
  /** Adds one line (a JSON document, or text that is only kept). */
  push(line: string): void;
  /**
   * Resolves with the first record `match` accepts among the lines from index `from` on (default 0:
   * also those already logged), or still to come.
   */
  waitFor(match: (record: LogRecord) => boolean, from?: number): Promise<LogRecord>;
}

/** A bound on every wait: a line that never comes fails the test instead of hanging the run. */
const SAFETY_NET_MS = 10_000;

function parse(line: string): LogRecord | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null ? (value as LogRecord) : undefined;
  } catch {
    return undefined;
  }
}

/** Creates an empty collection. */
export function createLogLines(): LogLines {
  const lines: string[] = [];
  const waiters = new Set<{ match: (record: LogRecord) => boolean; resolve: (record: LogRecord) => void }>();
  return {
    lines,
    push(line) {
      lines.push(line);
      if (waiters.size === 0) return;
      const record = parse(line);
      if (record === undefined) return;
      for (const waiter of waiters) {
        if (!waiter.match(record)) continue;
        waiters.delete(waiter);
        waiter.resolve(record);
      }
    },
    waitFor(match, from = 0) {
      for (const line of lines.slice(from)) {
        const record = parse(line);
        if (record !== undefined && match(record)) return Promise.resolve(record);
      }
      return new Promise((resolve, reject) => {
        const waiter = {
          match,
          resolve: (record: LogRecord) => {
            clearTimeout(timer);
            resolve(record);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`no matching log line within ${SAFETY_NET_MS} ms`));
        }, SAFETY_NET_MS);
        waiters.add(waiter);
      });
    },
  };
}

/** Matches the access record of request `requestId` (written when the request has ended). */
export function accessOf(requestId: string): (record: LogRecord) => boolean {
  return (record) => record.msg === 'access' && record.requestId === requestId;
}
