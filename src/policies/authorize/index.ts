// The authorize policy definition (authz): default-deny access rules, function level and object level.
import { definePolicy } from '../policy.ts';
import { createAuthorize } from './authorize.ts';
import { authorizeConfig } from './config.ts';

/** Lets identified callers do only what their roles/scopes allow, on their own objects. */
export const authorize = definePolicy({
  name: 'authorize',
  stage: 'authz',
  description:
    'Default-deny authorization: roles/scopes, conditions and step-up per path and method (BFLA); object ownership from the request, the answer or learned at creation (BOLA).',
  config: authorizeConfig,
  errors: [
    'RAMPART_AUTHZ_FORBIDDEN',
    'RAMPART_AUTHZ_OBJECT_NOT_FOUND',
    'RAMPART_AUTHN_UNAUTHORIZED',
    'RAMPART_AUTHN_STEP_UP_REQUIRED',
  ],
  create: (config, deps) => createAuthorize(config, deps),
});
