// The api-key policy definition (authn): consumer API keys from a header, looked up by hash.
import { definePolicy } from '../policy.ts';
import { createApiKey } from './api-key.ts';
import { apiKeyConfig } from './config.ts';

/** Identifies the caller by an API key issued with `rampart keys create`. */
export const apiKey = definePolicy({
  name: 'api-key',
  stage: 'authn',
  description: 'Identifies consumers by API keys (prefixed, 256-bit, stored as SHA-256 hashes).',
  config: apiKeyConfig,
  errors: ['RAMPART_AUTHN_UNAUTHORIZED', 'RAMPART_AUTHN_UNAVAILABLE'],
  create: (config, deps) => createApiKey(config, deps),
});
