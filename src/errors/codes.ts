// The one catalogue of error codes Rampart answers with. A code is never renamed once shipped;
// docs/errors.md lists every code (a test checks it).

/** Every error code, its HTTP status and the client-safe title. */
export const ERROR_CODES = {
  // Listener and HTTP parsing (before any route is known).
  RAMPART_HTTP_BAD_REQUEST: { status: 400, title: 'Bad request' },
  RAMPART_HTTP_AMBIGUOUS_REQUEST: { status: 400, title: 'Ambiguous request framing' },
  RAMPART_HTTP_BAD_PATH: { status: 400, title: 'Request path is not acceptable' },
  RAMPART_HTTP_HEADERS_TOO_LARGE: { status: 431, title: 'Request header fields too large' },
  RAMPART_HTTP_REQUEST_TIMEOUT: { status: 408, title: 'Request timeout' },
  RAMPART_HTTP_METHOD_REFUSED: { status: 405, title: 'Method not allowed' },
  RAMPART_HTTP_HTTPS_REQUIRED: { status: 308, title: 'HTTPS required' },
  // Routing.
  RAMPART_ROUTE_NOT_FOUND: { status: 404, title: 'Not found' },
  RAMPART_ROUTE_METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed' },
  // ingress stage.
  RAMPART_INGRESS_URL_TOO_LONG: { status: 414, title: 'URI too long' },
  RAMPART_INGRESS_HEADERS_TOO_LARGE: { status: 431, title: 'Request header fields too large' },
  RAMPART_INGRESS_BODY_TOO_LARGE: { status: 413, title: 'Content too large' },
  RAMPART_INGRESS_JSON_TOO_DEEP: { status: 400, title: 'JSON body nested too deeply' },
  RAMPART_INGRESS_JSON_TOO_MANY_KEYS: { status: 413, title: 'JSON body has too many members' },
  RAMPART_INGRESS_JSON_INVALID: { status: 400, title: 'JSON body is not valid' },
  RAMPART_INGRESS_METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed' },
  RAMPART_INGRESS_IP_DENIED: { status: 403, title: 'Forbidden' },
  // threat stage.
  RAMPART_THREAT_DETECTED: { status: 403, title: 'Forbidden' },
  RAMPART_THREAT_INSPECTION_BUDGET: { status: 413, title: 'Content too large to inspect' },
  // Upstream.
  RAMPART_UPSTREAM_UNAVAILABLE: { status: 502, title: 'Bad gateway' },
  RAMPART_UPSTREAM_TIMEOUT: { status: 504, title: 'Gateway timeout' },
  RAMPART_UPSTREAM_ERROR: { status: 502, title: 'Bad gateway' },
  // response stage.
  RAMPART_RESPONSE_UPSTREAM_ERROR_HIDDEN: { status: 502, title: 'Upstream error' },
  // Admin listener.
  RAMPART_ADMIN_UNAUTHORIZED: { status: 401, title: 'Unauthorized' },
  RAMPART_ADMIN_HOST_REFUSED: { status: 400, title: 'Host not accepted by the admin listener' },
  // The gateway itself.
  RAMPART_INTERNAL_POLICY_FAULT: { status: 500, title: 'Internal error' },
  RAMPART_INTERNAL_ERROR: { status: 500, title: 'Internal error' },
} as const satisfies Record<string, { status: number; title: string }>;

/** A stable error code: `RAMPART_<AREA>_<REASON>`. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** Whether a string is a known error code. */
export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(ERROR_CODES, value);
}
