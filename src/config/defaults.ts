// The embedded defaults `rampart start` runs on when no config file is given or found: the bundled
// demo API behind the gateway with the ingress and response protections on.

/** The default config text, in front of the demo API at `upstreamUrl`. */
export function demoConfigText(upstreamUrl: string, ports: { http: number; admin: number }): string {
  return `# Embedded defaults: the demo API behind Rampart.
version: 1
server:
  http: { host: 127.0.0.1, port: ${ports.http} }
admin:
  host: 127.0.0.1
  port: ${ports.admin}
upstreams:
  demo:
    url: ${upstreamUrl}
defaults:
  policies:
    request-limits:
      maxBodyBytes: 1mb
      json: { maxDepth: 32, maxKeys: 1000 }
    security-headers: {}
    error-sanitize: {}
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
