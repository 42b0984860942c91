// The token-shield policy definition (authn): the phantom-token pattern in front of an API whose own
// tokens cannot be trusted (weak or leaked signing keys, no expiry).
import { definePolicy } from '../policy.ts';
import { tokenShieldConfig } from './config.ts';
import { createTokenShield } from './token-shield.ts';

/** Swaps the upstream's tokens for opaque references on login, and back on every protected call. */
export const tokenShield = definePolicy({
  name: 'token-shield',
  stage: 'authn',
  description:
    'Phantom tokens: the login answer carries an opaque reference instead of the upstream token; ' +
    'protected routes accept only references and forward the real token; logout revokes everywhere.',
  config: tokenShieldConfig,
  errors: ['RAMPART_AUTHN_UNAUTHORIZED', 'RAMPART_AUTHN_UNAVAILABLE', 'RAMPART_RESPONSE_UNINSPECTABLE'],
  create: (config, deps) => createTokenShield(config, deps),
});
