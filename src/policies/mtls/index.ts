// The mtls policy definition (authn): the TLS client certificate names the consumer.
import { definePolicy } from '../policy.ts';
import { mtlsConfig } from './config.ts';
import { createMtls } from './mtls.ts';

/** Identifies the caller by its verified TLS client certificate (subject CN, SAN or fingerprint). */
export const mtls = definePolicy({
  name: 'mtls',
  stage: 'authn',
  description: 'Maps a verified TLS client certificate (CN, SAN or fingerprint) to a consumer.',
  config: mtlsConfig,
  errors: ['RAMPART_AUTHN_UNAUTHORIZED', 'RAMPART_AUTHN_UNAVAILABLE'],
  create: (config, deps) => createMtls(config, deps),
});
