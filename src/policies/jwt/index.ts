// The jwt policy definition (authn): Bearer JWTs verified against JWKS, OIDC discovery or static keys.
import { definePolicy } from '../policy.ts';
import { jwtConfig } from './config.ts';
import { createJwt } from './jwt.ts';

/** Identifies the caller by a signed JWT (issuer, audience and algorithm allow-list required). */
export const jwt = definePolicy({
  name: 'jwt',
  stage: 'authn',
  description: 'Verifies Bearer JWTs (jose): JWKS/OIDC discovery or static keys, asymmetric algorithms only.',
  config: jwtConfig,
  errors: ['RAMPART_AUTHN_UNAUTHORIZED', 'RAMPART_AUTHN_UNAVAILABLE'],
  create: (config, deps) => createJwt(config, deps),
});
