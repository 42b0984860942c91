// The graphql policy definition (validation): GraphQL limits, persisted queries, field roles, detection.
import { definePolicy } from '../policy.ts';
import { graphqlConfig } from './config.ts';
import { createGraphql } from './graphql.ts';

/** Protects a GraphQL endpoint: bounded parsing, depth/alias/directive/batch/cost limits, introspection, persisted queries, field roles. */
export const graphql = definePolicy({
  name: 'graphql',
  stage: 'validation',
  description:
    'GraphQL over HTTP: bounded parsing, depth, alias, directive, batch and cost limits, introspection and suggestions off, persisted-query allow-list, field roles from SDL, detection of variables and arguments.',
  config: graphqlConfig,
  needs: { requestBody: true, responseBody: true },
  errors: [
    'RAMPART_GRAPHQL_REQUEST_INVALID',
    'RAMPART_GRAPHQL_DOCUMENT_INVALID',
    'RAMPART_GRAPHQL_REQUEST_TOO_LARGE',
    'RAMPART_GRAPHQL_METHOD_NOT_ALLOWED',
    'RAMPART_GRAPHQL_UNSUPPORTED_MEDIA_TYPE',
    'RAMPART_GRAPHQL_BATCH_TOO_LARGE',
    'RAMPART_GRAPHQL_TOO_DEEP',
    'RAMPART_GRAPHQL_TOO_MANY_ALIASES',
    'RAMPART_GRAPHQL_TOO_MANY_DIRECTIVES',
    'RAMPART_GRAPHQL_TOO_COSTLY',
    'RAMPART_GRAPHQL_TOO_COMPLEX',
    'RAMPART_GRAPHQL_INTROSPECTION_DISABLED',
    'RAMPART_GRAPHQL_FIELD_FORBIDDEN',
    'RAMPART_GRAPHQL_PERSISTED_QUERY_NOT_FOUND',
    'RAMPART_GRAPHQL_PERSISTED_QUERY_REFUSED',
    'RAMPART_THREAT_DETECTED',
    'RAMPART_THREAT_INSPECTION_BUDGET',
  ],
  create: (config, deps) => createGraphql(config, deps),
});
