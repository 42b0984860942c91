// The one catalogue of error codes Rampart answers with. A code is never renamed once shipped;
// docs/errors.md lists every code (a test checks it).

/** Every error code, its HTTP status and the client-safe title. */
export const ERROR_CODES = {
  // Listener and HTTP parsing (before any route is known).
  RAMPART_HTTP_BAD_REQUEST: { status: 400, title: 'Bad request' },
  RAMPART_HTTP_AMBIGUOUS_REQUEST: { status: 400, title: 'Ambiguous request framing' },
  RAMPART_HTTP_BAD_PATH: { status: 400, title: 'Request path is not acceptable' },
  RAMPART_HTTP_HEADERS_TOO_LARGE: { status: 431, title: 'Request header fields too large' },
  RAMPART_HTTP_URL_TOO_LONG: { status: 414, title: 'URI too long' },
  RAMPART_HTTP_TOO_MANY_CONNECTIONS: { status: 429, title: 'Too many connections from this client' },
  RAMPART_HTTP_REQUEST_TIMEOUT: { status: 408, title: 'Request timeout' },
  RAMPART_HTTP_METHOD_REFUSED: { status: 405, title: 'Method not allowed' },
  RAMPART_HTTP_METHOD_OVERRIDE_REFUSED: { status: 400, title: 'Method override not allowed on this route' },
  RAMPART_HTTP_HTTPS_REQUIRED: { status: 308, title: 'HTTPS required' },
  // WebSocket handshakes (src/gateway/websocket.ts).
  RAMPART_WEBSOCKET_NOT_ENABLED: { status: 400, title: 'WebSocket not offered on this route' },
  RAMPART_WEBSOCKET_BAD_HANDSHAKE: { status: 400, title: 'WebSocket handshake not valid' },
  RAMPART_WEBSOCKET_ORIGIN_REFUSED: { status: 403, title: 'WebSocket origin not allowed' },
  RAMPART_WEBSOCKET_GOING_AWAY: { status: 503, title: 'Service temporarily unavailable' },
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
  RAMPART_CORS_PREFLIGHT: { status: 204, title: 'CORS preflight answered' },
  RAMPART_CORS_REFUSED: { status: 403, title: 'Cross-origin request not allowed' },
  RAMPART_CSRF_REFUSED: { status: 403, title: 'Cross-site request refused' },
  // authn and authz stages (identity and access).
  RAMPART_AUTHN_UNAUTHORIZED: { status: 401, title: 'Unauthorized' },
  RAMPART_AUTHN_LOCKED_OUT: { status: 429, title: 'Too many failed authentication attempts' },
  RAMPART_AUTHN_TLS_REQUIRED: { status: 403, title: 'This authentication method requires HTTPS' },
  RAMPART_AUTHN_UNAVAILABLE: { status: 503, title: 'Authentication temporarily unavailable' },
  RAMPART_AUTHN_LOGIN_FAILED: { status: 401, title: 'Login failed' },
  RAMPART_AUTHN_STEP_UP_REQUIRED: { status: 401, title: 'Stronger authentication required' },
  RAMPART_AUTHZ_FORBIDDEN: { status: 403, title: 'Forbidden' },
  RAMPART_AUTHZ_OBJECT_NOT_FOUND: { status: 404, title: 'Not found' },
  // traffic stage.
  RAMPART_TRAFFIC_RATE_LIMITED: { status: 429, title: 'Too many requests' },
  RAMPART_TRAFFIC_QUOTA_EXCEEDED: { status: 429, title: 'Quota exceeded' },
  RAMPART_TRAFFIC_CONCURRENCY_LIMITED: { status: 503, title: 'Too many concurrent requests' },
  RAMPART_TRAFFIC_STATE_UNAVAILABLE: { status: 503, title: 'Service temporarily unavailable' },
  // validation stage (openapi-validate).
  RAMPART_VALIDATION_REQUEST_INVALID: { status: 400, title: 'Request does not match the API contract' },
  RAMPART_VALIDATION_OPERATION_UNKNOWN: { status: 404, title: 'Not found' },
  RAMPART_VALIDATION_METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed' },
  RAMPART_VALIDATION_UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported media type' },
  RAMPART_VALIDATION_FIELD_FORBIDDEN: { status: 403, title: 'Field may not be set' },
  RAMPART_VALIDATION_SENSITIVE_DATA: { status: 400, title: 'Request carries sensitive data' },
  // validation stage (graphql).
  RAMPART_GRAPHQL_REQUEST_INVALID: { status: 400, title: 'Not a valid GraphQL request' },
  RAMPART_GRAPHQL_DOCUMENT_INVALID: { status: 400, title: 'GraphQL document could not be parsed' },
  RAMPART_GRAPHQL_REQUEST_TOO_LARGE: { status: 413, title: 'GraphQL request too large' },
  RAMPART_GRAPHQL_METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed for this GraphQL operation' },
  RAMPART_GRAPHQL_UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported media type for GraphQL' },
  RAMPART_GRAPHQL_BATCH_TOO_LARGE: { status: 400, title: 'Too many operations in one batch' },
  RAMPART_GRAPHQL_TOO_DEEP: { status: 400, title: 'GraphQL query nested too deeply' },
  RAMPART_GRAPHQL_TOO_MANY_ALIASES: { status: 400, title: 'GraphQL query has too many aliases' },
  RAMPART_GRAPHQL_TOO_MANY_DIRECTIVES: { status: 400, title: 'GraphQL query has too many directives' },
  RAMPART_GRAPHQL_TOO_COSTLY: { status: 400, title: 'GraphQL query too costly' },
  RAMPART_GRAPHQL_TOO_COMPLEX: { status: 400, title: 'GraphQL query too complex' },
  RAMPART_GRAPHQL_INTROSPECTION_DISABLED: { status: 403, title: 'GraphQL introspection is disabled' },
  RAMPART_GRAPHQL_FIELD_FORBIDDEN: { status: 403, title: 'Not allowed to read a requested field' },
  RAMPART_GRAPHQL_PERSISTED_QUERY_NOT_FOUND: { status: 400, title: 'Persisted query not found' },
  RAMPART_GRAPHQL_PERSISTED_QUERY_REFUSED: { status: 403, title: 'Only persisted queries are allowed' },
  // threat stage.
  RAMPART_THREAT_DETECTED: { status: 403, title: 'Forbidden' },
  RAMPART_THREAT_INSPECTION_BUDGET: { status: 413, title: 'Content too large to inspect' },
  // Forward-auth (external authorization) requests.
  RAMPART_FORWARD_AUTH_UNTRUSTED_PEER: {
    status: 403,
    title: 'Authorization requests are only answered to trusted proxies',
  },
  RAMPART_FORWARD_AUTH_NO_ORIGINAL: {
    status: 400,
    title: 'Authorization request does not describe the original request',
  },
  // Upstream.
  RAMPART_UPSTREAM_UNAVAILABLE: { status: 502, title: 'Bad gateway' },
  RAMPART_UPSTREAM_TIMEOUT: { status: 504, title: 'Gateway timeout' },
  RAMPART_UPSTREAM_ERROR: { status: 502, title: 'Bad gateway' },
  RAMPART_UPSTREAM_CIRCUIT_OPEN: { status: 503, title: 'Service temporarily unavailable' },
  RAMPART_UPSTREAM_UNHEALTHY: { status: 503, title: 'Service temporarily unavailable' },
  // response stage.
  RAMPART_RESPONSE_UPSTREAM_ERROR_HIDDEN: { status: 502, title: 'Upstream error' },
  RAMPART_RESPONSE_CONTRACT_VIOLATION: { status: 502, title: 'Upstream response breaks the API contract' },
  RAMPART_RESPONSE_UNINSPECTABLE: { status: 502, title: 'Upstream response cannot be inspected' },
  RAMPART_RESPONSE_SENSITIVE_DATA: { status: 502, title: 'Upstream response withheld' },
  // Admin listener.
  RAMPART_ADMIN_UNAUTHORIZED: { status: 401, title: 'Unauthorized' },
  RAMPART_ADMIN_HOST_REFUSED: { status: 400, title: 'Host not accepted by the admin listener' },
  RAMPART_ADMIN_FORBIDDEN: { status: 403, title: 'This admin token may only read' },
  RAMPART_ADMIN_LOCKED_OUT: { status: 429, title: 'Too many wrong admin tokens from this address' },
  RAMPART_ADMIN_BAD_REQUEST: { status: 400, title: 'Admin request not valid' },
  RAMPART_ADMIN_NOT_FOUND: { status: 404, title: 'No such admin object' },
  RAMPART_ADMIN_CONFLICT: { status: 409, title: 'Admin change conflicts with the current state' },
  RAMPART_ADMIN_UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Admin writes need application/json' },
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
