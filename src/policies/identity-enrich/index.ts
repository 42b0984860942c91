// The identity-enrich policy definition (authn, after the authn methods): members the upstream knows
// about the caller (roles in its database) added to the identity.
import { definePolicy } from '../policy.ts';
import { identityEnrichConfig } from './config.ts';
import { createIdentityEnrich } from './identity-enrich.ts';

/** Asks an upstream operation about the identified caller and exposes the answer as `identity.enriched`. */
export const identityEnrich = definePolicy({
  name: 'identity-enrich',
  stage: 'authn',
  description:
    'Adds members of an upstream answer about the caller (a /me or userinfo endpoint) to the identity ' +
    "as `enriched`, asked with the caller's own credential and cached per token.",
  config: identityEnrichConfig,
  errors: ['RAMPART_AUTHN_UNAVAILABLE'],
  create: (config, deps) => createIdentityEnrich(config, deps),
});
