// The response-filter policy definition (response): send back only what the contract promises.
import { definePolicy } from '../policy.ts';
import { responseFilterConfig } from './config.ts';
import { createResponseFilter } from './response-filter.ts';

/** Removes (or blocks on) response members the contract does not declare, writeOnly and role-guarded ones. */
export const responseFilter = definePolicy({
  name: 'response-filter',
  stage: 'response',
  description: 'Filters JSON responses to the members the OpenAPI contract declares, per caller role.',
  config: responseFilterConfig,
  needs: { responseBody: true },
  errors: ['RAMPART_RESPONSE_CONTRACT_VIOLATION', 'RAMPART_RESPONSE_UNINSPECTABLE'],
  create: (config, deps) => createResponseFilter(config, deps),
});
