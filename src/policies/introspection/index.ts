// The introspection policy definition (authn): opaque OAuth2 access tokens checked at the
// authorization server (RFC 7662), answers cached.
import { definePolicy } from '../policy.ts';
import { introspectionConfig } from './config.ts';
import { createIntrospection } from './introspection.ts';

/** Identifies the caller by an opaque Bearer token the authorization server says is active. */
export const introspection = definePolicy({
  name: 'introspection',
  stage: 'authn',
  description:
    'Checks opaque OAuth2 Bearer tokens at an RFC 7662 introspection endpoint; active answers cached by token hash.',
  config: introspectionConfig,
  errors: ['RAMPART_AUTHN_UNAUTHORIZED', 'RAMPART_AUTHN_UNAVAILABLE'],
  create: (config, deps) => createIntrospection(config, deps),
});
