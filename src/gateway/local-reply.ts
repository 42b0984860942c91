// Answers the gateway makes itself: RFC 9457 problem+json with the code and request id, built here
// and written by writer.ts.
import { ERROR_CODES, type ErrorCode } from '../errors/codes.ts';
import { PROBLEM_CONTENT_TYPE, problemFor, renderProblem } from '../errors/gateway-error.ts';
import type { HeaderMap } from '../policies/policy.ts';

/** A local reply before it is written: status, headers (lower-case) and body. */
export interface LocalReply {
  code: ErrorCode;
  status: number;
  headers: HeaderMap;
  body: Buffer;
}

/** Builds the problem+json reply for a code. */
export function problemReply(
  code: ErrorCode,
  requestId: string,
  options: {
    status?: number | undefined;
    detail?: string | undefined;
    headers?: Readonly<Record<string, string>> | undefined;
    extensions?: Readonly<Record<string, unknown>> | undefined;
  } = {},
): LocalReply {
  const problem = problemFor(code, requestId, options.detail, options.extensions);
  if (options.status !== undefined) problem.status = options.status;
  const body = Buffer.from(renderProblem(problem));
  return {
    code,
    status: options.status ?? ERROR_CODES[code].status,
    headers: {
      ...options.headers,
      'content-type': PROBLEM_CONTENT_TYPE,
      'content-length': String(body.length),
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
    body,
  };
}
