// What discovery asks a host for: well-known places of API descriptions, GraphQL endpoints, version
// prefixes, and paths frameworks and debug tooling expose. One table, so the bound on requests per
// host is the table's length (plus a baseline and a follow-up per GraphQL answer).

/** Why a path is probed. */
export type ProbeCategory = 'spec' | 'docs' | 'graphql' | 'version' | 'framework' | 'debug';

/** One probe. */
export interface Probe {
  readonly path: string;
  readonly category: ProbeCategory;
}

const table = (category: ProbeCategory, paths: readonly string[]): Probe[] =>
  paths.map((path) => ({ path, category }));

/** Every probe, in the order they are sent. */
export const PROBES: readonly Probe[] = [
  ...table('spec', [
    '/openapi.json',
    '/openapi.yaml',
    '/openapi.yml',
    '/swagger.json',
    '/swagger.yaml',
    '/v3/api-docs',
    '/v2/api-docs',
    '/api-docs',
    '/api-docs.json',
    '/swagger/v1/swagger.json',
    '/openapi/v1.json',
    '/api/openapi.json',
    '/api/swagger.json',
    '/api/v1/openapi.json',
    '/docs/openapi.json',
    '/.well-known/openapi.json',
    '/.well-known/api-catalog',
  ]),
  ...table('docs', ['/docs', '/redoc', '/swagger-ui.html', '/swagger-ui/', '/api/docs', '/apidocs']),
  ...table('graphql', ['/graphql', '/api/graphql', '/v1/graphql', '/graphiql', '/query']),
  ...table('version', ['/api', '/v1', '/v2', '/v3', '/api/v1', '/api/v2', '/api/v3']),
  ...table('framework', [
    '/actuator',
    '/actuator/health',
    '/actuator/env',
    '/actuator/mappings',
    '/metrics',
    '/health',
    '/healthz',
    '/status',
    '/server-status',
    '/rails/info/routes',
    '/_profiler',
    '/telescope',
    '/elmah.axd',
    '/wp-json/',
    '/.env',
    '/.git/HEAD',
    '/phpinfo.php',
    '/console',
    '/admin',
  ]),
  ...table('debug', [
    '/debug',
    '/debug/vars',
    '/debug/pprof/',
    '/debug/routes',
    '/debug/config',
    '/debug/error',
    '/debug/crash',
    '/_debug',
    '/__debug__/',
    '/crash',
    '/error',
    '/test',
  ]),
];

/** The GraphQL query a GraphQL endpoint answers (every schema has `__typename`). */
export const GRAPHQL_PROBE = '{"query":"{__typename}"}';
/** The follow-up asking whether introspection is open. */
export const GRAPHQL_INTROSPECTION = '{"query":"{__schema{queryType{name}}}"}';
