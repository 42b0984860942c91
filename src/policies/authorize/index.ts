// The authorize policy definition (authz): default-deny access rules, function level and object level.
import { definePolicy } from '../policy.ts';
import { createAuthorize } from './authorize.ts';
import { authorizeConfig } from './config.ts';

/** Lets identified callers do only what their roles/scopes allow, on their own objects. */
export const authorize = definePolicy({
  name: 'authorize',
  stage: 'authz',
  description:
    'Default-deny authorization: roles/scopes per path and method (BFLA) and object ownership (BOLA).',
  config: authorizeConfig,
  errors: ['RAMPART_AUTHZ_FORBIDDEN', 'RAMPART_AUTHN_UNAUTHORIZED'],
  create: (config) => createAuthorize(config),
});
