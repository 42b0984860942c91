// Problem details (RFC 9457) for every answer the gateway writes itself.
import { ERROR_CODES, type ErrorCode } from './codes.ts';

/** The body of a problem+json answer. Never holds a stack, an upstream address or a matched payload. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  requestId: string;
  detail?: string;
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const TYPE_BASE = 'https://rampart.dev/errors/';

/** An error the gateway answers with: `reason` goes to logs only, `detail` is safe for clients. */
export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly detail: string | undefined;
  readonly reason: string | undefined;

  constructor(code: ErrorCode, options: { detail?: string; reason?: string; cause?: unknown } = {}) {
    super(options.reason ?? code, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GatewayError';
    this.code = code;
    this.status = ERROR_CODES[code].status;
    this.detail = options.detail;
    this.reason = options.reason;
  }
}

/** Builds the problem document for a code; `extensions` carry client-safe members only. */
export function problemFor(
  code: ErrorCode,
  requestId: string,
  detail?: string,
  extensions?: Record<string, unknown>,
): Problem {
  const { status, title } = ERROR_CODES[code];
  const problem: Problem = {
    type: TYPE_BASE + code.toLowerCase().replaceAll('_', '-'),
    title,
    status,
    code,
    requestId,
  };
  if (detail !== undefined) problem.detail = detail;
  if (extensions !== undefined) {
    for (const [key, value] of Object.entries(extensions)) {
      if (!(key in problem)) problem[key] = value;
    }
  }
  return problem;
}

/** Serializes a problem document; the result is what goes on the wire. */
export function renderProblem(problem: Problem): string {
  return JSON.stringify(problem);
}
