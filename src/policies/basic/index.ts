// The basic policy definition (authn): HTTP Basic passwords, scrypt-hashed in the store, TLS only.
import { definePolicy } from '../policy.ts';
import { createBasic } from './basic.ts';
import { basicConfig } from './config.ts';

/** Identifies the caller by a Basic username and password (over TLS unless the route opts out). */
export const basic = definePolicy({
  name: 'basic',
  stage: 'authn',
  description: 'HTTP Basic authentication against scrypt password hashes; refused over plain HTTP.',
  config: basicConfig,
  errors: ['RAMPART_AUTHN_UNAUTHORIZED', 'RAMPART_AUTHN_TLS_REQUIRED', 'RAMPART_AUTHN_UNAVAILABLE'],
  create: (config, deps) => createBasic(config, deps),
});
