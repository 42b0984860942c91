// The embedded defaults `rampart start` runs on when no config file is given or found: the bundled
// demo API behind the gateway with the ingress and response protections on, API-key authentication
// with authorization rules, and the response filter bound to the demo API's contract.
import { fileURLToPath } from 'node:url';

/** The demo API's OpenAPI contract, wherever the gateway is started from. */
const DEMO_SPEC = fileURLToPath(new URL('../../examples/demo-api/openapi.yaml', import.meta.url));

/** The default config text, in front of the demo API at `upstreamUrl`. */
export function demoConfigText(upstreamUrl: string, ports: { http: number; admin: number }): string {
  return `# Embedded defaults: the demo API behind Rampart.
version: 1
server:
  http: { host: 127.0.0.1, port: ${ports.http} }
admin:
  host: 127.0.0.1
  port: ${ports.admin}
# In-memory identities: rampart start seeds the demo consumers alice (admin) and bob (user).
store: { sqlite: ":memory:" }
upstreams:
  demo:
    url: ${upstreamUrl}
defaults:
  policies:
    api-key:
      optional: true
      forward: { claims: { x-user-id: userId } }
    authorize:
      rules:
        - { name: public, paths: [/health, /login, /debug/**], public: true }
        - { name: signup, paths: [/users], methods: [POST], public: true }
        - { name: admin-area, paths: [/admin/**], anyOf: [admin] }
        - { name: list-users, paths: [/users], methods: [GET], anyOf: [admin] }
        - { name: delete-user, paths: [/users/*], methods: [DELETE], anyOf: [admin] }
        - { name: users, paths: [/users/*], methods: [GET, PATCH], anyOf: [user, admin] }
        - { name: orders, paths: [/orders, /orders/*], methods: [GET, POST], anyOf: [user, admin] }
      objects:
        - { name: own-profile, paths: [/users/:id], param: params.id, equals: claims.userId, unlessRoles: [admin] }
        - { name: own-orders, paths: [/orders], methods: [GET], param: query.userId, equals: claims.userId, unlessRoles: [admin] }
        - { name: order-owner, paths: [/orders], methods: [POST], param: body.userId, equals: claims.userId, whenMissing: allow }
    request-limits:
      maxBodyBytes: 1mb
      json: { maxDepth: 32, maxKeys: 1000 }
    security-headers: {}
    # The threat engine at paranoia 1: injections in query, headers, cookies, path and body are denied.
    detect: { paranoia: 1 }
    error-sanitize: {}
    # Only what the contract declares goes back: the API's passwordHash and internalNotes are removed.
    response-filter: { spec: ${JSON.stringify(DEMO_SPEC)} }
routes:
  - name: users
    match: { path: /users }
    upstream: demo
    policies:
      methods: { allow: [GET, POST] }
  - name: user
    match: { path: /users/:id }
    upstream: demo
    policies:
      methods: { allow: [GET, PATCH, DELETE] }
  - name: orders
    match: { path: /orders }
    upstream: demo
    policies:
      methods: { allow: [GET, POST] }
  - name: order
    match: { path: /orders/:id }
    upstream: demo
    policies:
      methods: { allow: [GET] }
  - name: login
    match: { path: /login, methods: [POST] }
    upstream: demo
  - name: admin
    match: { path: /admin/* }
    upstream: demo
    policies:
      ip-filter: { allow: [127.0.0.1/32, ::1/128] }
  - name: health
    match: { path: /health, methods: [GET, HEAD] }
    upstream: demo
  - name: debug
    match: { path: /debug/*, methods: [GET] }
    upstream: demo
`;
}
